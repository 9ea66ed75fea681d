import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** The role muster assumes in every member account, and how. */
export interface MemberRoleSettings {
  roleName: string;
  externalId?: string;
  /**
   * 900..3600: role chaining from a Lambda caps sessions at one hour
   * (docs/aws-facts.md, Getting into member accounts (STS)).
   */
  durationSeconds: number;
  /** The partition of the member accounts: the Lambda's own. */
  partition: string;
  sessionName: string;
}

/** Credentials are renewed when they have less than this left, so a long invocation never signs with an expired key. */
const RENEW_BEFORE_MS = 60_000;

export function memberRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/**
 * `muster-<execution name>`, so CloudTrail in the member names the execution. STS allows 2..64 characters of
 * `[\w+=,.@-]` (docs/aws-facts.md, Getting into member accounts (STS)); anything else becomes `-`.
 */
export function roleSessionName(executionId?: string): string {
  const suffix = (executionId?.split(':').pop() ?? '').replace(/[^\w+=,.@-]/g, '-');
  return (suffix === '' ? 'muster' : `muster-${suffix}`).slice(0, 64);
}

/** The member role's credentials in each account, one provider per account. */
export type MemberCredentials = (accountId: string) => AwsCredentialIdentityProvider;

/** A container's member sessions: `sessions(sts, settings)` hands out one invocation's providers. */
export type MemberSessions = (sts: STSClient, settings: MemberRoleSettings) => MemberCredentials;

/** How often idle sessions are dropped, so a long-lived container does not keep every execution's. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Member sessions kept for the life of a Lambda container, one per (account, role, session name,
 * external id, duration): a member batch that comes back in a later poll round of the same execution
 * (same session name) to a warm container signs with the session it already has, renewed a minute
 * before it expires, instead of a new AssumeRole. The SDK does not share credentials between clients
 * (docs/aws-facts.md, Getting into member accounts (STS)), so every regional client of an account
 * gets the same provider. A session idle for its whole duration is dropped. Another container, or
 * another execution (another session name), assumes the role again.
 */
export function memberSessions(now: () => number = Date.now): MemberSessions {
  const sessions = new Map<string, { provider: AwsCredentialIdentityProvider; usedAt: number }>();
  let sweptAt = now();
  return (sts, settings) => (accountId) => {
    const time = now();
    if (time - sweptAt >= SWEEP_EVERY_MS) {
      for (const [key, session] of sessions)
        if (time - session.usedAt >= settings.durationSeconds * 1000) sessions.delete(key);
      sweptAt = time;
    }
    const key = [
      memberRoleArn(settings.partition, accountId, settings.roleName),
      settings.sessionName,
      settings.externalId ?? '',
      settings.durationSeconds,
    ].join(' ');
    let session = sessions.get(key);
    if (session === undefined) {
      session = {
        provider: sharedSession(() => assumeMemberRole(sts, settings, accountId), now),
        usedAt: time,
      };
      sessions.set(key, session);
    }
    session.usedAt = time;
    return session.provider;
  };
}

/**
 * One invocation's member sessions (memberSessions without the container): hand an account's provider
 * to all of that account's regional clients. `sts` should be a Regional STS client because
 * global-endpoint tokens do not work in opt-in Regions; the SDK honours AWS_ENDPOINT_URL_STS.
 */
export function memberCredentials(
  sts: STSClient,
  settings: MemberRoleSettings,
  now: () => number = Date.now,
): MemberCredentials {
  return memberSessions(now)(sts, settings);
}

async function assumeMemberRole(
  sts: STSClient,
  settings: MemberRoleSettings,
  accountId: string,
): Promise<AwsCredentialIdentity> {
  const roleArn = memberRoleArn(settings.partition, accountId, settings.roleName);
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: settings.sessionName,
      DurationSeconds: settings.durationSeconds,
      ...(settings.externalId === undefined ? {} : { ExternalId: settings.externalId }),
    }),
  );
  if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
    throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    ...(Credentials.SessionToken === undefined ? {} : { sessionToken: Credentials.SessionToken }),
    ...(Credentials.Expiration === undefined ? {} : { expiration: Credentials.Expiration }),
  };
}

/**
 * One session shared by every caller: concurrent first calls wait for the same AssumeRole, a
 * failure is not kept (the next call tries again), and a session about to expire is renewed once.
 */
function sharedSession(
  assume: () => Promise<AwsCredentialIdentity>,
  now: () => number,
): AwsCredentialIdentityProvider {
  let session: Promise<AwsCredentialIdentity> | undefined;
  const start = (): Promise<AwsCredentialIdentity> => {
    const attempt = assume();
    session = attempt;
    attempt.catch(() => {
      if (session === attempt) session = undefined;
    });
    return attempt;
  };
  return async () => {
    const current = session ?? start();
    const credentials = await current;
    const expiresAt = credentials.expiration?.getTime();
    if (expiresAt === undefined || expiresAt - now() > RENEW_BEFORE_MS) return credentials;
    return session === current || session === undefined ? start() : session;
  };
}

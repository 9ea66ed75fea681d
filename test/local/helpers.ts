import { createServer } from 'node:net';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach } from 'vitest';
import {
  ADMINISTRATOR_ACCESS_KEY_ID,
  type ScenarioInput,
  type StandIn,
  startStandIn,
} from '../../local/standin/index.ts';

export const ADMIN = '111111111111';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const ADMIN_CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: ADMINISTRATOR_ACCESS_KEY_ID,
  secretAccessKey: 'standin-secret-access-key',
};

/** A small organization: two created accounts, one that joined by invitation, one outside. */
export function smallScenario(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'small',
    administratorAccountId: ADMIN,
    regions: ['us-east-1', 'eu-west-1'],
    delegatedAdministrator: true,
    services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
    accounts: [
      { accountId: '000000000002', email: 'a@example.com', joinedMethod: 'CREATED' },
      { accountId: '222222222222', email: 'b@example.com', joinedMethod: 'CREATED' },
      { accountId: '333333333333', email: 'c@example.com', joinedMethod: 'INVITED' },
      { accountId: '444444444444', email: 'outside@example.net', joinedMethod: 'OUTSIDE' },
    ],
    ...overrides,
  };
}

export interface Clients {
  securityHub: SecurityHubClient;
  detective: DetectiveClient;
  organizations: OrganizationsClient;
  sts: STSClient;
}

/** SDK v3 clients pointed at the stand-in (or moto); one attempt, so error shapes reach the test unretried. */
export function clientsFor(
  target: Pick<StandIn, 'endpoint'>,
  region = 'us-east-1',
  credentials: AwsCredentialIdentity = ADMIN_CREDENTIALS,
): Clients {
  const config = { endpoint: target.endpoint, region, credentials, maxAttempts: 1 };
  return {
    securityHub: new SecurityHubClient(config),
    detective: new DetectiveClient(config),
    organizations: new OrganizationsClient(config),
    sts: new STSClient(config),
  };
}

/** Credentials for a member account, issued by the stand-in's AssumeRole. */
export async function memberCredentials(
  standIn: StandIn,
  accountId: string,
  roleName = 'MusterMemberRole',
): Promise<AwsCredentialIdentity> {
  const { sts } = clientsFor(standIn);
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
      RoleSessionName: 'muster-test',
    }),
  );
  const c = out.Credentials;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
    throw new Error('AssumeRole gave no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** Clients signed as a member account. */
export async function memberClients(
  standIn: StandIn,
  accountId: string,
  region = 'us-east-1',
): Promise<Clients> {
  return clientsFor(standIn, region, await memberCredentials(standIn, accountId));
}

/** The rejection of a promise, for asserting on the SDK's exception. */
export async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port nothing listens on now, for a server a test starts (moto_server). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers 200, or throws after `timeoutMs`. */
export async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** A test file's stand-in starter: every stand-in it starts is stopped after each test. */
export function standInsPerTest(timeScale?: number): (scenario: ScenarioInput) => Promise<StandIn> {
  const started: StandIn[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((standIn) => standIn.stop()));
  });
  return async (scenario) => {
    const standIn = await startStandIn({ scenario, ...(timeScale === undefined ? {} : { timeScale }) });
    started.push(standIn);
    return standIn;
  };
}

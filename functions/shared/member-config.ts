import type { ClientSettings } from './aws/clients.ts';
import type { MemberRoleSettings } from './aws/credentials.ts';
import { configReaders, type Env, readAdministratorId, readClientSettings } from './config.ts';
import { KNOWN_REGIONS, partitionOf } from './domain/regions.ts';
import { ConfigurationError } from './errors.ts';

/** Settings of the member-side step (accept invitations). */
export interface MemberConfig {
  administratorId: string;
  /** The Lambda's own Region: its Regional STS endpoint issues the member sessions. */
  region: string;
  role: Omit<MemberRoleSettings, 'sessionName'>;
  enableDefaultStandards: boolean;
  allowTakeOver: boolean;
  clients: ClientSettings;
  /** Accounts worked on at once, and Regions at once within each account. */
  concurrency: { accounts: number; regions: number };
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// STS: ExternalId is 2..1224 characters of [\w+=,.@:/-]
// (docs/aws-facts.md, Getting into member accounts (STS)).
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function readMemberConfig(env: Env): MemberConfig {
  const { required, optionalText, flag, integer } = configReaders;
  const roleName = required(env, 'MEMBER_ROLE_NAME');
  if (!ROLE_NAME.test(roleName)) {
    throw new ConfigurationError(
      `environment variable MEMBER_ROLE_NAME: ${JSON.stringify(roleName)} is not an IAM role name`,
    );
  }
  const externalId = optionalText(env, 'MEMBER_ROLE_EXTERNAL_ID');
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw new ConfigurationError(
      'environment variable MEMBER_ROLE_EXTERNAL_ID must be 2 to 1224 characters of letters, digits and +=,.@:/-',
    );
  }
  // Lambda sets AWS_REGION; without it the STS endpoint and the role ARN's partition are unknown.
  const region = required(env, 'AWS_REGION');
  if (!KNOWN_REGIONS.has(region)) {
    throw new ConfigurationError(
      `environment variable AWS_REGION: ${JSON.stringify(region)} is not a known Region`,
    );
  }
  return {
    administratorId: readAdministratorId(env),
    region,
    role: {
      roleName,
      ...(externalId === undefined ? {} : { externalId }),
      durationSeconds: integer(env, 'MEMBER_ROLE_SESSION_SECONDS', 900, 900, 3600),
      partition: partitionOf(region),
    },
    enableDefaultStandards: flag(env, 'ENABLE_DEFAULT_STANDARDS', true),
    allowTakeOver: flag(env, 'ALLOW_TAKE_OVER', false),
    clients: readClientSettings(env),
    concurrency: {
      accounts: integer(env, 'ACCOUNT_CONCURRENCY', 5, 1, 50),
      // The 17 Regions every account has without opting in, in one wave: an account's Regions then
      // wait for one Region's chain of answers instead of three (docs/benchmark.md, "The member side
      // as AWS runs it"); at most 5 × 17 calls in flight per invocation, each Region a bucket of its own.
      regions: integer(env, 'REGION_CONCURRENCY', 17, 1, 40),
    },
  };
}

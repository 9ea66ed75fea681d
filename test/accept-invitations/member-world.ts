import {
  AcceptInvitationCommand,
  DetectiveClient,
  ListInvitationsCommand as ListGraphInvitationsCommand,
} from '@aws-sdk/client-detective';
import {
  AcceptAdministratorInvitationCommand,
  EnableSecurityHubCommand,
  GetAdministratorAccountCommand,
  ListInvitationsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import type { AcceptInvitationsDeps } from '../../functions/accept-invitations/accept-invitations.ts';
import type { AcceptInvitationsInput } from '../../functions/accept-invitations/contract.ts';
import { memberAccountOpener } from '../../functions/accept-invitations/member-account.ts';
import { memberCredentials } from '../../functions/shared/aws/credentials.ts';
import type { Disposition, Outcome } from '../../functions/shared/domain/outcomes.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import { awsError } from '../helpers.ts';

export const ADMINISTRATOR = '999999999999';
export const OTHER_ADMINISTRATOR = '888888888888';
export const graphArn = (region: string) =>
  `arn:aws:detective:${region}:${ADMINISTRATOR}:graph:0123456789abcdef0123456789abcdef`;

/** What one member account shows in one Region for one service. */
export const BEHAVIOURS = [
  'invited',
  'already-enabled',
  'no-invitation',
  'other-administrator',
  'region-disabled',
  'throttled',
  'broken',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

/** The result each behaviour must produce. */
export const EXPECTED: Record<Behaviour, { outcome: Outcome; disposition: Disposition }> = {
  invited: { outcome: 'ENABLED', disposition: 'done' },
  'already-enabled': { outcome: 'ENABLED', disposition: 'done' },
  'no-invitation': { outcome: 'PENDING_INVITATION', disposition: 'retry' },
  'other-administrator': { outcome: 'CONFLICT', disposition: 'failed' },
  'region-disabled': { outcome: 'SKIPPED_REGION_DISABLED', disposition: 'done' },
  throttled: { outcome: 'PENDING_ACCEPTANCE', disposition: 'retry' },
  broken: { outcome: 'FAILED', disposition: 'failed' },
};

export interface World {
  /** Accounts whose member role is not deployed. */
  roleMissing: Set<string>;
  /**
   * Security Hub starts off in every member and Region (until EnableSecurityHub); otherwise it is on.
   * Off, every other call answers InvalidAccessException, as AWS does (docs/aws-facts.md, Security Hub).
   */
  hubsOff?: boolean;
  behaviour(accountId: string, region: string, service: ServiceName): Behaviour;
}

/** Errors that answer every call of a member in a given state, whatever the operation. */
function failureOf(behaviour: Behaviour): Error | undefined {
  if (behaviour === 'region-disabled') {
    return awsError(
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid',
    );
  }
  if (behaviour === 'throttled') return awsError('ThrottlingException', 429, 'Rate exceeded');
  if (behaviour === 'broken') return awsError('AccessDeniedException', 403, 'explicit deny in an SCP');
  return undefined;
}

interface CallerView {
  config: { region: () => Promise<string>; credentials: AwsCredentialIdentityProvider };
}

/**
 * SDK mocks that answer as the member accounts of `world` would: each call finds its account
 * through the credentials its client resolves (the fake STS puts the account id in the access key),
 * so a client that did not get its account's credentials provider cannot answer for it.
 */
export function mockMembers() {
  const sts = mockClient(STSClient);
  const securityHub = mockClient(SecurityHubClient);
  const detective = mockClient(DetectiveClient);
  let world: World = { roleMissing: new Set(), behaviour: () => 'invited' };
  let hubsOn = new Set<string>();

  /** A Security Hub call other than EnableSecurityHub: refused while the member's hub is off. */
  const hubCaller = async (getClient: () => unknown) => {
    const found = await caller(getClient, 'securityhub');
    const { accessKeyId } = await (getClient() as CallerView).config.credentials();
    if (world.hubsOff === true && !hubsOn.has(`${accessKeyId} ${found.region}`))
      throw awsError(
        'InvalidAccessException',
        401,
        `Account ${accessKeyId} is not subscribed to AWS Security Hub`,
      );
    return found;
  };

  const caller = async (getClient: () => unknown, service: ServiceName) => {
    const { config } = getClient() as CallerView;
    const region = await config.region();
    const { accessKeyId } = await config.credentials();
    const behaviour = world.behaviour(accessKeyId, region, service);
    const failure = failureOf(behaviour);
    if (failure !== undefined) throw failure;
    return { region, behaviour };
  };

  function install(next: World): void {
    world = next;
    hubsOn = new Set();
    sts.on(AssumeRoleCommand).callsFake(({ RoleArn }: { RoleArn: string }) => {
      const accountId = RoleArn.split(':')[4] ?? '';
      if (world.roleMissing.has(accountId)) {
        throw awsError(
          'AccessDenied',
          403,
          `User: arn:aws:sts::${ADMINISTRATOR}:assumed-role/accept/x is not authorized to perform: sts:AssumeRole on resource: ${RoleArn}`,
        );
      }
      return {
        Credentials: {
          AccessKeyId: accountId,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 900_000),
        },
      };
    });
    securityHub.on(EnableSecurityHubCommand).callsFake(async (_input, getClient) => {
      const { region } = await caller(getClient, 'securityhub');
      const { accessKeyId } = await (getClient() as CallerView).config.credentials();
      const key = `${accessKeyId} ${region}`;
      if (world.hubsOff !== true || hubsOn.has(key))
        throw awsError('ResourceConflictException', 409, 'Account is already subscribed to Security Hub');
      hubsOn.add(key);
      return {};
    });
    securityHub.on(GetAdministratorAccountCommand).callsFake(async (_input, getClient) => {
      const { behaviour } = await hubCaller(getClient);
      if (behaviour === 'already-enabled')
        return { Administrator: { AccountId: ADMINISTRATOR, MemberStatus: 'Enabled' } };
      if (behaviour === 'other-administrator') {
        return { Administrator: { AccountId: OTHER_ADMINISTRATOR, MemberStatus: 'Enabled' } };
      }
      return {};
    });
    securityHub.on(ListInvitationsCommand).callsFake(async (_input, getClient) => {
      const { behaviour } = await hubCaller(getClient);
      return behaviour === 'invited'
        ? {
            Invitations: [
              { AccountId: ADMINISTRATOR, InvitationId: 'our-invitation', MemberStatus: 'Invited' },
            ],
          }
        : { Invitations: [] };
    });
    securityHub.on(AcceptAdministratorInvitationCommand).callsFake(async (_input, getClient) => {
      const { behaviour } = await hubCaller(getClient);
      if (behaviour === 'other-administrator')
        throw awsError(
          'InvalidInputException',
          400,
          'the account is already associated with another administrator',
        );
      if (behaviour !== 'invited') throw awsError('ResourceNotFoundException', 404, 'Invitation not found.');
      return {};
    });
    // Detective's ListInvitations shows open and accepted invitations (docs/aws-facts.md, Amazon Detective).
    detective.on(ListGraphInvitationsCommand).callsFake(async (_input, getClient) => {
      const { region, behaviour } = await caller(getClient, 'detective');
      if (behaviour === 'no-invitation') return { Invitations: [] };
      const status = behaviour === 'already-enabled' ? 'ENABLED' : 'INVITED';
      return { Invitations: [{ GraphArn: graphArn(region), Status: status }] };
    });
    detective.on(AcceptInvitationCommand).callsFake(async (_input, getClient) => {
      const { behaviour } = await caller(getClient, 'detective');
      if (behaviour === 'no-invitation')
        throw awsError('ResourceNotFoundException', 404, 'The request refers to a nonexistent resource.');
      if (behaviour === 'other-administrator' || behaviour === 'already-enabled') {
        throw awsError('ConflictException', 409, 'The request conflicts with the member account status');
      }
      return {};
    });
  }

  return {
    sts,
    securityHub,
    detective,
    reset(next: World = { roleMissing: new Set(), behaviour: () => 'invited' }): void {
      sts.reset();
      securityHub.reset();
      detective.reset();
      install(next);
    },
  };
}

/** Real credentials and adapters over the mocked SDK clients: what the handler wires, minus the tracer. */
export function memberDeps(options: { allowTakeOver?: boolean } = {}): AcceptInvitationsDeps {
  return {
    administratorId: ADMINISTRATOR,
    credentials: memberCredentials(new STSClient({ region: 'us-east-1' }), {
      roleName: 'MusterMemberRole',
      durationSeconds: 900,
      partition: 'aws',
      sessionName: 'muster-test',
    }),
    openAccount: memberAccountOpener(
      { maxAttempts: 1, callsPerSecond: 100 },
      { enableDefaultStandards: true, allowTakeOver: options.allowTakeOver ?? false },
    ),
    concurrency: { accounts: 3, regions: 4 },
  };
}

export function batch(
  accountIds: string[],
  regions: string[],
  services: ServiceName[] = ['securityhub', 'detective'],
): AcceptInvitationsInput {
  return {
    administratorId: ADMINISTRATOR,
    accountIds,
    regions,
    services,
    homes: regions.flatMap((region) => [
      { region, service: 'securityhub' as const },
      { region, service: 'detective' as const, home: graphArn(region) },
    ]),
  };
}

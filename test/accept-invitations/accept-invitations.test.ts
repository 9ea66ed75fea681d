import { AcceptInvitationCommand } from '@aws-sdk/client-detective';
import { EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  acceptInvitations,
  brief,
  MAX_REASON_LENGTH,
  statusOfError,
} from '../../functions/accept-invitations/accept-invitations.ts';
import type { AcceptInvitationsOutput } from '../../functions/accept-invitations/contract.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { accountIds, awsError } from '../helpers.ts';
import {
  ADMINISTRATOR,
  BEHAVIOURS,
  type Behaviour,
  batch,
  EXPECTED,
  memberDeps,
  mockMembers,
} from './member-world.ts';

const members = mockMembers();
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-3', 'me-central-1'];

const triples = ({ results }: AcceptInvitationsOutput) =>
  results.map(({ accountId, region, service }) => `${accountId} ${region} ${service}`);

describe('acceptInvitations', () => {
  beforeEach(() => {
    members.reset();
  });

  it('returns ENABLED for every account, Region and service when every invitation is waiting', async () => {
    const output = await acceptInvitations(batch(accountIds(3), REGIONS), memberDeps());

    expect(output.results).toHaveLength(3 * 4 * 2);
    expect(
      output.results.every(({ outcome, disposition }) => outcome === 'ENABLED' && disposition === 'done'),
    ).toBe(true);
    expect(output.retryAccountIds).toEqual([]);
  });

  it('returns results in input order: account, then Region, then service', async () => {
    const output = await acceptInvitations(batch(accountIds(2), ['eu-west-1', 'us-east-1']), memberDeps());

    expect(triples(output)).toEqual([
      '100000000000 eu-west-1 securityhub',
      '100000000000 eu-west-1 detective',
      '100000000000 us-east-1 securityhub',
      '100000000000 us-east-1 detective',
      '100000000001 eu-west-1 securityhub',
      '100000000001 eu-west-1 detective',
      '100000000001 us-east-1 securityhub',
      '100000000001 us-east-1 detective',
    ]);
  });

  it('returns after exactly one AssumeRole per account however many Regions and services its clients sign for', async () => {
    await acceptInvitations(batch(accountIds(3), REGIONS), memberDeps());

    expect(members.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
    for (const accountId of accountIds(3)) {
      expect(members.sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: `arn:aws:iam::${accountId}:role/MusterMemberRole`,
        RoleSessionName: 'muster-test',
        DurationSeconds: 900,
      });
    }
  });

  it('returns MEMBER_ROLE_MISSING (retry) for every membership of an account whose role is not deployed, and goes on with the others', async () => {
    members.reset({ roleMissing: new Set(['100000000001']), behaviour: () => 'invited' });

    const output = await acceptInvitations(batch(accountIds(3), REGIONS), memberDeps());

    const missing = output.results.filter(({ accountId }) => accountId === '100000000001');
    expect(missing).toHaveLength(8);
    for (const result of missing) {
      expect(result).toMatchObject({ outcome: 'MEMBER_ROLE_MISSING', disposition: 'retry' });
      expect(result.reason).toContain('AccessDenied');
    }
    expect(output.results.filter(({ outcome }) => outcome === 'ENABLED')).toHaveLength(16);
    expect(output.retryAccountIds).toEqual(['100000000001']);
  });

  it('returns SKIPPED_REGION_DISABLED (done) for a Region the member has not enabled', async () => {
    members.reset({
      roleMissing: new Set(),
      behaviour: (_account, region) => (region === 'me-central-1' ? 'region-disabled' : 'invited'),
    });

    const output = await acceptInvitations(batch(['100000000000'], REGIONS), memberDeps());

    expect(output.results.filter(({ region }) => region === 'me-central-1')).toEqual([
      expect.objectContaining({ outcome: 'SKIPPED_REGION_DISABLED', disposition: 'done' }),
      expect.objectContaining({ outcome: 'SKIPPED_REGION_DISABLED', disposition: 'done' }),
    ]);
    expect(output.retryAccountIds).toEqual([]);
  });

  it('returns SERVICE_NOT_ENABLED for Detective in a Region without a graph ARN, without asking the member', async () => {
    const input = { ...batch(['100000000000'], ['us-east-1', 'eu-west-1'], ['detective']), homes: [] };

    const output = await acceptInvitations(input, memberDeps());

    expect(output.results.map(({ outcome, disposition }) => [outcome, disposition])).toEqual([
      ['SERVICE_NOT_ENABLED', 'failed'],
      ['SERVICE_NOT_ENABLED', 'failed'],
    ]);
    expect(members.sts).not.toHaveReceivedAnyCommand();
    expect(members.detective).not.toHaveReceivedAnyCommand();
  });

  it("returns SERVICE_NOT_ENABLED for Security Hub outside the administrator's hub Regions, never enabling it there", async () => {
    const input = {
      ...batch(['100000000000'], ['us-east-1', 'eu-west-1'], ['securityhub']),
      homes: [],
    };

    const output = await acceptInvitations(input, memberDeps());

    expect(output.results.map(({ region, outcome }) => [region, outcome])).toEqual([
      ['us-east-1', 'SERVICE_NOT_ENABLED'],
      ['eu-west-1', 'SERVICE_NOT_ENABLED'],
    ]);
    expect(members.sts).not.toHaveReceivedAnyCommand();
    expect(members.securityHub).not.toHaveReceivedAnyCommand();
  });

  it('returns SERVICE_NOT_OFFERED where the plan says AWS does not offer the service, without asking the member', async () => {
    const input = {
      ...batch(['100000000000'], ['us-east-1', 'me-central-1'], ['detective']),
      notOffered: [{ region: 'me-central-1', service: 'detective' as const }],
    };

    const output = await acceptInvitations(input, memberDeps());

    expect(output.results.map(({ region, outcome, disposition }) => [region, outcome, disposition])).toEqual([
      ['us-east-1', 'ENABLED', 'done'],
      ['me-central-1', 'SERVICE_NOT_OFFERED', 'done'],
    ]);
    expect(members.detective).toHaveReceivedCommandTimes(AcceptInvitationCommand, 1);
  });

  it.each([
    [
      'centrallyConfigured',
      { centrallyConfigured: [{ region: 'us-east-1', service: 'securityhub' as const }] },
    ],
    // What a batch execution started before the update still passes: its definition is the one it started with.
    ['securityHubCentralRegions', { securityHubCentralRegions: ['us-east-1'] }],
  ])(
    'never enables Security Hub in an organization account where central configuration decides (%s), and still does in an invited one',
    async (_field, central) => {
      members.reset({ roleMissing: new Set(), behaviour: () => 'invited', hubsOff: true });
      const input = {
        ...batch(['100000000000', '100000000001'], ['us-east-1', 'eu-west-1'], ['securityhub']),
        ...central,
        invitedAccountIds: ['100000000001'],
      };

      const output = await acceptInvitations(input, memberDeps());

      expect(output.results.map(({ accountId, region, outcome }) => [accountId, region, outcome])).toEqual([
        ['100000000000', 'us-east-1', 'SERVICE_NOT_ENABLED'],
        ['100000000000', 'eu-west-1', 'ENABLED'],
        ['100000000001', 'us-east-1', 'ENABLED'],
        ['100000000001', 'eu-west-1', 'ENABLED'],
      ]);
      expect(output.results[0]?.reason).toContain('central configuration');
      // Three hubs enabled (each on its own account and Region), none in 100000000000's us-east-1.
      expect(members.securityHub).toHaveReceivedCommandTimes(EnableSecurityHubCommand, 3);
    },
  );

  it('returns SKIPPED_ADMINISTRATOR for the administrator itself without assuming a role there', async () => {
    const output = await acceptInvitations(batch([ADMINISTRATOR], ['us-east-1']), memberDeps());

    expect(output.results.map(({ outcome }) => outcome)).toEqual([
      'SKIPPED_ADMINISTRATOR',
      'SKIPPED_ADMINISTRATOR',
    ]);
    expect(members.sts).not.toHaveReceivedAnyCommand();
  });

  it('throws InvalidInputError before any call when the input names another administrator', async () => {
    const input = { ...batch(['100000000000'], ['us-east-1']), administratorId: '777777777777' };

    await expect(acceptInvitations(input, memberDeps())).rejects.toThrow(InvalidInputError);
    expect(members.sts).not.toHaveReceivedAnyCommand();
  });

  it('returns exactly one result per account, Region and service, each as its member state demands, for any failure pattern', async () => {
    const ids = accountIds(5);
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(ids, { minLength: 1 }),
        fc.subarray(REGIONS, { minLength: 1 }),
        fc.subarray(['securityhub', 'detective'] as const, { minLength: 1 }),
        fc.subarray(ids),
        fc.func(fc.constantFrom(...BEHAVIOURS)),
        async (accounts, regions, services, roleMissing, pick) => {
          const behaviour = (accountId: string, region: string, service: string): Behaviour =>
            pick(accountId, region, service);
          members.reset({ roleMissing: new Set(roleMissing), behaviour });

          const output = await acceptInvitations(batch(accounts, regions, [...services]), memberDeps());

          const expected = accounts.flatMap((accountId) =>
            regions.flatMap((region) =>
              services.map((service) => ({
                accountId,
                region,
                service,
                ...(roleMissing.includes(accountId)
                  ? { outcome: 'MEMBER_ROLE_MISSING', disposition: 'retry' }
                  : EXPECTED[behaviour(accountId, region, service)]),
              })),
            ),
          );
          expect(output.results.map(({ reason: _, ...rest }) => rest)).toEqual(expected);
          expect(new Set(triples(output)).size).toBe(output.results.length);
          expect(output.retryAccountIds).toEqual(
            accounts.filter((accountId) =>
              expected.some((result) => result.accountId === accountId && result.disposition === 'retry'),
            ),
          );
          expect(members.sts).toHaveReceivedCommandTimes(AssumeRoleCommand, accounts.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('statusOfError', () => {
  it.each([
    [awsError('AccessDenied', 403), 'assume-role', 'MEMBER_ROLE_MISSING'],
    [awsError('ThrottlingException', 429), 'assume-role', 'PENDING_ACCEPTANCE'],
    // How STS itself says it throttled (docs/aws-facts.md, Getting into member accounts (STS)).
    [awsError('Throttling', 400, 'Rate exceeded'), 'assume-role', 'PENDING_ACCEPTANCE'],
    [awsError('InvalidClientTokenId', 403), 'assume-role', 'FAILED'],
    [awsError('UnrecognizedClientException', 403), 'service-call', 'SKIPPED_REGION_DISABLED'],
    [awsError('InvalidClientTokenId', 403), 'service-call', 'SKIPPED_REGION_DISABLED'],
    [awsError('RegionDisabledException', 403), 'service-call', 'SKIPPED_REGION_DISABLED'],
    [awsError('AuthFailure', 401), 'service-call', 'SKIPPED_REGION_DISABLED'],
    [awsError('TooManyRequestsException', 429), 'service-call', 'PENDING_ACCEPTANCE'],
    [awsError('InternalException', 500), 'service-call', 'PENDING_ACCEPTANCE'],
    [awsError('AccessDeniedException', 403), 'service-call', 'FAILED'],
    [awsError('InvalidInputException', 400), 'service-call', 'FAILED'],
    [new TypeError('boom'), 'service-call', 'FAILED'],
  ] as const)('returns %s during %s as %s', (error, during, outcome) => {
    expect(statusOfError(error, during).outcome).toBe(outcome);
  });

  it('returns AWS text in the reason when the outcome is FAILED', () => {
    expect(statusOfError(awsError('InvalidInputException', 400, 'bad thing'), 'service-call')).toEqual({
      outcome: 'FAILED',
      reason: 'InvalidInputException: bad thing',
    });
  });
});

describe('brief', () => {
  it('returns short reasons unchanged', () => {
    expect(brief('ThrottlingException: Rate exceeded')).toBe('ThrottlingException: Rate exceeded');
  });

  it('returns the head and the tail of a long reason within the limit', () => {
    const reason = `AccessDenied: ${'x'.repeat(400)} on resource: arn:aws:iam::100000000000:role/MusterMemberRole`;
    const short = brief(reason);
    expect(short).toHaveLength(MAX_REASON_LENGTH);
    expect(short.startsWith('AccessDenied: ')).toBe(true);
    expect(short.endsWith('arn:aws:iam::100000000000:role/MusterMemberRole')).toBe(true);
  });

  it('returns an output of 20 accounts × 17 Regions × 2 services under 256 KiB even with every reason at the limit', () => {
    const results = accountIds(20).flatMap((accountId) =>
      Array.from({ length: 34 }, (_, index) => ({
        accountId,
        region: 'ap-southeast-5',
        service: index % 2 === 0 ? 'securityhub' : 'detective',
        outcome: 'SKIPPED_REGION_DISABLED',
        disposition: 'retry',
        reason: brief('y'.repeat(1000)),
      })),
    );
    const output = { results, retryAccountIds: accountIds(20) };
    expect(Buffer.byteLength(JSON.stringify(output))).toBeLessThan(256 * 1024);
  });
});

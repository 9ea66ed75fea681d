import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribeHubCommand, GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readCoverage } from '../../cli/commands/coverage.ts';
import { organizationsDirectory } from '../../functions/shared/services/organizations.ts';
import { securityHubReader } from '../../functions/shared/services/securityhub/administrator.ts';
import { awsError } from '../helpers.ts';

const organizations = mockClient(OrganizationsClient);
const securityHub = mockClient(SecurityHubClient);

const deps = {
  listAccounts: () => organizationsDirectory(new OrganizationsClient({ region: 'us-east-1' })).listAccounts(),
  reader: (_service: 'securityhub' | 'detective', region: string) =>
    securityHubReader(new SecurityHubClient({ region })),
};

const ACCOUNTS = Array.from({ length: 120 }, (_, n) => ({
  Id: String(200000000000 + n),
  Name: `team-${n}`,
  State: n === 7 ? ('SUSPENDED' as const) : ('ACTIVE' as const),
}));

beforeEach(() => {
  organizations.reset();
  securityHub.reset();
  organizations
    .on(ListAccountsCommand)
    .resolves({ Accounts: [...ACCOUNTS, { Id: '111111111111', State: 'ACTIVE' as const }] });
});

describe('readCoverage', () => {
  it('reads ACTIVE accounts 50 a call, names them, and reports what GetMembers does not show as NOT_A_MEMBER', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.filter((id) => Number(id.slice(-3)) % 2 === 0).map((id) => ({
        AccountId: id,
        MemberStatus: 'Enabled',
      })),
    }));

    const result = await readCoverage(
      { administratorId: '111111111111', regions: ['us-east-1'], services: ['securityhub'] },
      deps,
    );

    // 120 listed and the administrator, one of them SUSPENDED.
    expect(result.accounts).toBe(120);
    expect(securityHub).toHaveReceivedCommandTimes(GetMembersCommand, 3);
    for (const call of securityHub.commandCalls(GetMembersCommand))
      expect(call.args[0].input.AccountIds?.length).toBeLessThanOrEqual(50);
    expect(result.records).toHaveLength(120);
    expect(result.records.find(({ accountId }) => accountId === '200000000007')).toBeUndefined();
    expect(result.records).toContainEqual({
      accountId: '200000000003',
      accountName: 'team-3',
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'NOT_A_MEMBER',
      reason: '',
    });
    expect(result.coverage.outcomes).toEqual({ ENABLED: 60, NOT_A_MEMBER: 59, SKIPPED_ADMINISTRATOR: 1 });
  });

  it('reports every membership of a pair it could not read as FAILED, naming the error', async () => {
    securityHub
      .on(DescribeHubCommand)
      .rejects(awsError('AccessDeniedException', 403, 'not allowed to DescribeHub'));

    const result = await readCoverage(
      { administratorId: '111111111111', regions: ['eu-west-1'], services: ['securityhub'] },
      deps,
    );

    const failed = result.records.filter(({ outcome }) => outcome === 'FAILED');
    expect(failed).toHaveLength(119);
    expect(failed[0]?.reason).toBe(
      'could not read securityhub in eu-west-1: AccessDeniedException: not allowed to DescribeHub',
    );
    expect(securityHub).toHaveReceivedCommandTimes(GetMembersCommand, 0);
  });

  it('reports SERVICE_NOT_ENABLED where the administrator has no hub, without reading members', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401, 'not subscribed'));

    const result = await readCoverage(
      { administratorId: '111111111111', regions: ['eu-west-1'], services: ['securityhub'] },
      deps,
    );

    expect(new Set(result.records.map(({ outcome }) => outcome))).toEqual(
      new Set(['SERVICE_NOT_ENABLED', 'SKIPPED_ADMINISTRATOR']),
    );
    expect(result.coverage.pairs).toEqual([
      { region: 'eu-west-1', service: 'securityhub', enabled: 0, expected: 119, percent: 0 },
    ]);
  });
});

import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DescribeHubCommand,
  GetMembersCommand,
  ListMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NOT_LISTED_REASON, readCoverage, readingClient } from '../../cli/commands/coverage.ts';
import { main } from '../../cli/main.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import {
  type OrganizationAccount,
  organizationsDirectory,
} from '../../functions/shared/services/organizations.ts';
import { securityHubLister } from '../../functions/shared/services/securityhub/administrator.ts';
import { awsError } from '../helpers.ts';
import { memoryIo } from './helpers.ts';

const organizations = mockClient(OrganizationsClient);
const securityHub = mockClient(SecurityHubClient);

const deps = {
  listAccounts: () => organizationsDirectory(new OrganizationsClient({ region: 'us-east-1' })).listAccounts(),
  lister: (_service: ServiceName, region: string) => securityHubLister(new SecurityHubClient({ region })),
};

const ACCOUNTS = Array.from({ length: 120 }, (_, n) => ({
  Id: String(200000000000 + n),
  Name: `team-${n}`,
  State: n === 7 ? ('SUSPENDED' as const) : ('ACTIVE' as const),
}));

/** Security Hub's members: every even account Enabled, plus one outside the organization; 50 a page. */
const MEMBERS = [
  ...ACCOUNTS.filter(({ Id }) => Number(Id.slice(-3)) % 2 === 0).map(({ Id }) => ({
    AccountId: Id,
    MemberStatus: 'Enabled',
  })),
  { AccountId: '999999999999', MemberStatus: 'Invited' },
];

beforeEach(() => {
  organizations.reset();
  securityHub.reset();
  organizations
    .on(ListAccountsCommand)
    .resolves({ Accounts: [...ACCOUNTS, { Id: '111111111111', State: 'ACTIVE' as const }] });
  securityHub.on(ListMembersCommand).callsFake(({ NextToken }: { NextToken?: string }) => {
    const from = Number(NextToken ?? '0');
    const next = from + 50;
    return {
      Members: MEMBERS.slice(from, next),
      ...(next < MEMBERS.length ? { NextToken: String(next) } : {}),
    };
  });
});

describe('readCoverage', () => {
  it('lists the members page by page, names the ACTIVE accounts, and reports the unlisted ones NOT_A_MEMBER', async () => {
    securityHub.on(DescribeHubCommand).resolves({});

    const result = await readCoverage(
      { administratorId: '111111111111', regions: ['us-east-1'], services: ['securityhub'] },
      deps,
    );

    // 120 listed and the administrator, one of them SUSPENDED.
    expect(result.accounts).toBe(120);
    // 61 members, 50 a page: two pages, every status (OnlyAssociated false), and no GetMembers.
    expect(securityHub).toHaveReceivedCommandTimes(ListMembersCommand, 2);
    for (const call of securityHub.commandCalls(ListMembersCommand)) {
      expect(call.args[0].input.OnlyAssociated).toBe(false);
      expect(call.args[0].input.MaxResults).toBe(50);
    }
    expect(securityHub).toHaveReceivedCommandTimes(GetMembersCommand, 0);
    expect(result.records).toHaveLength(120);
    expect(result.records.find(({ accountId }) => accountId === '200000000007')).toBeUndefined();
    // A member outside the organization is not an organization account's coverage.
    expect(result.records.find(({ accountId }) => accountId === '999999999999')).toBeUndefined();
    expect(result.records).toContainEqual({
      accountId: '200000000003',
      accountName: 'team-3',
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'NOT_A_MEMBER',
      reason: NOT_LISTED_REASON,
    });
    expect(result.coverage.outcomes).toEqual({ ENABLED: 60, NOT_A_MEMBER: 59, SKIPPED_ADMINISTRATOR: 1 });
    // Every membership not covered says why, for a reader of the table, the CSV or the HTML's hover.
    expect(NOT_LISTED_REASON).toMatch(/member list/);
  });

  it('lists every pair’s members while the organization is still being listed', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    let release: (accounts: OrganizationAccount[]) => void = () => undefined;
    const listing = new Promise<OrganizationAccount[]>((resolve) => {
      release = resolve;
    });
    const reading = readCoverage(
      { administratorId: '111111111111', regions: ['us-east-1', 'eu-west-1'], services: ['securityhub'] },
      { ...deps, listAccounts: () => listing },
    );

    // Both Regions' pages are read before the organization's listing has answered.
    await expect.poll(() => securityHub.commandCalls(ListMembersCommand).length).toBe(4);
    release(ACCOUNTS.map(({ Id, Name, State }) => ({ accountId: Id, name: Name, state: State })));
    const result = await reading;

    expect(result.coverage.pairs.map(({ region, enabled }) => [region, enabled])).toEqual([
      ['us-east-1', 60],
      ['eu-west-1', 60],
    ]);
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
    expect(securityHub).toHaveReceivedCommandTimes(ListMembersCommand, 0);
  });

  it('reports every membership of a pair as FAILED when a ListMembers page fails, naming the error', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(ListMembersCommand)
      .rejects(awsError('AccessDeniedException', 403, 'not allowed to ListMembers'));

    const result = await readCoverage(
      { administratorId: '111111111111', regions: ['eu-west-1'], services: ['securityhub'] },
      deps,
    );

    expect(result.records.filter(({ outcome }) => outcome === 'FAILED')).toHaveLength(119);
    expect(result.records[1]?.reason).toBe(
      'could not read securityhub in eu-west-1: AccessDeniedException: not allowed to ListMembers',
    );
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
    expect(securityHub).toHaveReceivedCommandTimes(ListMembersCommand, 0);
    expect(result.coverage.pairs).toEqual([
      { region: 'eu-west-1', service: 'securityhub', enabled: 0, expected: 119, percent: 0 },
    ]);
  });
});

describe('readCoverage, making records as the pages arrive', () => {
  const INPUT = {
    administratorId: '111111111111',
    regions: ['us-east-1', 'eu-west-1'],
    services: ['securityhub' as const],
  };
  const directory = () => organizationsDirectory(new OrganizationsClient({ region: 'us-east-1' }));
  /** The same organization in pages of 20, as ListAccounts answers it. */
  const paged = () =>
    organizations.on(ListAccountsCommand).callsFake(({ NextToken }: { NextToken?: string }) => {
      const all = [...ACCOUNTS, { Id: '111111111111', State: 'ACTIVE' as const }];
      const from = Number(NextToken ?? '0');
      const next = from + 20;
      return { Accounts: all.slice(from, next), ...(next < all.length ? { NextToken: String(next) } : {}) };
    });
  /** What coverage reads when the listing tells no page: every record made from its answer. */
  const fromTheAnswer = () => readCoverage(INPUT, deps);

  it('makes the same records, in the same order, as from the whole answer', async () => {
    paged();
    const told: number[] = [];
    const result = await readCoverage(INPUT, {
      ...deps,
      listAccounts: (onPage) =>
        directory().listAccounts((accounts) => {
          told.push(accounts.length);
          onPage?.(accounts);
        }),
    });

    expect(told).toEqual([20, 20, 20, 20, 20, 20, 1]);
    expect(result).toEqual(await fromTheAnswer());
    expect(result.records).toHaveLength(2 * 120);
  });

  it('makes them again from the answer when the pages told differ from it (a listing asked twice)', async () => {
    paged();
    const result = await readCoverage(INPUT, {
      ...deps,
      listAccounts: async (onPage) => {
        // A first attempt told its first page, then failed; the second tells every page again.
        onPage?.((await directory().listAccounts()).slice(0, 20));
        return directory().listAccounts(onPage);
      },
    });

    const reference = await fromTheAnswer();
    expect(result).toEqual(reference);
    expect(new Set(result.records.map(({ accountId, region }) => `${accountId} ${region}`)).size).toBe(
      result.records.length,
    );
  });

  it('makes the records of a pair whose members are read only after the last page', async () => {
    paged();
    let release: () => void = () => undefined;
    const late = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reading = readCoverage(INPUT, {
      ...deps,
      listAccounts: async (onPage) => {
        const accounts = await directory().listAccounts(onPage);
        release();
        return accounts;
      },
      lister: (service, region) => {
        const lister = deps.lister(service, region);
        return region === 'eu-west-1'
          ? {
              ...lister,
              listMembers: async (target) => {
                await late;
                return lister.listMembers(target);
              },
            }
          : lister;
      },
    });

    expect(await reading).toEqual(await fromTheAnswer());
  });
});

describe('muster coverage in AWS', () => {
  it("refuses a Region of another partition than the CLI's, naming it, before any call", async () => {
    const io = memoryIo();
    const args = ['coverage', '--region', 'us-east-1', '--regions', 'us-east-1,cn-north-1'];

    expect(await main([...args, '--administrator-id', '111111111111'], io)).toBe(2);
    expect(io.stderr.text).toContain('--regions: cn-north-1 is in partition aws-cn');
    expect(organizations.calls()).toHaveLength(0);
    expect(securityHub.calls()).toHaveLength(0);
  });
});

describe('readingClient', () => {
  it('counts the calls of a client that carries no SDK logger middleware', () => {
    const plain = new SecurityHubClient({ region: 'us-east-1' });
    expect(plain.middlewareStack.identify().some((name) => name.startsWith('loggerMiddleware'))).toBe(true);

    const client = readingClient(new SecurityHubClient({ region: 'us-east-1' }), 'securityhub', {});
    const names = client.middlewareStack.identify();
    expect(names.filter((name) => name.startsWith('loggerMiddleware'))).toEqual([]);
    expect(names.filter((name) => name.startsWith('musterCountCalls'))).toHaveLength(1);
  });
});

import {
  DetectiveClient,
  DeleteMembersCommand as DetectiveDeleteMembers,
  GetMembersCommand as DetectiveGetMembers,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  GuardDutyClient,
  DeleteMembersCommand as GuardDutyDeleteMembers,
  DisassociateMembersCommand as GuardDutyDisassociateMembers,
  GetMembersCommand as GuardDutyGetMembers,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  DeleteMembersCommand,
  DescribeHubCommand,
  DisassociateMembersCommand,
  GetMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ATTENTION_LIMIT,
  PAIR_CONCURRENCY,
  REMOVAL_ACCOUNT_LIMIT,
  REMOVAL_MEMBERSHIP_LIMIT,
  REMOVAL_PAIR_LIMIT,
  type RemovalDeps,
  type RemovalRequest,
  removalCallBound,
  removeMembers,
} from '../../functions/remove-members/remove-members.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { parseJsonLines } from '../../functions/shared/report/files.ts';
import type { OrganizationAccount } from '../../functions/shared/services/organizations.ts';
import { REMOVERS } from '../../functions/shared/services/registry.ts';
import { accountIds, awsError } from '../helpers.ts';
import { memoryReportStore } from '../report-store.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const guardDuty = mockClient(GuardDutyClient);
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:abc';
const ADMINISTRATOR = '999999999999';

let store = memoryReportStore();

function deps(organization: Record<string, OrganizationAccount> = {}): RemovalDeps {
  const clients = {
    securityhub: new SecurityHubClient({ region: 'us-east-1' }),
    detective: new DetectiveClient({ region: 'us-east-1' }),
    guardduty: new GuardDutyClient({ region: 'us-east-1' }),
  };
  return {
    administratorId: ADMINISTRATOR,
    remover: (service) =>
      REMOVERS[service]((Client) => Object.values(clients).find((c) => c instanceof Client) as never),
    describeAccount: async (accountId) => organization[accountId],
    concurrency: 2,
    store,
    reportPrefix: 'executions/muster-offboarding/test',
  };
}

function request(overrides: Partial<RemovalRequest>): RemovalRequest {
  return {
    trigger: 'manual',
    accountIds: ['111111111111'],
    regions: ['us-east-1'],
    services: ['securityhub'],
    dryRun: false,
    includeActiveOrganizationAccounts: false,
    ...overrides,
  };
}

const membersOf = (ids: readonly string[] | undefined) =>
  (ids ?? []).map((AccountId) => ({ AccountId, MemberStatus: 'Enabled' }));

describe('removeMembers: Security Hub (DisassociateMembers, then DeleteMembers)', () => {
  beforeEach(() => {
    securityHub.reset();
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }) => ({ Members: membersOf(AccountIds) }));
    securityHub.on(DisassociateMembersCommand).resolves({});
    securityHub.on(DeleteMembersCommand).resolves({ UnprocessedAccounts: [] });
  });

  it('disassociates, then deletes, in calls of at most 50, and reports each membership REMOVED_FROM_ADMINISTRATOR', async () => {
    const ids = accountIds(51);
    const output = await removeMembers(request({ accountIds: ids }), deps());

    const sizes = (calls: { args: [{ input: { AccountIds?: string[] } }] }[]) =>
      calls.map((c) => c.args[0].input.AccountIds?.length);
    expect(sizes(securityHub.commandCalls(DisassociateMembersCommand) as never)).toEqual([50, 1]);
    expect(sizes(securityHub.commandCalls(DeleteMembersCommand) as never)).toEqual([50, 1]);
    // Each chunk is disassociated before it is deleted.
    const order = securityHub.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('DisassociateMembersCommand')).toBeLessThan(order.indexOf('DeleteMembersCommand'));
    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 51 });
    expect(output.needsAttention).toBe(false);
  });

  it('reports an account the administrator does not have NOT_A_MEMBER_ALREADY and sends it to no removal call', async () => {
    securityHub.on(GetMembersCommand).resolves({
      Members: membersOf(['111111111111']),
      UnprocessedAccounts: [{ AccountId: '222222222222', ProcessingResult: 'Stand-in: not a member' }],
    });
    const output = await removeMembers(
      request({ accountIds: ['111111111111', '222222222222', '333333333333'] }),
      deps(),
    );

    expect(securityHub.commandCalls(DeleteMembersCommand)[0]?.args[0].input.AccountIds).toEqual([
      '111111111111',
    ]);
    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1, NOT_A_MEMBER_ALREADY: 2 });
  });

  it("reports an account DeleteMembers leaves unprocessed FAILED with Security Hub's own words", async () => {
    securityHub.on(DeleteMembersCommand).resolves({
      UnprocessedAccounts: [
        { AccountId: '111111111111', ProcessingResult: 'Account is an organization member' },
      ],
    });
    const output = await removeMembers(request({}), deps());

    expect(output.attention).toEqual([
      expect.objectContaining({
        accountId: '111111111111',
        outcome: 'FAILED',
        reason: expect.stringContaining('Account is an organization member'),
      }),
    ]);
    expect(output.needsAttention).toBe(true);
  });

  it('counts a member Security Hub disassociated but would not delete (an organization account) removed, with its words', async () => {
    securityHub.on(DeleteMembersCommand).resolves({
      UnprocessedAccounts: [{ AccountId: '111111111111', ProcessingResult: 'managed by the organization' }],
    });
    securityHub
      .on(GetMembersCommand)
      .resolvesOnce({ Members: membersOf(['111111111111']) })
      .resolves({ Members: [{ AccountId: '111111111111', MemberStatus: 'Removed' }] });
    store = memoryReportStore('reports');
    const output = await removeMembers(request({}), deps());

    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1 });
    expect(securityHub.commandCalls(GetMembersCommand)).toHaveLength(2);
    // What README and docs/triggers.md say the report carries for it.
    const rows = parseJsonLines(store.objects.get(output.files?.jsonl ?? '') ?? '');
    expect(rows.map(({ outcome, reason }) => [outcome, reason])).toEqual([
      [
        'REMOVED_FROM_ADMINISTRATOR',
        'securityhub disassociated it but keeps it in its member list: managed by the organization',
      ],
    ]);
    store = memoryReportStore();
  });

  it('fails only the chunk whose call threw, with the error named, and goes on with the next', async () => {
    securityHub
      .on(DisassociateMembersCommand)
      .rejectsOnce(awsError('InvalidInputException', 400, 'bad ids'))
      .resolves({});
    const output = await removeMembers(request({ accountIds: accountIds(60) }), deps());

    expect(output.counts).toEqual({ FAILED: 50, REMOVED_FROM_ADMINISTRATOR: 10 });
    expect(output.attention[0]?.reason).toBe('InvalidInputException: bad ids');
  });

  it('reports NOT_A_MEMBER_ALREADY in a Region where the administrator has no hub, and calls nothing there', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401));
    const output = await removeMembers(request({}), deps());

    expect(output.counts).toEqual({ NOT_A_MEMBER_ALREADY: 1 });
    expect(securityHub.commandCalls(GetMembersCommand)).toHaveLength(0);
  });

  it('skips the administrator account itself, once per pair', async () => {
    const output = await removeMembers(
      request({ accountIds: [ADMINISTRATOR, '111111111111'], regions: ['us-east-1', 'eu-west-1'] }),
      deps(),
    );

    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 2, SKIPPED_ADMINISTRATOR: 2 });
    for (const call of securityHub.commandCalls(DeleteMembersCommand))
      expect(call.args[0].input.AccountIds).not.toContain(ADMINISTRATOR);
  });

  it('bounds the listed failures and counts the rest', async () => {
    securityHub.on(DeleteMembersCommand).callsFake(({ AccountIds }) => ({
      UnprocessedAccounts: (AccountIds as string[]).map((AccountId) => ({
        AccountId,
        ProcessingResult: 'no',
      })),
    }));
    const output = await removeMembers(request({ accountIds: accountIds(ATTENTION_LIMIT + 20) }), deps());

    expect(output.attention).toHaveLength(ATTENTION_LIMIT);
    expect(output.attentionOmitted).toBe(20);
    expect(output.counts).toEqual({ FAILED: ATTENTION_LIMIT + 20 });
  });

  it('writes every membership, with its outcome, to the report files the output names, past the listed failures', async () => {
    store = memoryReportStore('reports');
    const ids = accountIds(ATTENTION_LIMIT + 20);
    securityHub.on(DeleteMembersCommand).callsFake(({ AccountIds }) => ({
      UnprocessedAccounts: (AccountIds as string[])
        .filter((id) => ids.indexOf(id) % 2 === 0)
        .map((AccountId) => ({ AccountId, ProcessingResult: 'no' })),
    }));

    const output = await removeMembers(
      request({ accountIds: [...ids, ADMINISTRATOR], regions: ['us-east-1', 'eu-west-1'] }),
      deps(),
    );

    expect(output.files).toEqual({
      bucket: 'reports',
      jsonl: 'executions/muster-offboarding/test/report.jsonl',
      csv: 'executions/muster-offboarding/test/report.csv',
    });
    const rows = parseJsonLines(store.objects.get(output.files?.jsonl ?? '') ?? '');
    expect(rows).toHaveLength((ids.length + 1) * 2);
    expect(output.total).toBe(rows.length);
    // Exactly one row per (account, Region, service), the administrator's included.
    expect(
      new Set(rows.map(({ accountId, region, service }) => `${accountId} ${region} ${service}`)).size,
    ).toBe(rows.length);
    const failed = rows.filter(({ outcome }) => outcome === 'FAILED');
    expect(failed).toHaveLength(ids.length);
    expect(failed.every(({ reason }) => reason.includes('no'))).toBe(true);
    expect(output.attention).toHaveLength(ATTENTION_LIMIT);
    const csv = store.objects.get(output.files?.csv ?? '') ?? '';
    expect(csv.trimEnd().split('\n')).toHaveLength(rows.length + 1);
    store = memoryReportStore();
  });

  it('writes no report for a dry run', async () => {
    store = memoryReportStore();
    const output = await removeMembers(request({ dryRun: true }), deps());

    expect(output.files).toBeUndefined();
    expect(store.objects.size).toBe(0);
  });
});

describe('removeMembers: Detective (DeleteMembers on the graph)', () => {
  beforeEach(() => {
    detective.reset();
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    detective.on(DetectiveGetMembers).callsFake(({ AccountIds }) => ({
      MemberDetails: (AccountIds as string[]).map((AccountId) => ({ AccountId, Status: 'ENABLED' })),
    }));
  });

  it('deletes on the located graph in calls of at most 50 and reports what Detective left unprocessed FAILED with its words', async () => {
    detective.on(DetectiveDeleteMembers).callsFake(({ AccountIds }) => ({
      AccountIds: (AccountIds as string[]).slice(1),
      UnprocessedAccounts: [
        { AccountId: (AccountIds as string[])[0], Reason: 'ConflictException-like text' },
      ],
    }));
    const output = await removeMembers(
      request({ services: ['detective'], accountIds: accountIds(51) }),
      deps(),
    );

    const calls = detective.commandCalls(DetectiveDeleteMembers).map((call) => call.args[0].input);
    expect(calls.map(({ AccountIds }) => AccountIds?.length)).toEqual([50, 1]);
    expect(calls[0]?.GraphArn).toBe(GRAPH);
    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 49, FAILED: 2 });
    expect(output.attention[0]?.reason).toContain('ConflictException-like text');
  });

  it('reports a closed account Detective already removed NOT_A_MEMBER_ALREADY (Detective removes closed accounts itself)', async () => {
    detective.on(DetectiveGetMembers).resolves({ MemberDetails: [], UnprocessedAccounts: [] });
    const output = await removeMembers(request({ services: ['detective'] }), deps());

    expect(output.counts).toEqual({ NOT_A_MEMBER_ALREADY: 1 });
    expect(detective.commandCalls(DetectiveDeleteMembers)).toHaveLength(0);
  });
});

describe('removeMembers: GuardDuty (DisassociateMembers, then DeleteMembers, on the detector)', () => {
  beforeEach(() => {
    guardDuty.reset();
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['admin-detector'] });
    guardDuty.on(GuardDutyGetMembers).callsFake(({ AccountIds }) => ({
      Members: (AccountIds as string[]).map((AccountId) => ({ AccountId, RelationshipStatus: 'Enabled' })),
      UnprocessedAccounts: [],
    }));
  });

  it('disassociates, then deletes, each on the detector in calls of at most 50', async () => {
    guardDuty.on(GuardDutyDisassociateMembers).resolves({ UnprocessedAccounts: [] });
    guardDuty.on(GuardDutyDeleteMembers).resolves({ UnprocessedAccounts: [] });
    const output = await removeMembers(
      request({ services: ['guardduty'], accountIds: accountIds(51) }),
      deps(),
    );

    for (const Command of [GuardDutyDisassociateMembers, GuardDutyDeleteMembers]) {
      const calls = guardDuty.commandCalls(Command).map((call) => call.args[0].input);
      expect(calls.map(({ AccountIds }) => AccountIds?.length)).toEqual([50, 1]);
      expect(calls[0]?.DetectorId).toBe('admin-detector');
    }
    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 51 });
  });

  it('lets DeleteMembers have the last word, and reports both texts when it too leaves the account', async () => {
    guardDuty.on(GuardDutyDisassociateMembers).resolves({
      UnprocessedAccounts: [
        { AccountId: '111111111111', Result: 'already disassociated' },
        { AccountId: '222222222222', Result: 'auto-enable is ALL' },
      ],
    });
    guardDuty.on(GuardDutyDeleteMembers).resolves({
      UnprocessedAccounts: [{ AccountId: '222222222222', Result: 'still associated' }],
    });
    const output = await removeMembers(
      request({ services: ['guardduty'], accountIds: ['111111111111', '222222222222'] }),
      deps(),
    );

    expect(output.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1, FAILED: 1 });
    expect(output.attention[0]?.reason).toBe(
      'guardduty did not remove it: DisassociateMembers: auto-enable is ALL; DeleteMembers: still associated',
    );
  });
});

describe('removeMembers: the organization check, the dry run, and one outcome per membership', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
  });

  it('refuses an ACTIVE organization account by name before any membership call', async () => {
    const organization = { '111111111111': { accountId: '111111111111', state: 'ACTIVE' } };
    const refusal = removeMembers(
      request({ accountIds: ['111111111111', '222222222222'] }),
      deps(organization),
    );

    await expect(refusal).rejects.toThrow(InvalidInputError);
    await expect(refusal).rejects.toThrow(
      /111111111111 is an ACTIVE account of the organization: nothing was removed/,
    );
    expect(securityHub.calls()).toHaveLength(0);
  });

  it('refuses a departure event whose account Organizations still has ACTIVE', async () => {
    const organization = { '111111111111': { accountId: '111111111111', state: 'ACTIVE' } };
    await expect(
      removeMembers(
        request({ trigger: 'AccountDepartedOrganization', departure: 'LEFT' }),
        deps(organization),
      ),
    ).rejects.toThrow(
      /the event says 111111111111 left the organization \(LEFT\), but Organizations still has it ACTIVE/,
    );
  });

  it('removes an ACTIVE account when the input says so explicitly, and a SUSPENDED one without', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }) => ({ Members: membersOf(AccountIds) }));
    securityHub.on(DisassociateMembersCommand).resolves({});
    securityHub.on(DeleteMembersCommand).resolves({});
    const organization = {
      '111111111111': { accountId: '111111111111', state: 'ACTIVE' },
      '222222222222': { accountId: '222222222222', state: 'SUSPENDED' },
    };
    const forced = await removeMembers(
      request({ includeActiveOrganizationAccounts: true }),
      deps(organization),
    );
    const suspended = await removeMembers(request({ accountIds: ['222222222222'] }), deps(organization));

    expect(forced.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1 });
    expect(suspended.counts).toEqual({ REMOVED_FROM_ADMINISTRATOR: 1 });
  });

  it('a dry run calls no service and counts nothing', async () => {
    const output = await removeMembers(
      request({ dryRun: true, services: ['securityhub', 'detective'] }),
      deps(),
    );

    expect(output).toMatchObject({ dryRun: true, counts: {}, needsAttention: false });
    expect(securityHub.calls()).toHaveLength(0);
    expect(detective.calls()).toHaveLength(0);
  });

  it('gives every (account, Region, service) exactly one outcome, whatever each pair does', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .callsFake(({ AccountIds }) => ({ Members: membersOf((AccountIds as string[]).slice(1)) }));
    securityHub.on(DisassociateMembersCommand).resolves({});
    securityHub.on(DeleteMembersCommand).rejects(awsError('InternalException', 500));
    detective.on(ListGraphsCommand).resolves({ GraphList: [] });
    const ids = accountIds(7);
    const output = await removeMembers(
      request({
        accountIds: ids,
        regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
        services: ['securityhub', 'detective'],
      }),
      deps(),
    );

    const total = Object.values(output.counts).reduce((sum, count) => sum + (count ?? 0), 0);
    expect(total).toBe(7 * 3 * 2);
    expect(output.counts).toEqual({ NOT_A_MEMBER_ALREADY: 3 + 21, FAILED: 18 });
  });
});

describe('removeMembers: bounded to what one invocation finishes well within its 900 s', () => {
  beforeEach(() => {
    securityHub.reset();
  });

  it.each([
    [REMOVAL_ACCOUNT_LIMIT + 1, 1, 1],
    [REMOVAL_ACCOUNT_LIMIT, 18, 3],
    [200, 43, 3],
    [1, 41, 3],
  ])(
    'refuses %i accounts × %i Regions × %i services by name, before any call',
    async (accounts, regions, services) => {
      const calls: string[] = [];
      const refusal = removeMembers(
        request({
          accountIds: accountIds(accounts),
          regions: Array.from({ length: regions }, (_, index) => `xx-test-${index + 1}`),
          services: (['securityhub', 'detective', 'guardduty'] as const).slice(0, services),
        }),
        {
          ...deps(),
          describeAccount: async (accountId) => {
            calls.push(accountId);
            return undefined;
          },
        },
      );

      await expect(refusal).rejects.toThrow(InvalidInputError);
      await expect(refusal).rejects.toThrow(
        `${accounts} accounts × ${regions} Regions × ${services} services`,
      );
      expect(calls).toEqual([]);
      expect(securityHub.calls()).toHaveLength(0);
    },
  );

  it('keeps every input it takes under 450 calls one after another: half the timeout even at 1 s a call', () => {
    let largest = 0;
    for (let accounts = 1; accounts <= REMOVAL_ACCOUNT_LIMIT; accounts += 1) {
      const pairs = Math.min(REMOVAL_PAIR_LIMIT, Math.floor(REMOVAL_MEMBERSHIP_LIMIT / accounts));
      largest = Math.max(largest, removalCallBound(accounts, pairs, PAIR_CONCURRENCY));
    }
    expect(largest).toBeLessThan(450);
    // 500 accounts × 17 Regions × 3 services is the largest input it takes with every service.
    expect(removalCallBound(500, 51, PAIR_CONCURRENCY)).toBe(387);
  });
});

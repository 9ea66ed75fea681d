import {
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import { DescribeHubCommand, GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  checkMembers,
  INVITATIONS_INLINE_BYTES,
  memberBatchSize,
} from '../../functions/check-members/check-members.ts';
import { checkOnboardingInputSchema } from '../../functions/shared/contracts.ts';
import { expandGroups } from '../../functions/shared/domain/report.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import { parseJsonLines } from '../../functions/shared/report/files.ts';
import { accounts, awsError, detectiveAdministrator, securityHubAdministrator } from '../helpers.ts';
import { memoryReportStore } from '../report-store.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const adapters = (service: ServiceName, region: string) => {
  if (service === 'securityhub') return securityHubAdministrator(new SecurityHubClient({ region }));
  if (service === 'detective') return detectiveAdministrator(new DetectiveClient({ region }));
  throw new Error(`no ${service} in these tests`);
};

let store = memoryReportStore();
const deps = () => ({ adapters, store, uniqueId: () => 'test' });

const PAIR = [{ region: 'us-east-1', service: 'securityhub' as const }];

/** The administrator's Detective behavior graph in us-east-1, and what GetMembers answers of it. */
function detectiveGraph(members: object): void {
  detective.on(ListGraphsCommand).resolves({
    GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
  });
  detective.on(GetGraphMembersCommand).resolves(members);
}

/** A check of Security Hub in us-east-1 for `count` accounts, after a create step that carried `failed`. */
function afterCreate(count: number, failed: unknown[], rounds: { round?: number; maxRounds?: number } = {}) {
  return checkOnboardingInputSchema.parse({
    regions: ['us-east-1'],
    services: ['securityhub'],
    accounts: accounts(count),
    administrator: [{ region: 'us-east-1', service: 'securityhub', failed }],
    ...rounds,
  });
}

describe('checkMembers', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    store = memoryReportStore();
  });

  it.each([
    ['its invitations', { allInvited: true, failed: [] }, 0, []],
    [
      'its invitations, reading the failures it names',
      {
        allInvited: true,
        failed: [{ outcome: 'FAILED', reason: 'refused', count: 1, accountIds: ['100000000001'] }],
      },
      0,
      ['100000000001'],
    ],
    [
      'no word (an account was a member already)',
      { allInvited: false, failed: [] },
      0,
      ['100000000000', '100000000001'],
    ],
    [
      'a crash',
      { allInvited: true, failed: [], crashed: { Error: 'Runtime.ExitError' } },
      0,
      ['100000000000', '100000000001'],
    ],
    ['a later round', { allInvited: true, failed: [] }, 1, ['100000000000', '100000000001']],
  ] as const)(
    'reads in the first round only what the create step did not invite itself: %s',
    async (_, step, round, read) => {
      securityHub.on(DescribeHubCommand).resolves({});
      securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
        Members: AccountIds.map((id) => ({ AccountId: id, MemberStatus: 'Invited' })),
      }));
      const input = checkOnboardingInputSchema.parse({
        regions: ['us-east-1'],
        services: ['securityhub'],
        accounts: accounts(2),
        administrator: [{ region: 'us-east-1', service: 'securityhub', ...step }],
        round,
        maxRounds: 3,
      });

      const report = await checkMembers(input, deps());

      expect(
        securityHub.commandCalls(GetMembersCommand).flatMap((call) => call.args[0].input.AccountIds),
      ).toEqual(read);
      // Both wait for their acceptance, and the member side is asked for both (a crashed create is reported instead).
      if ('crashed' in step) return;
      expect(report.counts).toEqual({ PENDING_ACCEPTANCE: 2 });
      expect([...report.pendingAccountIds].sort()).toEqual(['100000000000', '100000000001']);
    },
  );

  it.each([
    [
      'its invitations of the accounts outside the organization',
      { invitedListed: true, failed: [] },
      ['100000000000', '100000000002'],
    ],
    [
      'its invitations, reading the failures it names',
      {
        invitedListed: true,
        failed: [{ outcome: 'FAILED', reason: 'refused', count: 1, accountIds: ['100000000001'] }],
      },
      ['100000000000', '100000000001', '100000000002'],
    ],
    [
      'no word (a listed account was a member already)',
      { invitedListed: false, failed: [] },
      ['100000000000', '100000000001', '100000000002', '100000000003'],
    ],
    [
      'a crash',
      { invitedListed: true, failed: [], crashed: { Error: 'Runtime.ExitError' } },
      ['100000000000', '100000000001', '100000000002', '100000000003'],
    ],
  ] as const)(
    'reads in the first round of a plan that mixes organization and outside accounts only what the create step did not invite itself: %s',
    async (_, step, read) => {
      securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
        Members: AccountIds.map((id) => ({ AccountId: id, MemberStatus: 'Enabled' })),
      }));
      const input = checkOnboardingInputSchema.parse({
        regions: ['us-east-1'],
        services: ['securityhub'],
        pairs: [{ region: 'us-east-1', service: 'securityhub', enabled: true }],
        accounts: accounts(4),
        invitedAccountIds: ['100000000001', '100000000003'],
        administrator: [{ region: 'us-east-1', service: 'securityhub', ...step }],
        round: 0,
        maxRounds: 3,
      });

      const report = await checkMembers(input, deps());

      expect(
        securityHub.commandCalls(GetMembersCommand).flatMap((call) => call.args[0].input.AccountIds),
      ).toEqual(read);
      expect(report.total).toBe(4);
      if ('crashed' in step) return;
      const waiting = step.invitedListed ? 4 - read.length : 0;
      expect(report.counts.PENDING_ACCEPTANCE ?? 0).toBe(waiting);
    },
  );

  it('reads in later rounds only the memberships still pending, and reports the settled ones carried from earlier rounds exactly once', async () => {
    // 100000000000 is enabled at once, 100000000001 accepts in round 1, 100000000002 in round 2;
    // 100000000003 failed its create for good (AWS's text, kept by the create step).
    const acceptedIn: Record<string, number> = {
      '100000000000': 0,
      '100000000001': 1,
      '100000000002': 2,
      '100000000003': 99,
    };
    let round = 0;
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.filter((id) => id !== '100000000003').map((id) => ({
        AccountId: id,
        MemberStatus: (acceptedIn[id] ?? 99) <= round ? 'Enabled' : 'Invited',
      })),
    }));
    const refused = { outcome: 'FAILED', reason: 'refused by AWS', count: 1, accountIds: ['100000000003'] };
    const located = [{ region: 'us-east-1', service: 'securityhub', enabled: true }];
    const check = (recordedKey: string | null) =>
      checkMembers(
        checkOnboardingInputSchema.parse({
          regions: ['us-east-1'],
          services: ['securityhub'],
          pairs: located,
          accounts: accounts(4),
          skipped: [{ accountId: '999999999999', outcome: 'SKIPPED_ADMINISTRATOR', reason: 'administrator' }],
          administrator: [{ region: 'us-east-1', service: 'securityhub', failed: [refused] }],
          recordedKey,
          round,
          maxRounds: 2,
        }),
        deps(),
      );
    const readIn: string[][] = [];
    const readThisRound = () => {
      const ids = securityHub
        .commandCalls(GetMembersCommand)
        .flatMap((call) => call.args[0].input.AccountIds ?? []);
      readIn.push(ids.slice(readIn.flat().length));
    };

    const first = await check(null);
    readThisRound();
    round = 1;
    const second = await check(first.carriedKey);
    readThisRound();
    round = 2;
    const last = await check(second.carriedKey);
    readThisRound();

    expect(readIn).toEqual([
      ['100000000000', '100000000001', '100000000002', '100000000003'],
      ['100000000001', '100000000002'],
      ['100000000002'],
    ]);
    expect(second.pendingAccountIds).toEqual(['100000000002']);
    const rows = parseJsonLines(await store.get(last.files?.jsonl ?? ''));
    expect(rows.map(({ accountId, outcome }) => `${accountId} ${outcome}`).sort()).toEqual([
      '100000000000 ENABLED',
      '100000000001 ENABLED',
      '100000000002 ENABLED',
      '100000000003 FAILED',
      '999999999999 SKIPPED_ADMINISTRATOR',
    ]);
    expect(rows.find(({ accountId }) => accountId === '100000000003')?.reason).toBe('refused by AWS');
    expect(last).toMatchObject({ status: 'NEEDS_ATTENTION', total: 5, counts: { ENABLED: 3, FAILED: 1 } });
  });

  it('reports exactly one outcome per account, Region and service, skipped accounts included', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.map((id) => ({
        AccountId: id,
        MemberStatus: id.endsWith('7') ? 'Invited' : 'Enabled',
      })),
    }));
    detective.on(ListGraphsCommand).resolves({ GraphList: [] });
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub', 'detective'],
      accounts: accounts(60),
      skipped: [{ accountId: '999999999999', outcome: 'SKIPPED_ADMINISTRATOR', reason: 'administrator' }],
      round: 3,
      maxRounds: 3,
    });

    const report = await checkMembers(input, deps());

    expect(report.total).toBe(61 * 4);
    expect(Object.values(report.counts).reduce((sum, count) => sum + (count ?? 0), 0)).toBe(244);
    const notEnabled = [...expandGroups(report.notEnabled)];
    const keys = notEnabled.map(({ accountId, region, service }) => `${accountId} ${region} ${service}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(report.counts).toEqual({
      ENABLED: 108,
      PENDING_ACCEPTANCE: 12,
      SERVICE_NOT_ENABLED: 120,
      SKIPPED_ADMINISTRATOR: 4,
    });
    expect(report.status).toBe('NEEDS_ATTENTION');
    expect(report.pendingAccountIds).toHaveLength(6);
    expect(report.cause).toContain('SERVICE_NOT_ENABLED detective');
    // A batch's report is read only by Merge Reports, as JSON Lines: no CSV that nobody reads.
    expect(report.files).toEqual({ bucket: store.bucket, jsonl: 'executions/direct/test/report.jsonl' });
    expect([...store.objects.keys()].filter((key) => key.endsWith('.csv'))).toEqual([]);
    expect(parseJsonLines(await store.get(report.files?.jsonl ?? ''))).toHaveLength(244);
  });

  it('lets GetMembers showing a membership under way outrank what the create step failed to do for it', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.filter((id) => id !== '100000000001').map((id) => ({
        AccountId: id,
        MemberStatus: 'Invited',
      })),
    }));
    const unpublished = 'A text AWS does not publish';
    const input = afterCreate(
      2,
      [{ outcome: 'FAILED', reason: unpublished, count: 2, accountIds: ['100000000000', '100000000001'] }],
      {
        round: 1,
        maxRounds: 3,
      },
    );

    const report = await checkMembers(input, deps());

    expect(report.counts).toEqual({ PENDING_ACCEPTANCE: 1, FAILED: 1 });
    expect(
      [...expandGroups(report.notEnabled)].map(({ accountId, outcome }) => `${accountId} ${outcome}`),
    ).toEqual(['100000000000 PENDING_ACCEPTANCE', '100000000001 FAILED']);
  });

  it("reads a member batch's group without pairs as in every Region and service of the plan", async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.map((id) => ({ AccountId: id, MemberStatus: 'Invited' })),
    }));
    const missing = 'AccessDenied: arn:aws:iam::<account>:role/MusterMemberRole';
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub'],
      accounts: accounts(2),
      member: [
        { unfinished: [{ outcome: 'MEMBER_ROLE_MISSING', reason: missing, accountIds: ['100000000001'] }] },
      ],
      round: 1,
      maxRounds: 1,
    });

    const report = await checkMembers(input, deps());

    expect(report.counts).toEqual({ PENDING_ACCEPTANCE: 2, MEMBER_ROLE_MISSING: 2 });
    expect(report.notEnabled).toContainEqual({
      outcome: 'MEMBER_ROLE_MISSING',
      reason: missing,
      pairs: [
        { region: 'us-east-1', service: 'securityhub' },
        { region: 'eu-west-1', service: 'securityhub' },
      ],
      accountIds: ['100000000001'],
    });
  });

  it('keeps AWS text of a failed create that GetMembers can only show as not a member', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({ Members: [] });
    const input = afterCreate(1, [
      {
        outcome: 'FAILED',
        reason: 'The account is in an unexpected state',
        count: 1,
        accountIds: ['100000000000'],
      },
    ]);
    const report = await checkMembers(input, deps());
    expect(report.notEnabled).toEqual([
      {
        outcome: 'FAILED',
        reason: 'The account is in an unexpected state',
        pairs: PAIR,
        accountIds: ['100000000000'],
      },
    ]);
  });

  it('gives failures carried without ids to the not-members nothing else explains, and trusts GetMembers for the rest', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    // 100000000000 is a member after all; the others are not.
    securityHub.on(GetMembersCommand).resolves({
      Members: [{ AccountId: '100000000000', MemberStatus: 'Enabled' }],
    });
    const input = afterCreate(4, [
      { outcome: 'CONFLICT', reason: 'another administrator', count: 1, accountIds: ['100000000003'] },
      { outcome: 'FAILED', reason: 'The account is suspended', count: 3 },
    ]);
    const report = await checkMembers(input, deps());
    expect(report.counts).toEqual({ ENABLED: 1, CONFLICT: 1, FAILED: 2 });
    expect(report.notEnabled).toContainEqual({
      outcome: 'FAILED',
      reason: 'The account is suspended',
      pairs: PAIR,
      accountIds: ['100000000001', '100000000002'],
    });
  });

  it('looks again rather than blame unlisted failures when more accounts are not members than failed', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    // Three accounts failed; a fourth was created but GetMembers does not show it yet.
    securityHub.on(GetMembersCommand).resolves({ Members: [] });
    const input = (round: number) =>
      afterCreate(4, [{ outcome: 'SKIPPED_REGION_DISABLED', reason: 'Region not enabled', count: 3 }], {
        round,
        maxRounds: 2,
      });
    const first = await checkMembers(input(0), deps());
    expect(first).toMatchObject({ status: 'PENDING', keepPolling: true, counts: { NOT_A_MEMBER: 4 } });
    expect(first.pendingAccountIds).toHaveLength(4);
    const last = await checkMembers(input(2), deps());
    expect(last.status).toBe('NEEDS_ATTENTION');
    expect(last.notEnabled).toEqual([
      {
        outcome: 'NOT_A_MEMBER',
        reason: 'not a member; some accounts here failed to be created: Region not enabled',
        pairs: PAIR,
        accountIds: accounts(4).map(({ accountId }) => accountId),
      },
    ]);
  });

  it('says which reasons an unlisted failure is one of when a pair carried several without ids', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({ Members: [] });
    const input = afterCreate(2, [
      { outcome: 'FAILED', reason: 'The account is suspended', count: 700 },
      { outcome: 'FAILED', reason: 'Internal error', count: 500 },
    ]);
    const report = await checkMembers(input, deps());
    expect(report.notEnabled).toEqual([
      {
        outcome: 'FAILED',
        reason: 'one of: The account is suspended; Internal error',
        pairs: PAIR,
        accountIds: ['100000000000', '100000000001'],
      },
    ]);
  });

  it('reports a status it could not read as FAILED with the error', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).rejects(awsError('ThrottlingException', 429, 'Rate exceeded'));
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['securityhub'],
      accounts: accounts(1),
    });
    const report = await checkMembers(input, deps());
    expect(report.notEnabled[0]).toMatchObject({
      outcome: 'FAILED',
      reason: 'could not read the membership status: ThrottlingException: Rate exceeded',
    });
  });

  it('stops with AdministratorDeniedError when GetMembers is denied, rather than failing every account', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .rejects(awsError('AccessDeniedException', 403, 'not authorized to perform: securityhub:GetMembers'));
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['securityhub'],
      accounts: accounts(60),
    });
    await expect(checkMembers(input, deps())).rejects.toMatchObject({
      name: 'AdministratorDeniedError',
      message: expect.stringContaining(
        'denied a securityhub call in us-east-1 (AccessDeniedException: not authorized to perform: securityhub:GetMembers)',
      ),
    });
  });

  it('reads a status it could not read again next round rather than failing it early', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).rejects(awsError('ThrottlingException', 429, 'Rate exceeded'));
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['securityhub'],
      accounts: accounts(1),
      round: 0,
      maxRounds: 3,
    });
    const report = await checkMembers(input, deps());
    expect(report).toMatchObject({
      status: 'PENDING',
      keepPolling: true,
      pendingAccountIds: ['100000000000'],
    });
    expect(JSON.parse(await store.get(report.carriedKey))).toEqual([]);
  });

  it('polls Detective verification until the rounds run out', async () => {
    detectiveGraph({
      MemberDetails: [{ AccountId: '100000000000', Status: 'VERIFICATION_IN_PROGRESS' }],
    });
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['detective'],
      accounts: accounts(1),
      round: 0,
      maxRounds: 1,
    });
    expect(await checkMembers(input, deps())).toMatchObject({
      status: 'PENDING',
      keepPolling: true,
    });
    expect(await checkMembers({ ...input, round: 1 }, deps())).toMatchObject({
      status: 'NEEDS_ATTENTION',
      keepPolling: false,
    });
  });

  it('asks the next round to invite the Security Hub members it finds Created, with the accounts and pairs', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      Members: AccountIds.map((id) => ({
        AccountId: id,
        MemberStatus: id.endsWith('0') ? 'Created' : 'Enabled',
      })),
    }));
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub'],
      accounts: accounts(2),
      maxRounds: 2,
    });
    const report = await checkMembers(input, deps());
    expect(report).toMatchObject({ status: 'PENDING', pendingAccountIds: ['100000000000'] });
    expect(report.invitations).toEqual([
      {
        outcome: 'PENDING_INVITATION',
        reason: 'still PENDING_INVITATION',
        pairs: [
          { region: 'us-east-1', service: 'securityhub' },
          { region: 'eu-west-1', service: 'securityhub' },
        ],
        accountIds: ['100000000000'],
      },
    ]);
  });

  it('asks the next round to create again a Detective account it finds not a member, then ends it with what was tried once it was', async () => {
    detectiveGraph({ MemberDetails: [] });
    const base = {
      regions: ['us-east-1'],
      services: ['detective'],
      accounts: accounts(1),
      maxRounds: 3,
    };
    const pair = [{ region: 'us-east-1', service: 'detective' }];

    const first = await checkMembers(checkOnboardingInputSchema.parse({ ...base, round: 0 }), deps());
    expect(first).toMatchObject({
      status: 'PENDING',
      pendingAccountIds: ['100000000000'],
      createdAgainKey: null,
    });
    expect(first.invitations).toEqual([
      expect.objectContaining({ outcome: 'NOT_A_MEMBER', pairs: pair, accountIds: ['100000000000'] }),
    ]);

    // The invite step created it again and wrote so; the next read still does not list it.
    const tried = 'not a member of the administrator after it was created again once in this run';
    await store.put(
      'executions/direct/x/created-again/a.json',
      JSON.stringify([{ outcome: 'NOT_A_MEMBER', reason: tried, pairs: pair, accountIds: ['100000000000'] }]),
      'application/json',
    );
    const second = await checkMembers(
      checkOnboardingInputSchema.parse({
        ...base,
        round: 1,
        invited: { unfinished: [], createdAgainKey: 'executions/direct/x/created-again/a.json' },
      }),
      deps(),
    );
    expect(second).toMatchObject({ status: 'NEEDS_ATTENTION', invitations: [], pendingAccountIds: [] });
    expect(second.notEnabled).toEqual([
      { outcome: 'NOT_A_MEMBER', reason: tried, pairs: pair, accountIds: ['100000000000'] },
    ]);
    // The report file, written as the run ends, says the same.
    expect(parseJsonLines(await store.get(second.files?.jsonl ?? ''))).toEqual([
      expect.objectContaining({ accountId: '100000000000', outcome: 'NOT_A_MEMBER', reason: tried }),
    ]);
    // Every membership created again travels on to later rounds.
    expect(second.createdAgainKey).toBe('executions/direct/test/round-1/created-again.json');
    expect(JSON.parse(await store.get(second.createdAgainKey ?? ''))).toEqual([
      { outcome: 'NOT_A_MEMBER', reason: tried, pairs: pair, accountIds: ['100000000000'] },
    ]);
  });

  it.each([
    [
      'an invitation AWS refused',
      {
        unfinished: [
          {
            outcome: 'FAILED',
            reason: 'The account is suspended',
            pairs: PAIR,
            accountIds: ['100000000000'],
          },
        ],
      },
      'The account is suspended',
    ],
  ])('reports %s FAILED with why, and invites it no more', async (_, invited, reason) => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .resolves({ Members: [{ AccountId: '100000000000', MemberStatus: 'Created' }] });
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['securityhub'],
      accounts: accounts(1),
      invited,
      round: 1,
      maxRounds: 3,
    });
    const report = await checkMembers(input, deps());
    expect(report).toMatchObject({ status: 'NEEDS_ATTENTION', invitations: [], pendingAccountIds: [] });
    expect(report.notEnabled).toEqual([
      { outcome: 'FAILED', reason, pairs: PAIR, accountIds: ['100000000000'] },
    ]);
  });

  it('keeps the invitations of an invite step that failed after its retries pending with the error, invites again only what is still Created, and ends one read Invited as it is', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '100000000000', MemberStatus: 'Created' },
        { AccountId: '100000000001', MemberStatus: 'Invited' },
      ],
    });
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['securityhub'],
      accounts: accounts(2),
      invited: {
        unfinished: [],
        crashed: { Error: 'Sandbox.Timedout', Cause: 'Task timed out after 300 seconds' },
        groups: [
          { outcome: 'PENDING_INVITATION', pairs: PAIR, accountIds: ['100000000000', '100000000001'] },
        ],
      },
      round: 1,
      maxRounds: 3,
    });
    const reason =
      'the invite step failed after its retries (Sandbox.Timedout: Task timed out after 300 seconds)';

    const report = await checkMembers(input, deps());

    expect(report).toMatchObject({ status: 'PENDING', pendingAccountIds: ['100000000000', '100000000001'] });
    expect(report.invitations).toEqual([
      { outcome: 'PENDING_INVITATION', reason, pairs: PAIR, accountIds: ['100000000000'] },
    ]);
    const last = await checkMembers({ ...input, round: 3 }, deps());
    expect(last.status).toBe('NEEDS_ATTENTION');
    // The invitation to 100000000001 went out before the crash: it waits for its acceptance, as read.
    expect(last.notEnabled).toEqual([
      { outcome: 'PENDING_INVITATION', reason, pairs: PAIR, accountIds: ['100000000000'] },
      {
        outcome: 'PENDING_ACCEPTANCE',
        reason: 'still PENDING_ACCEPTANCE',
        pairs: PAIR,
        accountIds: ['100000000001'],
      },
    ]);
  });

  const DETECTIVE_PAIR = [{ region: 'us-east-1', service: 'detective' as const }];
  const RETRY = 'not created again yet: Rate exceeded';
  const CRASH =
    "the invite step failed after its retries (Runtime.ExitError; the execution's history has its cause)";

  it.each([
    {
      when: 'the crashed invite step was to create it again',
      invited: {
        unfinished: [],
        crashed: { Error: 'Runtime.ExitError' },
        groups: [{ outcome: 'NOT_A_MEMBER', pairs: DETECTIVE_PAIR, accountIds: ['100000000000'] }],
      },
      reason: CRASH,
    },
    {
      when: 'the invite step could not create it again yet (AWS said try again)',
      invited: {
        unfinished: [
          { outcome: 'NOT_A_MEMBER', reason: RETRY, pairs: DETECTIVE_PAIR, accountIds: ['100000000000'] },
        ],
      },
      reason: RETRY,
    },
  ])(
    'creates a not-member again next round when $when, and ends it NOT_A_MEMBER with why at the last round',
    async ({ invited, reason }) => {
      detectiveGraph({ MemberDetails: [] });
      const input = checkOnboardingInputSchema.parse({
        regions: ['us-east-1'],
        services: ['detective'],
        accounts: accounts(1),
        invited,
        round: 1,
        maxRounds: 3,
      });

      const during = await checkMembers(input, deps());
      const last = await checkMembers({ ...input, round: 3 }, deps());

      // Rounds remain: it is looked at again and created again, not settled by the note.
      expect(during).toMatchObject({ status: 'PENDING', pendingAccountIds: ['100000000000'] });
      expect(during.invitations).toEqual([
        { outcome: 'NOT_A_MEMBER', reason, pairs: DETECTIVE_PAIR, accountIds: ['100000000000'] },
      ]);
      // None remains: what GetMembers shows, with why it was not created again.
      expect(last).toMatchObject({ status: 'NEEDS_ATTENTION', counts: { NOT_A_MEMBER: 1 }, invitations: [] });
      expect(last.notEnabled).toEqual([
        { outcome: 'NOT_A_MEMBER', reason, pairs: DETECTIVE_PAIR, accountIds: ['100000000000'] },
      ]);
      expect(parseJsonLines(await store.get(last.files?.jsonl ?? ''))).toEqual([
        expect.objectContaining({ accountId: '100000000000', outcome: 'NOT_A_MEMBER', reason }),
      ]);
    },
  );

  it('settles a membership the invite step refused to create again (no email) FAILED, with why, at once', async () => {
    detectiveGraph({ MemberDetails: [] });
    const reason = "Detective needs the account's root email address and none was given";
    const input = checkOnboardingInputSchema.parse({
      regions: ['us-east-1'],
      services: ['detective'],
      accounts: accounts(1),
      invited: {
        unfinished: [{ outcome: 'FAILED', reason, pairs: DETECTIVE_PAIR, accountIds: ['100000000000'] }],
      },
      round: 1,
      maxRounds: 3,
    });

    const report = await checkMembers(input, deps());

    expect(report).toMatchObject({ status: 'NEEDS_ATTENTION', counts: { FAILED: 1 }, invitations: [] });
  });
});

describe('memberBatchSize', () => {
  it.each([
    { pending: 0, configured: 20, size: 20, batches: 0 },
    { pending: 150, configured: 20, size: 20, batches: 8 },
    { pending: 200, configured: 20, size: 20, batches: 10 },
    { pending: 201, configured: 20, size: 21, batches: 10 },
    { pending: 1_200, configured: 20, size: 120, batches: 10 },
    { pending: 1_500, configured: 20, size: 150, batches: 10 },
    { pending: 1_500, configured: 50, size: 150, batches: 10 },
  ])(
    'gives $pending pending accounts batches of $size: $batches a round',
    ({ pending, configured, size, batches }) => {
      expect(memberBatchSize(pending, configured)).toBe(size);
      expect(Math.ceil(pending / size)).toBe(batches);
    },
  );
});

describe('checkMembers with more to carry than the state holds', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    store = memoryReportStore();
  });

  const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2'];

  it('moves invitations past INVITATIONS_INLINE_BYTES to the report bucket: each Region its own accounts', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    // Three Regions' sets of accounts still Created differ, so their invitations cannot merge.
    securityHub
      .on(GetMembersCommand)
      .callsFake(async ({ AccountIds }: { AccountIds: string[] }, getClient) => {
        const region = await getClient().config.region();
        const offset = REGIONS.indexOf(region);
        return {
          Members: AccountIds.map((id) => ({
            AccountId: id,
            MemberStatus: (Number(id) + offset) % 3 === 0 ? 'Enabled' : 'Created',
          })),
        };
      });
    const input = checkOnboardingInputSchema.parse({
      regions: REGIONS,
      services: ['securityhub'],
      accounts: accounts(1_000),
      round: 0,
      maxRounds: 3,
      executionId: 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:run-1',
    });

    const report = await checkMembers(input, deps());

    expect(report.invitations).toEqual([]);
    expect(report.invitationsKey).toBe('executions/muster-onboarding/run-1/round-0/invitations.json');
    const stored = [...expandGroups(JSON.parse(await store.get(report.invitationsKey ?? '')))];
    const created = REGIONS.flatMap((_, offset) =>
      accounts(1_000).filter(({ accountId }) => (Number(accountId) + offset) % 3 !== 0),
    );
    expect(stored).toHaveLength(created.length);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeGreaterThan(INVITATIONS_INLINE_BYTES);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(60 * 1024);
  });
});

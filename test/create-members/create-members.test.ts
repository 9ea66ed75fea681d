import {
  CreateMembersCommand as CreateGraphMembersCommand,
  DetectiveClient,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  CreateMembersCommand as CreateGuardDutyMembersCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  CreateMembersCommand,
  DescribeHubCommand,
  GetMembersCommand,
  InviteMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMembers, stateOutput } from '../../functions/create-members/create-members.ts';
import type { DoneMark } from '../../functions/shared/contracts.ts';
import { CHUNKS_IN_FLIGHT } from '../../functions/shared/engine.ts';
import {
  accounts,
  awsError,
  detectiveAdministrator,
  guardDutyAdministrator,
  securityHubAdministrator,
  settledIds,
  silentTelemetry,
} from '../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const guardDuty = mockClient(GuardDutyClient);
const GRAPH = 'arn:aws:detective:eu-west-1:999999999999:graph:0123456789abcdef0123456789abcdef';
const ALREADY =
  'The request is rejected because the given account ID is already a member or associated member of the current account.';

const DIFFERENT_ADMINISTRATOR =
  'The request is rejected because the given account ID is already associated with a different administrator account.';

const options = { disableEmailNotification: false };
const shDeps = () => ({
  adapter: securityHubAdministrator(new SecurityHubClient({ region: 'eu-west-1' })),
  options,
  telemetry: silentTelemetry,
});
const dtDeps = (opts = options) => ({
  adapter: detectiveAdministrator(new DetectiveClient({ region: 'eu-west-1' })),
  options: opts,
  telemetry: silentTelemetry,
});

/**
 * A Security Hub whose members are whatever CreateMembers made of them; like AWS, CreateMembers
 * answers an account that is a member already as unprocessed, "already a member".
 */
function securityHubWithState(initial: Record<string, string> = {}, createdStatus = 'Created') {
  const members = new Map(Object.entries(initial));
  securityHub
    .on(DescribeHubCommand)
    .resolves({ HubArn: 'arn:aws:securityhub:eu-west-1:999999999999:hub/default' });
  securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
    Members: AccountIds.filter((id) => members.has(id)).map((id) => ({
      AccountId: id,
      MemberStatus: members.get(id),
    })),
    UnprocessedAccounts: AccountIds.filter((id) => !members.has(id)).map((id) => ({
      AccountId: id,
      ProcessingResult: 'Not a member',
    })),
  }));
  securityHub
    .on(CreateMembersCommand)
    .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
      const already = AccountDetails.filter(({ AccountId }) => members.has(AccountId));
      for (const { AccountId } of AccountDetails)
        if (!members.has(AccountId)) members.set(AccountId, createdStatus);
      return {
        UnprocessedAccounts: already.map(({ AccountId }) => ({ AccountId, ProcessingResult: ALREADY })),
      };
    });
  return members;
}

/** One attempt of Create Members in a Security Hub pair, as stateOutput takes it, with `done` its accounts. */
const attemptWith = (done: Partial<Record<DoneMark, string[]>>) => ({
  region: 'eu-west-1',
  service: 'securityhub' as const,
  done,
  retry: [],
  failed: [],
  attempt: 1,
  retryAfterSeconds: 0,
});

describe('createMembers', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    guardDuty.reset();
  });

  it('creates 120 Security Hub members in chunks of at most 50, reading nothing, and reports them CREATED', async () => {
    securityHubWithState();
    const input = { region: 'eu-west-1', service: 'securityhub' as const, accounts: accounts(120) };

    const output = await createMembers(input, shDeps());

    expect(securityHub).toHaveReceivedCommandTimes(CreateMembersCommand, 3);
    const sizes = securityHub
      .commandCalls(CreateMembersCommand)
      .map((call) => call.args[0].input.AccountDetails?.length);
    expect(sizes).toEqual([50, 50, 20]);
    // The check reads what they became (Enabled, or Created and to be invited): one read per membership.
    expect(securityHub).not.toHaveReceivedCommand(GetMembersCommand);
    expect(output.done.CREATED).toHaveLength(120);
    expect(output.retry).toEqual([]);
    expect(output.failed).toEqual([]);
  });

  it(`keeps up to ${CHUNKS_IN_FLIGHT} chunks in flight, so the rate limiter, not round trips, paces a large step`, async () => {
    let inFlight = 0;
    let most = 0;
    securityHub.on(CreateMembersCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return { UnprocessedAccounts: [] };
    });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts((CHUNKS_IN_FLIGHT * 2 + 1) * 50) },
      shDeps(),
    );
    expect(securityHub).toHaveReceivedCommandTimes(CreateMembersCommand, CHUNKS_IN_FLIGHT * 2 + 1);
    expect(most).toBe(CHUNKS_IN_FLIGHT);
    expect(output.done.CREATED).toHaveLength((CHUNKS_IN_FLIGHT * 2 + 1) * 50);
  });

  it('returns its accounts in input order whichever chunk answers first', async () => {
    const calls: number[] = [];
    securityHub.on(CreateMembersCommand).callsFake(async () => {
      calls.push(calls.length);
      // Later chunks answer first.
      await new Promise((resolve) => setTimeout(resolve, 10 - calls.length * 3));
      throw awsError('InternalException', 500, 'Internal error');
    });
    const input = accounts(150);

    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: input },
      shDeps(),
    );

    expect(output.retry.map(({ accountId }) => accountId)).toEqual(input.map(({ accountId }) => accountId));
  });

  it("creates only a sweep's accounts its plan did not find enabled, and sends nothing when there are none", async () => {
    securityHubWithState();
    const located = (create: string[]) => ({ enabled: true, create });
    const input = { region: 'eu-west-1', service: 'securityhub' as const, accounts: accounts(3) };

    const output = await createMembers({ ...input, located: located(['100000000001']) }, shDeps());

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(CreateMembersCommand, {
      AccountDetails: [{ AccountId: '100000000001', Email: expect.any(String) }],
    });
    expect(output.done).toEqual({ ENABLED: ['100000000000', '100000000002'], CREATED: ['100000000001'] });

    securityHub.reset();
    const unchanged = await createMembers({ ...input, located: located([]) }, shDeps());
    expect(securityHub.calls()).toHaveLength(0);
    expect(settledIds(unchanged)).toHaveLength(3);
  });

  it('invites the members it has just created where the plan says all are invited, and only those', async () => {
    // 100000000000 is a member already (a re-run or a duplicate): its state is the check's to read.
    securityHubWithState({ '100000000000': 'Invited' });
    securityHub.on(InviteMembersCommand).resolves({
      UnprocessedAccounts: [{ AccountId: '100000000002', ProcessingResult: 'Stand-in text' }],
    });
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(4),
      located: { enabled: true, inviteCreated: true },
    };

    const output = await createMembers(input, shDeps());

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['100000000001', '100000000002', '100000000003'],
    });
    expect(securityHub).not.toHaveReceivedCommand(GetMembersCommand);
    // What the invitation left undone stays CREATED: the check reads it and Invite Members sends it.
    expect(output.done).toEqual({
      CREATED: ['100000000000', '100000000002'],
      PENDING_ACCEPTANCE: ['100000000001', '100000000003'],
    });
  });

  it('invites, in a plan that mixes them, the accounts the plan lists outside the organization it has just created, and no organization account', async () => {
    // 100000000003 is outside but a member already (a re-run): its state is the check's to read.
    securityHubWithState({ '100000000003': 'Invited' });
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(4),
      invitedAccountIds: ['100000000002', '100000000003'],
      located: { enabled: true },
    };

    const output = await createMembers(input, shDeps());

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['100000000002'],
    });
    expect(securityHub).not.toHaveReceivedCommand(GetMembersCommand);
    expect(output.done).toEqual({
      CREATED: ['100000000000', '100000000001', '100000000003'],
      PENDING_ACCEPTANCE: ['100000000002'],
    });
    // One listed account was not invited here: the first check reads the listed ones too.
    expect(stateOutput(input, output)).toMatchObject({ allInvited: false, invitedListed: false });
  });

  it.each([
    [
      'every listed account invited by its own calls',
      undefined,
      { CREATED: ['1'], PENDING_ACCEPTANCE: ['2'] },
      true,
    ],
    ['an earlier attempt that was not', false, { CREATED: ['1'], PENDING_ACCEPTANCE: ['2'] }, false],
    ['a listed account a member already, to be read', undefined, { CREATED: ['1', '2'] }, false],
    ['a listed account Detective answers enabled', undefined, { ENABLED: ['2'] }, false],
    ['only failures of listed accounts (the check reads those)', undefined, { CREATED: ['1'] }, true],
  ] as [string, boolean | undefined, Partial<Record<DoneMark, string[]>>, boolean][])(
    'says invitedListed for %s, of the listed account 2',
    (_, earlier, done, invitedListed) => {
      const input = {
        region: 'eu-west-1',
        service: 'securityhub' as const,
        accounts: [],
        invitedAccountIds: ['2'],
        ...(earlier === undefined ? {} : { invitedListed: earlier }),
      };
      const output = attemptWith(done);
      expect(stateOutput(input, output).invitedListed).toBe(invitedListed);
      // Nothing listed: nothing to say.
      expect(stateOutput({ ...input, invitedAccountIds: [] }, output).invitedListed).toBe(false);
    },
  );

  it.each([
    ['every account invited by its own calls', undefined, { PENDING_ACCEPTANCE: ['1'] }, true],
    ['an earlier attempt that was not', false, { PENDING_ACCEPTANCE: ['1'] }, false],
    [
      'an account a member already, to be read',
      undefined,
      { PENDING_ACCEPTANCE: ['1'], CREATED: ['2'] },
      false,
    ],
    ['an account skipped as enabled', undefined, { ENABLED: ['2'] }, false],
    ['only failures (the check reads those)', undefined, {}, true],
  ] as [string, boolean | undefined, Partial<Record<DoneMark, string[]>>, boolean][])(
    'says allInvited for %s',
    (_, earlier, done, allInvited) => {
      const input = {
        region: 'eu-west-1',
        service: 'securityhub' as const,
        accounts: [],
        ...(earlier === undefined ? {} : { allInvited: earlier }),
      };
      const output = attemptWith(done);
      expect(stateOutput(input, output).allInvited).toBe(allInvited);
    },
  );

  it('leaves every member CREATED when inviting what it created fails, and invites nothing without the plan saying so', async () => {
    securityHubWithState();
    securityHub.on(InviteMembersCommand).rejects(awsError('InternalException', 500));
    const input = { region: 'eu-west-1', service: 'securityhub' as const, accounts: accounts(2) };

    const failed = await createMembers(
      { ...input, located: { enabled: true, inviteCreated: true } },
      shDeps(),
    );
    expect(failed.done).toEqual({ CREATED: ['100000000000', '100000000001'] });

    securityHub.reset();
    securityHubWithState();
    const mixed = await createMembers({ ...input, located: { enabled: true } }, shDeps());
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    expect(mixed.done).toEqual({ CREATED: ['100000000000', '100000000001'] });
  });

  it('passes emails through to Security Hub', async () => {
    securityHubWithState();
    await createMembers({ region: 'eu-west-1', service: 'securityhub', accounts: accounts(1) }, shDeps());
    expect(securityHub).toHaveReceivedCommandWith(CreateMembersCommand, {
      AccountDetails: [{ AccountId: '100000000000', Email: 'root+100000000000@example.com' }],
    });
  });

  it('changes nothing for accounts that are members already: AWS answers "already a member" (a re-run)', async () => {
    const members = securityHubWithState({
      '100000000000': 'Enabled',
      '100000000001': 'ASSOCIATED',
      '100000000002': 'Invited',
    });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(3) },
      shDeps(),
    );
    expect(Object.fromEntries(members)).toEqual({
      '100000000000': 'Enabled',
      '100000000001': 'ASSOCIATED',
      '100000000002': 'Invited',
    });
    expect(output.done).toEqual({ CREATED: ['100000000000', '100000000001', '100000000002'] });
    expect(output.failed).toEqual([]);
  });

  it('sorts mixed UnprocessedAccounts into retry, failed and already-a-member', async () => {
    const members = securityHubWithState();
    securityHub
      .on(CreateMembersCommand)
      .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
        const [first, second, third, fourth, ...rest] = AccountDetails.map(({ AccountId }) => AccountId);
        members.set(String(third), 'Invited');
        for (const id of rest) members.set(id, 'Created');
        return {
          UnprocessedAccounts: [
            { AccountId: first, ProcessingResult: 'Maximum number of results exceeded' },
            { AccountId: second, ProcessingResult: 'The account is in an unexpected state' },
            { AccountId: third, ProcessingResult: ALREADY },
            // Reads like the already-member text, means the opposite: only AWS's exact words count.
            { AccountId: fourth, ProcessingResult: DIFFERENT_ADMINISTRATOR },
          ],
        };
      });

    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(5) },
      shDeps(),
    );

    expect(output.retry).toEqual([
      {
        accountId: '100000000000',
        email: 'root+100000000000@example.com',
        reason: 'Maximum number of results exceeded',
      },
    ]);
    expect(output.failed).toEqual([
      { accountId: '100000000001', outcome: 'FAILED', reason: 'The account is in an unexpected state' },
      { accountId: '100000000003', outcome: 'FAILED', reason: DIFFERENT_ADMINISTRATOR },
    ]);
    expect(output.done).toEqual({ CREATED: ['100000000002', '100000000004'] });
  });

  it('fails an account with a text AWS does not publish, keeping its words, rather than guess what it means', async () => {
    securityHubWithState();
    securityHub.on(CreateMembersCommand).resolves({
      UnprocessedAccounts: [
        {
          AccountId: '100000000000',
          ProcessingResult:
            'The request is rejected because the given account ID has not enabled this Region.',
        },
      ],
    });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(1) },
      shDeps(),
    );
    expect(output.failed).toEqual([
      {
        accountId: '100000000000',
        outcome: 'FAILED',
        reason: 'The request is rejected because the given account ID has not enabled this Region.',
      },
    ]);
  });

  it('retries the accounts of a chunk that stayed throttled after the SDK retries, and goes on with the others', async () => {
    const members = securityHubWithState();
    let calls = 0;
    securityHub
      .on(CreateMembersCommand)
      .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
        calls += 1;
        if (calls === 1) throw awsError('ThrottlingException', 429, 'Rate exceeded');
        for (const { AccountId } of AccountDetails) members.set(AccountId, 'Created');
        return { UnprocessedAccounts: [] };
      });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(60) },
      shDeps(),
    );
    expect(output.retry).toHaveLength(50);
    expect(output.retry[0]?.reason).toBe('ThrottlingException: Rate exceeded');
    expect(output.done.CREATED).toHaveLength(10);
  });

  it('fails the accounts of a call that spent a Security Hub quota at once, with AWS text, and retries only throttling', async () => {
    const members = securityHubWithState();
    const quota = Object.assign(
      awsError(
        'LimitExceededException',
        429,
        'The request is rejected because the current account cannot create more members.',
      ),
      { Code: 'MemberLimitExceeded' },
    );
    let calls = 0;
    securityHub
      .on(CreateMembersCommand)
      .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
        calls += 1;
        if (calls === 1) throw quota;
        if (calls === 2) throw awsError('LimitExceededException', 429, 'Rate exceeded');
        for (const { AccountId } of AccountDetails) members.set(AccountId, 'Created');
        return { UnprocessedAccounts: [] };
      });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(101), attempt: 1, maxAttempts: 5 },
      shDeps(),
    );
    expect(output.failed).toHaveLength(50);
    expect(output.failed[0]).toEqual({
      accountId: '100000000000',
      outcome: 'FAILED',
      reason:
        'a quota is spent, so it is not retried: LimitExceededException: The request is rejected because the current account cannot create more members. (MemberLimitExceeded)',
    });
    expect(output.retry).toHaveLength(50);
    expect(output.retry[0]?.reason).toBe('LimitExceededException: Rate exceeded');
    expect(output.done.CREATED).toHaveLength(1);
  });

  it('stops with AdministratorDeniedError, naming the Region and AWS text, when CreateMembers is denied', async () => {
    securityHubWithState();
    const denied =
      'User: arn:aws:sts::999999999999:assumed-role/muster/create is not authorized to perform: securityhub:CreateMembers with an explicit deny in a service control policy';
    securityHub.on(CreateMembersCommand).rejects(awsError('AccessDeniedException', 403, denied));
    const run = createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts((CHUNKS_IN_FLIGHT + 2) * 50) },
      shDeps(),
    );
    await expect(run).rejects.toMatchObject({
      name: 'AdministratorDeniedError',
      message: `the administrator was denied a securityhub call in eu-west-1 (AccessDeniedException: ${denied}): allow it for muster's functions, then run again`,
    });
    // The chunks already in flight settle; no chunk starts after the denial: it would be denied alike.
    expect(securityHub).toHaveReceivedCommandTimes(CreateMembersCommand, CHUNKS_IN_FLIGHT);
  });

  it('reports SERVICE_NOT_ENABLED for every account when Security Hub is off for the administrator', async () => {
    securityHub.on(DescribeHubCommand).rejects(awsError('InvalidAccessException', 401, 'not subscribed'));
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(2) },
      shDeps(),
    );
    expect(output.failed.map(({ outcome }) => outcome)).toEqual([
      'SERVICE_NOT_ENABLED',
      'SERVICE_NOT_ENABLED',
    ]);
    expect(output.failed[0]?.reason).toContain(
      'Security Hub is not enabled for the administrator in this Region',
    );
    expect(securityHub).not.toHaveReceivedCommand(CreateMembersCommand);
  });

  it('creates Detective members on the Region graph with the email options and takes their status from the reply', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    detective
      .on(CreateGraphMembersCommand)
      .callsFake(({ Accounts }: { Accounts: { AccountId: string }[] }) => ({
        Members: Accounts.map(({ AccountId }) => ({ AccountId, Status: 'VERIFICATION_IN_PROGRESS' })),
        UnprocessedAccounts: [],
      }));

    const output = await createMembers(
      { region: 'eu-west-1', service: 'detective', accounts: accounts(51) },
      dtDeps({ disableEmailNotification: true, message: 'Welcome to the security team' } as typeof options),
    );

    expect(detective).toHaveReceivedCommandTimes(CreateGraphMembersCommand, 2);
    expect(detective).toHaveReceivedCommandWith(CreateGraphMembersCommand, {
      GraphArn: GRAPH,
      DisableEmailNotification: true,
      Message: 'Welcome to the security team',
    });
    const sizes = detective
      .commandCalls(CreateGraphMembersCommand)
      .map((call) => call.args[0].input.Accounts?.length);
    expect(sizes).toEqual([50, 1]);
    expect(output.done.PENDING_VERIFICATION).toHaveLength(51);
    expect(output.home).toBe(GRAPH);
  });

  it('reports SERVICE_NOT_ENABLED when the administrator has no Detective graph in the Region', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [] });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'detective', accounts: accounts(1) },
      dtDeps(),
    );
    expect(output.failed).toEqual([
      {
        accountId: '100000000000',
        outcome: 'SERVICE_NOT_ENABLED',
        reason:
          'the administrator has no Detective behavior graph in this Region: enable Detective there first',
      },
    ]);
  });

  it('uses the graph the plan located instead of listing graphs again', async () => {
    detective
      .on(CreateGraphMembersCommand)
      .resolves({ Members: [{ AccountId: '100000000000', Status: 'ENABLED' }], UnprocessedAccounts: [] });
    const output = await createMembers(
      {
        region: 'eu-west-1',
        service: 'detective',
        accounts: accounts(1),
        located: { enabled: true, home: GRAPH },
      },
      dtDeps(),
    );
    expect(detective).not.toHaveReceivedCommand(ListGraphsCommand);
    expect(detective).toHaveReceivedCommandWith(CreateGraphMembersCommand, { GraphArn: GRAPH });
    expect(output.done).toEqual({ ENABLED: ['100000000000'] });
  });

  it('reports SERVICE_NOT_ENABLED without any call when the plan found the service off in the Region', async () => {
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(2), located: { enabled: false } },
      shDeps(),
    );
    expect(securityHub).not.toHaveReceivedAnyCommand();
    expect(output.failed.map(({ outcome }) => outcome)).toEqual([
      'SERVICE_NOT_ENABLED',
      'SERVICE_NOT_ENABLED',
    ]);
  });

  it('fails a Detective account without an email instead of sending it', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'detective', accounts: [{ accountId: '100000000000' }] },
      dtDeps(),
    );
    expect(output.failed[0]?.reason).toContain("needs the account's root email");
    expect(detective).not.toHaveReceivedCommand(CreateGraphMembersCommand);
  });

  it.each([
    ['an apostrophe before the @', "o'brien@example.com", 'one of'],
    ['a letter outside ASCII', 'jos\u00e9@example.com', 'outside 7-bit ASCII'],
    ['a domain without a dot', 'root@localhost', 'with a dot'],
    ['fewer than 6 characters', 'a@b.c', 'not 6 to 64'],
    ['no @', 'root.example.com', 'no @'],
    ['two @', 'root@corp@example.com', 'more than one @'],
  ])(
    'fails a GuardDuty account whose email has %s before the call, and sends the others',
    async (_, email, why) => {
      guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d0'] });
      guardDuty.on(CreateGuardDutyMembersCommand).resolves({ UnprocessedAccounts: [] });
      const output = await createMembers(
        {
          region: 'eu-west-1',
          service: 'guardduty',
          accounts: [
            { accountId: '100000000000', email: 'root+1@example.com' },
            { accountId: '100000000001', email },
          ],
        },
        {
          adapter: guardDutyAdministrator(new GuardDutyClient({ region: 'eu-west-1' })),
          options,
          telemetry: silentTelemetry,
        },
      );
      expect(guardDuty).toHaveReceivedCommandTimes(CreateGuardDutyMembersCommand, 1);
      expect(guardDuty).toHaveReceivedCommandWith(CreateGuardDutyMembersCommand, {
        DetectorId: 'd0',
        AccountDetails: [{ AccountId: '100000000000', Email: 'root+1@example.com' }],
      });
      expect(output.done).toEqual({ CREATED: ['100000000000'] });
      expect(output.failed).toEqual([
        {
          accountId: '100000000001',
          outcome: 'FAILED',
          reason: expect.stringMatching(
            new RegExp(`^GuardDuty does not take the account's email address \\(.*${why}`),
          ),
        },
      ]);
      expect(output.failed[0]?.reason).not.toContain(email);
    },
  );

  it('reports a Detective verification failure for that account only', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    detective.on(CreateGraphMembersCommand).resolves({
      Members: [
        { AccountId: '100000000000', Status: 'VERIFICATION_FAILED' },
        { AccountId: '100000000001', Status: 'INVITED' },
      ],
      UnprocessedAccounts: [],
    });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'detective', accounts: accounts(2) },
      dtDeps(),
    );
    expect(output.failed).toEqual([
      expect.objectContaining({ accountId: '100000000000', outcome: 'VERIFICATION_FAILED' }),
    ]);
    expect(output.done).toEqual({ PENDING_ACCEPTANCE: ['100000000001'] });
  });

  it('asks for a wait that doubles with each attempt while accounts remain to retry', async () => {
    const members = securityHubWithState();
    securityHub
      .on(CreateMembersCommand)
      .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
        const [first, ...rest] = AccountDetails.map(({ AccountId }) => AccountId);
        for (const id of rest) members.set(id, 'Created');
        return {
          UnprocessedAccounts: [{ AccountId: first, ProcessingResult: 'Maximum number of results exceeded' }],
        };
      });
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(2),
      maxAttempts: 4,
    };

    const first = await createMembers({ ...input, attempt: 1 }, shDeps());
    const third = await createMembers({ ...input, attempt: 3 }, shDeps());

    expect([first.retryAfterSeconds, third.retryAfterSeconds]).toEqual([5, 20]);
    expect(third.attempt).toBe(3);
  });

  it("sends again only the accounts of the last attempt's retry, taking their emails from the pair's accounts", async () => {
    securityHubWithState();
    securityHub.on(CreateMembersCommand).resolves({
      UnprocessedAccounts: [
        { AccountId: '100000000002', ProcessingResult: 'Maximum number of results exceeded' },
      ],
    });
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(3),
      retry: ['100000000001', '100000000002'],
      attempt: 2,
    };
    const output = await createMembers(input, shDeps());
    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(CreateMembersCommand, {
      AccountDetails: [
        { AccountId: '100000000001', Email: 'root+100000000001@example.com' },
        { AccountId: '100000000002', Email: 'root+100000000002@example.com' },
      ],
    });
    expect(output.done).toEqual({ CREATED: ['100000000001'] });
    // The state carries the ids to retry; the reasons are in the step's log line.
    expect(stateOutput(input, output).retry).toEqual(['100000000002']);
  });

  it('rejects a retry id that is not one of the accounts, with its position, before any call', async () => {
    securityHubWithState();
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(1),
      retry: ['100000000009'],
    };
    await expect(createMembers(input, shDeps())).rejects.toThrow(
      'input.retry[0]: "100000000009" is not one of input.accounts',
    );
    expect(securityHub).not.toHaveReceivedAnyCommand();
  });

  it('fails what is still retryable on the last attempt, keeping the reason: retries are bounded', async () => {
    const members = securityHubWithState();
    securityHub
      .on(CreateMembersCommand)
      .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
        for (const { AccountId } of AccountDetails.slice(1)) members.set(AccountId, 'Created');
        return {
          UnprocessedAccounts: [
            {
              AccountId: AccountDetails[0]?.AccountId,
              ProcessingResult: 'Maximum number of results exceeded',
            },
          ],
        };
      });
    const output = await createMembers(
      { region: 'eu-west-1', service: 'securityhub', accounts: accounts(2), attempt: 3, maxAttempts: 3 },
      shDeps(),
    );
    expect(output.retry).toEqual([]);
    expect(output.retryAfterSeconds).toBe(0);
    expect(output.failed).toEqual([
      {
        accountId: '100000000000',
        outcome: 'FAILED',
        reason: 'still failing after 3 attempts: Maximum number of results exceeded',
      },
    ]);
  });

  it("hands the state machine earlier attempts' failures merged with its own, grouped by outcome and reason", async () => {
    securityHubWithState();
    securityHub.on(CreateMembersCommand).resolves({
      UnprocessedAccounts: [{ AccountId: '100000000001', ProcessingResult: 'The account is suspended' }],
    });
    const earlier = {
      outcome: 'FAILED' as const,
      reason: 'The account is suspended',
      count: 1,
      accountIds: ['100000000000'],
    };
    const input = {
      region: 'eu-west-1',
      service: 'securityhub' as const,
      accounts: accounts(2).slice(1),
      failed: [earlier],
    };
    const output = await createMembers(input, shDeps());
    expect(output.failed).toEqual([
      { accountId: '100000000001', outcome: 'FAILED', reason: 'The account is suspended' },
    ]);
    expect(stateOutput(input, output).failed).toEqual([
      { ...earlier, count: 2, accountIds: ['100000000000', '100000000001'] },
    ]);
  });

  it('settles every account exactly once and sends no call over 50 accounts, whatever comes back unprocessed', async () => {
    const texts = [
      'Maximum number of results exceeded',
      ALREADY,
      'already invited',
      'Something unexpected',
      'Rate exceeded',
      'The account is already a member of another administrator',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 180 }),
        fc.array(fc.option(fc.constantFrom(...texts), { nil: undefined }), {
          minLength: 180,
          maxLength: 180,
        }),
        async (count, pattern) => {
          securityHub.reset();
          const members = securityHubWithState();
          securityHub
            .on(CreateMembersCommand)
            .callsFake(({ AccountDetails }: { AccountDetails: { AccountId: string }[] }) => {
              const unprocessed = [];
              for (const { AccountId } of AccountDetails) {
                const text = pattern[Number(AccountId) - 100000000000];
                if (text === undefined || text === ALREADY) members.set(AccountId, 'Created');
                if (text !== undefined) unprocessed.push({ AccountId, ProcessingResult: text });
              }
              return { UnprocessedAccounts: unprocessed };
            });
          const input = accounts(count);
          const output = await createMembers(
            { region: 'eu-west-1', service: 'securityhub', accounts: input },
            shDeps(),
          );

          expect(settledIds(output).sort()).toEqual(input.map(({ accountId }) => accountId).sort());
          for (const call of [
            ...securityHub.commandCalls(CreateMembersCommand),
            ...securityHub.commandCalls(GetMembersCommand),
          ]) {
            const input = call.args[0].input as { AccountDetails?: unknown[]; AccountIds?: unknown[] };
            expect((input.AccountDetails ?? input.AccountIds ?? []).length).toBeLessThanOrEqual(50);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

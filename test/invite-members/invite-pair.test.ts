import {
  CreateMembersCommand as CreateGraphMembersCommand,
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  CreateMembersCommand as CreateGuardDutyMembersCommand,
  GetMembersCommand as GetGuardDutyMembersCommand,
  GuardDutyClient,
  InviteMembersCommand as InviteGuardDutyMembersCommand,
} from '@aws-sdk/client-guardduty';
import {
  CreateMembersCommand,
  DescribeHubCommand,
  GetMembersCommand,
  InviteMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { invitePair } from '../../functions/invite-members/invite-members.ts';
import {
  accounts,
  awsError,
  detectiveAdministrator,
  guardDutyAdministrator,
  securityHubAdministrator,
  silentTelemetry,
} from '../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const guardDuty = mockClient(GuardDutyClient);

const ids = (count: number) => accounts(count).map(({ accountId }) => accountId);
const SH = { region: 'us-east-1', service: 'securityhub' };

const deps = () => ({
  adapter: securityHubAdministrator(new SecurityHubClient({ region: 'us-east-1' })),
  options: { disableEmailNotification: false },
  telemetry: silentTelemetry,
});

function membersWithStatuses(statuses: string[]) {
  securityHub.on(DescribeHubCommand).resolves({});
  securityHub.on(GetMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
    Members: AccountIds.flatMap((id) => {
      const status = statuses[Number(id) - 100000000000];
      return status === undefined ? [] : [{ AccountId: id, MemberStatus: status }];
    }),
  }));
}

describe('invitePair', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    guardDuty.reset();
  });

  it('invites created accounts in chunks of 50 and leaves nothing unfinished', async () => {
    membersWithStatuses(Array.from({ length: 101 }, () => 'Created'));
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(101), deps());

    const sizes = securityHub
      .commandCalls(InviteMembersCommand)
      .map((call) => call.args[0].input.AccountIds?.length);
    expect(sizes).toEqual([50, 50, 1]);
    expect(output).toEqual({ unfinished: [], createdAgain: [] });
  });

  it('re-invites Removed and Resigned members and leaves Enabled and Invited ones alone', async () => {
    membersWithStatuses(['Removed', 'Resigned', 'Enabled', 'Invited', 'Associated']);
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(5), deps());

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['100000000000', '100000000001'],
    });
    expect(output).toEqual({ unfinished: [], createdAgain: [] });
  });

  it('sends no invitation to organization accounts that came out Enabled', async () => {
    membersWithStatuses(['Enabled', 'Enabled']);
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(2), deps());
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    expect(output).toEqual({ unfinished: [], createdAgain: [] });
  });

  it('keeps AWS text for unprocessed invitations and retries the one AWS says to send again', async () => {
    membersWithStatuses(['Created', 'Created', 'Created']);
    securityHub.on(InviteMembersCommand).resolves({
      UnprocessedAccounts: [
        { AccountId: '100000000000', ProcessingResult: 'Maximum number of results exceeded' },
        { AccountId: '100000000001', ProcessingResult: 'The account is suspended' },
      ],
    });
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(3), deps());
    expect(output.unfinished).toEqual([
      {
        accountId: '100000000000',
        ...SH,
        outcome: 'PENDING_INVITATION',
        reason: 'not invited yet: Maximum number of results exceeded',
      },
      { accountId: '100000000001', ...SH, outcome: 'FAILED', reason: 'The account is suspended' },
    ]);
  });

  it('creates again, never invites, an account a check found not a member, and says what was tried', async () => {
    membersWithStatuses([]);
    securityHub.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(1), deps());
    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(CreateMembersCommand, {
      AccountDetails: [{ AccountId: '100000000000' }],
    });
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    expect(output).toEqual({
      unfinished: [],
      createdAgain: [
        {
          accountId: '100000000000',
          ...SH,
          outcome: 'NOT_A_MEMBER',
          reason:
            'not a member of the administrator after it was created again once in this run (CreateMembers took it) and read again; the next run tries again',
        },
      ],
    });
  });

  it('hands an "already a member" answer to the next read, naming it, rather than failing or trying again', async () => {
    membersWithStatuses([]);
    const already =
      'The request is rejected because the given account ID is already a member or associated member of the current account.';
    securityHub
      .on(CreateMembersCommand)
      .resolves({ UnprocessedAccounts: [{ AccountId: '100000000000', ProcessingResult: already }] });
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(1), deps());
    expect(output.unfinished).toEqual([]);
    expect(output.createdAgain).toEqual([
      expect.objectContaining({
        outcome: 'NOT_A_MEMBER',
        reason: expect.stringContaining(`answered "${already}"`),
      }),
    ]);
  });

  it('retries every account of a chunk whose GetMembers call failed for good', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .rejects(awsError('InternalException', 500, 'We encountered an internal error'));
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(2), deps());
    expect(output.unfinished.map(({ outcome, reason }) => [outcome, reason])).toEqual([
      ['PENDING_INVITATION', 'not invited yet: InternalException: We encountered an internal error'],
      ['PENDING_INVITATION', 'not invited yet: InternalException: We encountered an internal error'],
    ]);
  });

  it('only observes Detective members, because Detective invites on create', async () => {
    detective.on(ListGraphsCommand).resolves({
      GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
    });
    detective
      .on(GetGraphMembersCommand)
      .resolves({ MemberDetails: [{ AccountId: '100000000000', Status: 'INVITED' }] });
    const output = await invitePair({ region: 'us-east-1', service: 'detective' }, ids(1), {
      adapter: detectiveAdministrator(new DetectiveClient({ region: 'us-east-1' })),
      options: { disableEmailNotification: false },
      telemetry: silentTelemetry,
    });
    expect(output).toEqual({ unfinished: [], createdAgain: [] });
    expect(detective.calls()).toHaveLength(2);
  });

  it('creates again a Detective account a check found not a member (deleted, or a read that lagged), with its email from the plan', async () => {
    detective.on(ListGraphsCommand).resolves({
      GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
    });
    detective.on(GetGraphMembersCommand).resolves({ MemberDetails: [] });
    detective.on(CreateGraphMembersCommand).resolves({ Members: [], UnprocessedAccounts: [] });
    const adapter = detectiveAdministrator(new DetectiveClient({ region: 'us-east-1' }));
    const planned = (count: number) => ({
      accounts: new Map(accounts(count).map((account) => [account.accountId, account])),
      outsideOrganization: new Set<string>(),
    });

    const output = await invitePair(
      { region: 'us-east-1', service: 'detective' },
      ids(51),
      {
        adapter,
        options: { disableEmailNotification: false },
        telemetry: silentTelemetry,
      },
      planned(51),
    );

    const sizes = detective
      .commandCalls(CreateGraphMembersCommand)
      .map((call) => call.args[0].input.Accounts?.length);
    expect(sizes).toEqual([50, 1]);
    expect(detective.commandCalls(CreateGraphMembersCommand)[1]?.args[0].input.Accounts).toEqual([
      { AccountId: '100000000050', EmailAddress: 'root+100000000050@example.com' },
    ]);
    expect(output.unfinished).toEqual([]);
    expect(output.createdAgain.map(({ outcome }) => outcome)).toEqual(Array(51).fill('NOT_A_MEMBER'));
  });

  it('fails a Detective account without an email with the clear reason, before any CreateMembers call', async () => {
    detective.on(ListGraphsCommand).resolves({
      GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
    });
    detective.on(GetGraphMembersCommand).resolves({ MemberDetails: [] });
    const output = await invitePair({ region: 'us-east-1', service: 'detective' }, ids(1), {
      adapter: detectiveAdministrator(new DetectiveClient({ region: 'us-east-1' })),
      options: { disableEmailNotification: false },
      telemetry: silentTelemetry,
    });
    expect(output).toEqual({
      unfinished: [
        expect.objectContaining({
          outcome: 'FAILED',
          reason: expect.stringContaining("Detective needs the account's root email address"),
        }),
      ],
      createdAgain: [],
    });
    expect(detective).not.toHaveReceivedCommand(CreateGraphMembersCommand);
  });

  describe('a Removed organization account, which AWS does not invite', () => {
    /** A pair the plan located with the administrator as the service's delegated administrator. */
    const located = (service: 'securityhub' | 'guardduty') => ({
      region: 'us-east-1',
      service,
      enabled: true,
      ...(service === 'guardduty' ? { home: 'd0123' } : {}),
    });
    // 100000000000 and 100000000001 are in the organization; 100000000002 is outside it.
    const plan = (count: number) => ({
      accounts: new Map(accounts(count).map((account) => [account.accountId, account])),
      outsideOrganization: new Set(['100000000002']),
    });
    const guardDutyDeps = () => ({
      adapter: guardDutyAdministrator(new GuardDutyClient({ region: 'us-east-1' })),
      options: { disableEmailNotification: false },
      telemetry: silentTelemetry,
    });
    function guardDutyStatuses(statuses: string[]) {
      guardDuty.on(GetGuardDutyMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
        Members: AccountIds.flatMap((id) => {
          const status = statuses[Number(id) - 100000000000];
          return status === undefined ? [] : [{ AccountId: id, RelationshipStatus: status }];
        }),
        UnprocessedAccounts: [],
      }));
    }

    it('is created again in GuardDuty with its email from the plan, while an outside one is invited again', async () => {
      guardDutyStatuses(['Removed', 'Resigned', 'Removed']);
      guardDuty.on(CreateGuardDutyMembersCommand).resolves({ UnprocessedAccounts: [] });
      guardDuty.on(InviteGuardDutyMembersCommand).resolves({ UnprocessedAccounts: [] });

      const output = await invitePair(located('guardduty'), ids(3), guardDutyDeps(), plan(3));

      expect(output.unfinished).toEqual([]);
      expect(output.createdAgain).toEqual([
        expect.objectContaining({ accountId: '100000000000', service: 'guardduty', outcome: 'REMOVED' }),
      ]);
      expect(guardDuty).toHaveReceivedCommandExactlyOnceWith(CreateGuardDutyMembersCommand, {
        DetectorId: 'd0123',
        AccountDetails: [{ AccountId: '100000000000', Email: 'root+100000000000@example.com' }],
      });
      // A resigned organization account (it left while invited) and the outside account are invited.
      expect(guardDuty).toHaveReceivedCommandExactlyOnceWith(InviteGuardDutyMembersCommand, {
        DetectorId: 'd0123',
        AccountIds: ['100000000001', '100000000002'],
      });
    });

    it('is created again in Security Hub, 50 accounts a call at most, and never invited', async () => {
      membersWithStatuses(Array.from({ length: 101 }, () => 'Removed'));
      securityHub.on(CreateMembersCommand).resolves({ UnprocessedAccounts: [] });

      const output = await invitePair(located('securityhub'), ids(101), deps(), {
        accounts: new Map(),
        outsideOrganization: new Set(),
      });

      expect(output.unfinished).toEqual([]);
      expect(output.createdAgain).toHaveLength(101);
      const sizes = securityHub
        .commandCalls(CreateMembersCommand)
        .map((call) => call.args[0].input.AccountDetails?.length);
      expect(sizes).toEqual([50, 50, 1]);
      expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    });

    it('is invited as before where every account is invitation-based (the administrator is not the delegated administrator there)', async () => {
      membersWithStatuses(['Removed']);
      securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

      await invitePair({ ...located('securityhub'), inviteCreated: true }, ids(1), deps(), plan(1));

      expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
        AccountIds: ['100000000000'],
      });
      expect(securityHub).not.toHaveReceivedCommand(CreateMembersCommand);
    });

    it('stays Removed with why when CreateMembers says to try again, and leaves any other answer to the next read, naming it', async () => {
      membersWithStatuses(['Removed', 'Removed']);
      securityHub.on(CreateMembersCommand).resolves({
        UnprocessedAccounts: [
          { AccountId: '100000000000', ProcessingResult: 'Maximum number of results exceeded' },
          { AccountId: '100000000001', ProcessingResult: 'The account is suspended' },
        ],
      });

      const output = await invitePair(located('securityhub'), ids(2), deps(), plan(2));

      expect(output).toEqual({
        unfinished: [
          {
            accountId: '100000000000',
            region: 'us-east-1',
            service: 'securityhub',
            outcome: 'REMOVED',
            reason: 'not created again yet: Maximum number of results exceeded',
          },
        ],
        createdAgain: [
          {
            accountId: '100000000001',
            region: 'us-east-1',
            service: 'securityhub',
            outcome: 'REMOVED',
            reason:
              'still REMOVED after it was created again once in this run (CreateMembers answered "The account is suspended") and read again; the next run tries again',
          },
        ],
      });
    });

    it('fails with why, before any call, in GuardDuty when the plan has no email for it', async () => {
      guardDutyStatuses(['Removed']);

      const output = await invitePair(located('guardduty'), ids(1), guardDutyDeps(), {
        accounts: new Map(),
        outsideOrganization: new Set(),
      });

      expect(output.unfinished).toEqual([
        expect.objectContaining({
          accountId: '100000000000',
          outcome: 'FAILED',
          reason: expect.stringContaining("GuardDuty needs the account's root email address"),
        }),
      ]);
      expect(guardDuty).not.toHaveReceivedCommand(CreateGuardDutyMembersCommand);
      expect(guardDuty).not.toHaveReceivedCommand(InviteGuardDutyMembersCommand);
    });
  });
});

import {
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
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
  securityHubAdministrator,
  silentTelemetry,
} from '../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);

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
  });

  it('invites created accounts in chunks of 50 and leaves nothing unfinished', async () => {
    membersWithStatuses(Array.from({ length: 101 }, () => 'Created'));
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(101), deps());

    const sizes = securityHub
      .commandCalls(InviteMembersCommand)
      .map((call) => call.args[0].input.AccountIds?.length);
    expect(sizes).toEqual([50, 50, 1]);
    expect(output).toEqual([]);
  });

  it('re-invites Removed and Resigned members and leaves Enabled and Invited ones alone', async () => {
    membersWithStatuses(['Removed', 'Resigned', 'Enabled', 'Invited', 'Associated']);
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });

    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(5), deps());

    expect(securityHub).toHaveReceivedCommandExactlyOnceWith(InviteMembersCommand, {
      AccountIds: ['100000000000', '100000000001'],
    });
    expect(output).toEqual([]);
  });

  it('sends no invitation to organization accounts that came out Enabled', async () => {
    membersWithStatuses(['Enabled', 'Enabled']);
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(2), deps());
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
    expect(output).toEqual([]);
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
    expect(output).toEqual([
      {
        accountId: '100000000000',
        ...SH,
        outcome: 'PENDING_INVITATION',
        reason: 'not invited yet: Maximum number of results exceeded',
      },
      { accountId: '100000000001', ...SH, outcome: 'FAILED', reason: 'The account is suspended' },
    ]);
  });

  it('fails accounts that are not members instead of inviting them', async () => {
    membersWithStatuses([]);
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(1), deps());
    expect(output).toEqual([expect.objectContaining({ accountId: '100000000000', outcome: 'NOT_A_MEMBER' })]);
    expect(securityHub).not.toHaveReceivedCommand(InviteMembersCommand);
  });

  it('retries every account of a chunk whose GetMembers call failed for good', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .rejects(awsError('InternalException', 500, 'We encountered an internal error'));
    const output = await invitePair({ region: 'us-east-1', service: 'securityhub' }, ids(2), deps());
    expect(output.map(({ outcome, reason }) => [outcome, reason])).toEqual([
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
    expect(output).toEqual([]);
    expect(detective.calls()).toHaveLength(2);
  });
});

import {
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import { DescribeHubCommand, GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkPair, NOT_A_MEMBER_AT_LAST_CHECK } from '../../functions/check-members/check-members.ts';
import { accounts, detectiveAdministrator, securityHubAdministrator } from '../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';

describe('checkPair', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
  });

  it('returns each membership as GetMembers shows it: pending ones with what they wait for', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '100000000000', MemberStatus: 'Enabled' },
        { AccountId: '100000000001', MemberStatus: 'Invited' },
        { AccountId: '100000000002', MemberStatus: 'AccountSuspended' },
      ],
    });
    const memberships = await checkPair(
      { region: 'us-east-1', service: 'securityhub' },
      accounts(3),
      securityHubAdministrator(new SecurityHubClient({ region: 'us-east-1' })),
      false,
    );
    const pair = { region: 'us-east-1', service: 'securityhub' };
    expect(memberships).toEqual([
      { accountId: '100000000000', ...pair, outcome: 'ENABLED' },
      {
        accountId: '100000000001',
        ...pair,
        outcome: 'PENDING_ACCEPTANCE',
        reason: 'still PENDING_ACCEPTANCE',
      },
      { accountId: '100000000002', ...pair, outcome: 'ACCOUNT_SUSPENDED', reason: expect.any(String) },
    ]);
  });

  it('reads Detective statuses 50 at a time and keeps verification pending', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    detective.on(GetGraphMembersCommand).callsFake(({ AccountIds }: { AccountIds: string[] }) => ({
      MemberDetails: AccountIds.map((id) => ({
        AccountId: id,
        Status: id.endsWith('0') ? 'VERIFICATION_IN_PROGRESS' : 'ENABLED',
      })),
    }));
    const memberships = await checkPair(
      { region: 'us-east-1', service: 'detective' },
      accounts(75),
      detectiveAdministrator(new DetectiveClient({ region: 'us-east-1' })),
      false,
    );
    expect(
      detective.commandCalls(GetGraphMembersCommand).map((call) => call.args[0].input.AccountIds?.length),
    ).toEqual([50, 25]);
    const count = (outcome: string) => memberships.filter((m) => m.outcome === outcome).length;
    expect(count('PENDING_VERIFICATION')).toBe(8);
    expect(count('ENABLED')).toBe(67);
  });

  it('counts a status it could not read as pending, and as FAILED on the last round', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException', $retryable: {} }));
    const read = (lastRound: boolean) =>
      checkPair(
        { region: 'us-east-1', service: 'securityhub' },
        accounts(1),
        securityHubAdministrator(new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 })),
        lastRound,
      );
    expect(await read(false)).toEqual([
      expect.objectContaining({
        outcome: 'PENDING_ACCEPTANCE',
        reason: expect.stringContaining('could not read the membership status'),
      }),
    ]);
    expect(await read(true)).toEqual([expect.objectContaining({ outcome: 'FAILED' })]);
  });

  it('says of a not-member read at the last check that no round was left to create it again', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({ Members: [] });
    const read = (lastRound: boolean) =>
      checkPair(
        { region: 'us-east-1', service: 'securityhub' },
        accounts(1),
        securityHubAdministrator(new SecurityHubClient({ region: 'us-east-1' })),
        lastRound,
      );
    expect((await read(true))[0]?.reason).toBe(NOT_A_MEMBER_AT_LAST_CHECK);
    expect((await read(false))[0]?.reason).toBe('the membership is NOT_A_MEMBER');
  });
});

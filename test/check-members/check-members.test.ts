import {
  DetectiveClient,
  GetMembersCommand as GetGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import { DescribeHubCommand, GetMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkMembers } from '../../functions/check-members/check-members.ts';
import { accounts, detectiveAdministrator, securityHubAdministrator } from '../helpers.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';

describe('checkMembers', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
  });

  it('returns enabled members as done and pending ones as retry with their status', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '100000000000', MemberStatus: 'Enabled' },
        { AccountId: '100000000001', MemberStatus: 'Invited' },
        { AccountId: '100000000002', MemberStatus: 'AccountSuspended' },
      ],
    });
    const output = await checkMembers(
      { region: 'us-east-1', service: 'securityhub', accounts: accounts(3) },
      { adapter: securityHubAdministrator(new SecurityHubClient({ region: 'us-east-1' })) },
    );
    expect(output.done).toEqual({ ENABLED: ['100000000000'] });
    expect(output.retry).toEqual([
      expect.objectContaining({ accountId: '100000000001', reason: 'still PENDING_ACCEPTANCE' }),
    ]);
    expect(output.failed).toEqual([
      expect.objectContaining({ accountId: '100000000002', outcome: 'ACCOUNT_SUSPENDED' }),
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
    const output = await checkMembers(
      { region: 'us-east-1', service: 'detective', accounts: accounts(75) },
      { adapter: detectiveAdministrator(new DetectiveClient({ region: 'us-east-1' })) },
    );
    expect(
      detective.commandCalls(GetGraphMembersCommand).map((call) => call.args[0].input.AccountIds?.length),
    ).toEqual([50, 25]);
    expect(output.retry).toHaveLength(8);
    expect(output.done.ENABLED).toHaveLength(67);
  });
});

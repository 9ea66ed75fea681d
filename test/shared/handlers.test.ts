import { readFileSync } from 'node:fs';
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
import { handler as checkMembers } from '../../functions/check-members/handler.ts';
import { handler as inviteMembers } from '../../functions/invite-members/handler.ts';
import { lambdaContext } from '../lambda-context.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const event = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

describe('invite-members and check-members handlers', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
  });

  it('invites the sample accounts', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetMembersCommand).resolves({
      Members: [
        { AccountId: '111111111111', MemberStatus: 'Created' },
        { AccountId: '222222222222', MemberStatus: 'Enabled' },
      ],
    });
    securityHub.on(InviteMembersCommand).resolves({ UnprocessedAccounts: [] });
    const output = await inviteMembers(event('invite-members/securityhub'), lambdaContext('invite-members'));
    expect(output.done).toEqual({ PENDING_ACCEPTANCE: ['111111111111'], ENABLED: ['222222222222'] });
  });

  it('checks the sample Detective accounts', async () => {
    detective.on(ListGraphsCommand).resolves({
      GraphList: [{ Arn: 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef' }],
    });
    detective.on(GetGraphMembersCommand).resolves({
      MemberDetails: [
        { AccountId: '111111111111', Status: 'ENABLED' },
        { AccountId: '222222222222', Status: 'INVITED' },
      ],
    });
    const output = await checkMembers(event('check-members/detective'), lambdaContext('check-members'));
    expect(output.done).toEqual({ ENABLED: ['111111111111'] });
    expect(output.retry).toEqual([{ accountId: '222222222222', reason: 'still PENDING_ACCEPTANCE' }]);
  });
});

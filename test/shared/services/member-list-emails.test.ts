import { DetectiveClient, ListMembersCommand as ListGraphMembersCommand } from '@aws-sdk/client-detective';
import { GuardDutyClient, ListMembersCommand as ListDetectorMembersCommand } from '@aws-sdk/client-guardduty';
import { ListMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  detectiveLister,
  detectivePlanner,
} from '../../../functions/shared/services/detective/administrator.ts';
import {
  guardDutyLister,
  guardDutyPlanner,
} from '../../../functions/shared/services/guardduty/administrator.ts';
import {
  securityHubLister,
  securityHubPlanner,
} from '../../../functions/shared/services/securityhub/administrator.ts';

const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const guardDuty = mockClient(GuardDutyClient);

const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';

/**
 * The first step's member lists carry each member's email as AWS's ListMembers answers it (Security
 * Hub `Member.Email`, Detective `MemberDetail.EmailAddress`, GuardDuty `Member.Email`), on every page;
 * the coverage listers do not pass it on (it is personal data, and coverage has no use for it).
 */
describe('the planners’ member lists', () => {
  beforeEach(() => {
    securityHub.reset();
    detective.reset();
    guardDuty.reset();
  });

  it('returns Security Hub’s Email with each member, on every page, and none where the list has none', async () => {
    securityHub
      .on(ListMembersCommand)
      .resolvesOnce({
        Members: [{ AccountId: '200000000001', Email: 'root+1@example.net', MemberStatus: 'Enabled' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Members: [{ AccountId: '200000000002', MemberStatus: 'Created' }] });

    const members = await securityHubPlanner(new SecurityHubClient({ region: 'us-east-1' })).members({
      region: 'us-east-1',
    });

    expect(members).toEqual([
      { accountId: '200000000001', status: 'Enabled', email: 'root+1@example.net' },
      { accountId: '200000000002', status: 'Created' },
    ]);
    expect(securityHub).toHaveReceivedCommandTimes(ListMembersCommand, 2);
  });

  it('returns Detective’s EmailAddress with each member of the graph', async () => {
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: [
        {
          AccountId: '200000000001',
          EmailAddress: 'root+1@example.net',
          GraphArn: GRAPH,
          Status: 'VERIFICATION_FAILED',
          InvitationType: 'INVITATION',
        },
        { AccountId: '200000000002', GraphArn: GRAPH, Status: 'ENABLED', InvitationType: 'ORGANIZATION' },
      ],
    });

    const members = await detectivePlanner(new DetectiveClient({ region: 'us-east-1' })).members({
      region: 'us-east-1',
      home: GRAPH,
    });

    expect(members).toEqual([
      {
        accountId: '200000000001',
        status: 'VERIFICATION_FAILED',
        invitationType: 'INVITATION',
        email: 'root+1@example.net',
      },
      { accountId: '200000000002', status: 'ENABLED', invitationType: 'ORGANIZATION' },
    ]);
  });

  it('returns GuardDuty’s Email with each member of the detector', async () => {
    guardDuty.on(ListDetectorMembersCommand).resolves({
      Members: [
        {
          AccountId: '200000000001',
          Email: 'root+1@example.net',
          MasterId: '999999999999',
          RelationshipStatus: 'Removed',
          UpdatedAt: '2026-12-01T00:00:00.000Z',
        },
      ],
    });

    const members = await guardDutyPlanner(new GuardDutyClient({ region: 'us-east-1' })).members({
      region: 'us-east-1',
      home: 'admin-detector',
    });

    expect(members).toEqual([{ accountId: '200000000001', status: 'Removed', email: 'root+1@example.net' }]);
  });

  it('keeps every email out of what the coverage listers return', async () => {
    securityHub.on(ListMembersCommand).resolves({
      Members: [{ AccountId: '200000000001', Email: 'root+1@example.net', MemberStatus: 'Enabled' }],
    });
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: [{ AccountId: '200000000001', EmailAddress: 'root+1@example.net', Status: 'ENABLED' }],
    });
    guardDuty.on(ListDetectorMembersCommand).resolves({
      Members: [
        {
          AccountId: '200000000001',
          Email: 'root+1@example.net',
          MasterId: '999999999999',
          RelationshipStatus: 'Enabled',
          UpdatedAt: '2026-12-01T00:00:00.000Z',
        },
      ],
    });

    const listed = [
      ...(await securityHubLister(new SecurityHubClient({ region: 'us-east-1' })).listMembers({
        region: 'us-east-1',
      })),
      ...(await detectiveLister(new DetectiveClient({ region: 'us-east-1' })).listMembers({
        region: 'us-east-1',
        home: GRAPH,
      })),
      ...(await guardDutyLister(new GuardDutyClient({ region: 'us-east-1' })).listMembers({
        region: 'us-east-1',
        home: 'admin-detector',
      })),
    ];

    expect(listed).toHaveLength(3);
    expect(JSON.stringify(listed)).not.toContain('@');
  });
});

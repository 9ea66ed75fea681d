import {
  AcceptInvitationCommand,
  type DetectiveClient,
  ListInvitationsCommand,
} from '@aws-sdk/client-detective';
import { everyPage } from '../../aws/pages.ts';
import { describeError, type ErrorLike } from '../../domain/classify.ts';
import { outcomeOfStatus } from '../../domain/outcomes.ts';
import type { MemberService } from '../member.ts';

export function detectiveMember(client: DetectiveClient): MemberService {
  return {
    service: 'detective',
    async acceptMembership({ region, home: graphArn }) {
      if (graphArn === undefined) throw new Error(`no Detective behavior graph given for ${region}`);
      const invitations = await everyPage(async (nextToken) => {
        // Detective allows up to 200 per page (docs/aws-facts.md, Amazon Detective).
        const page = await client.send(new ListInvitationsCommand({ MaxResults: 200, NextToken: nextToken }));
        return { items: page.Invitations, nextToken: page.NextToken };
      });
      const invitation = invitations.find((candidate) => candidate.GraphArn === graphArn);
      if (invitation === undefined) {
        // Detective invites only after verifying the account's email, so "none yet" may also mean "verifying".
        return { outcome: 'PENDING_INVITATION', reason: `no invitation to ${graphArn} yet` };
      }
      const observed = outcomeOfStatus('detective', invitation.Status, invitation.DisabledReason);
      if (observed.outcome !== 'PENDING_ACCEPTANCE') return observed;
      try {
        await client.send(new AcceptInvitationCommand({ GraphArn: graphArn }));
      } catch (error) {
        // The member's status is no longer INVITED: AWS's text says why (docs/aws-facts.md, Amazon Detective).
        if ((error as ErrorLike).name === 'ConflictException') {
          return { outcome: 'CONFLICT', reason: describeError(error as ErrorLike) };
        }
        throw error;
      }
      return { outcome: 'ENABLED' };
    },
  };
}

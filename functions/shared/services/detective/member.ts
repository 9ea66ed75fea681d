import {
  AcceptInvitationCommand,
  type DetectiveClient,
  ListInvitationsCommand,
} from '@aws-sdk/client-detective';
import { everyPage } from '../../aws/pages.ts';
import { describeError, type ErrorLike } from '../../domain/classify.ts';
import { type ObservedStatus, outcomeOfStatus } from '../../domain/outcomes.ts';
import type { MemberService } from '../member.ts';

/**
 * The member side of Detective: AcceptInvitation by the graph ARN the plan knows, nothing listed
 * first. AWS's refusal says why: ResourceNotFoundException, no invitation to this graph (Detective
 * invites only once the email is verified); ConflictException, the membership is not INVITED, which
 * one listing then explains (docs/aws-facts.md, Amazon Detective, "Accepting by the graph ARN").
 */
export function detectiveMember(client: DetectiveClient): MemberService {
  /** The membership's status as the member's invitations show it, only to explain a refused accept. */
  async function explain(graphArn: string, refusal: ErrorLike): Promise<ObservedStatus> {
    const invitations = await everyPage(async (nextToken) => {
      // Detective allows up to 200 per page (docs/aws-facts.md, Amazon Detective).
      const page = await client.send(new ListInvitationsCommand({ MaxResults: 200, NextToken: nextToken }));
      return { items: page.Invitations, nextToken: page.NextToken };
    });
    const invitation = invitations.find((candidate) => candidate.GraphArn === graphArn);
    // Not INVITED, yet no open or accepted invitation listed: Detective is still verifying the email.
    if (invitation === undefined)
      return {
        outcome: 'PENDING_INVITATION',
        reason: `no open invitation to ${graphArn} yet (${describeError(refusal)})`,
      };
    const observed = outcomeOfStatus('detective', invitation.Status, invitation.DisabledReason);
    // Still INVITED after a conflict: AWS's text is all there is to say.
    return observed.outcome === 'PENDING_ACCEPTANCE'
      ? { outcome: 'CONFLICT', reason: describeError(refusal) }
      : observed;
  }

  return {
    service: 'detective',
    async acceptMembership({ region, home: graphArn }) {
      if (graphArn === undefined) throw new Error(`no Detective behavior graph given for ${region}`);
      try {
        await client.send(new AcceptInvitationCommand({ GraphArn: graphArn }));
      } catch (error) {
        const refusal = error as ErrorLike;
        if (refusal.name === 'ResourceNotFoundException') {
          // Detective invites only after verifying the account's email, so "none yet" may also mean "verifying".
          return { outcome: 'PENDING_INVITATION', reason: `no invitation to ${graphArn} yet` };
        }
        if (refusal.name === 'ConflictException') return explain(graphArn, refusal);
        throw error;
      }
      return { outcome: 'ENABLED' };
    },
  };
}

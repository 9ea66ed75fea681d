import {
  AcceptAdministratorInvitationCommand,
  CreateDetectorCommand,
  GetAdministratorAccountCommand,
  type GuardDutyClient,
  type Invitation,
  ListDetectorsCommand,
  ListInvitationsCommand,
} from '@aws-sdk/client-guardduty';
import { everyPage } from '../../aws/pages.ts';
import { type ObservedStatus, type Outcome, outcomeOfStatus } from '../../domain/outcomes.ts';
import type { MemberService } from '../member.ts';
import { GUARDDUTY_PAGE_SIZE } from './administrator.ts';

/** Statuses in which the member is no longer (or not yet) bound to the administrator it names. */
const UNBOUND: ReadonlySet<Outcome> = new Set([
  'NOT_A_MEMBER',
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'PENDING_VERIFICATION',
  'VERIFICATION_FAILED',
  'REMOVED',
  'RESIGNED',
]);

/**
 * Our administrator's invitation, the newest if it sent several; another administrator's is never
 * chosen (docs/aws-facts.md, What earlier public tools got wrong).
 */
function invitationFrom(administratorId: string, invitations: Invitation[]): Invitation | undefined {
  return invitations
    .filter(({ AccountId, InvitationId }) => AccountId === administratorId && InvitationId)
    .sort((a, b) => Date.parse(b.InvitedAt ?? '') - Date.parse(a.InvitedAt ?? '') || 0)[0];
}

/**
 * The member side of GuardDuty in one account and Region: its detector (created when absent, as a
 * member needs one to accept: docs/aws-facts.md, Amazon GuardDuty), then our administrator's
 * invitation accepted. AcceptAdministratorInvitation needs the DetectorId and the InvitationId, so
 * ListDetectors and ListInvitations are the least it takes; GetAdministratorAccount only explains a
 * member with no invitation from us (an organization account its delegated administrator added is
 * Enabled with none), another administrator's invitation, or a refused accept.
 */
export function guardDutyMember(client: GuardDutyClient): MemberService {
  return {
    service: 'guardduty',
    async acceptMembership({ administratorId }) {
      const { DetectorIds } = await client.send(
        new ListDetectorsCommand({ MaxResults: GUARDDUTY_PAGE_SIZE }),
      );
      let detectorId = DetectorIds?.[0];
      let enabledNote: string | undefined;
      if (detectorId === undefined) {
        const created = await client.send(new CreateDetectorCommand({ Enable: true }));
        if (created.DetectorId === undefined) throw new Error('CreateDetector answered without a DetectorId');
        detectorId = created.DetectorId;
        enabledNote = 'muster enabled GuardDuty (created a detector) in this Region';
      }
      const enabled = (): ObservedStatus =>
        enabledNote === undefined ? { outcome: 'ENABLED' } : { outcome: 'ENABLED', reason: enabledNote };

      /** Who administers the member now: ENABLED when ours, CONFLICT for another, undefined for none. */
      const explain = async (): Promise<ObservedStatus | undefined> => {
        const { Administrator } = await client.send(
          new GetAdministratorAccountCommand({ DetectorId: detectorId }),
        );
        const current = outcomeOfStatus('guardduty', Administrator?.RelationshipStatus).outcome;
        if (Administrator?.AccountId === administratorId && current === 'ENABLED') return enabled();
        // A member has one administrator; another one is a conflict to report, not to override.
        if (
          Administrator?.AccountId !== undefined &&
          Administrator.AccountId !== administratorId &&
          !UNBOUND.has(current)
        ) {
          return {
            outcome: 'CONFLICT',
            reason: `already a member of GuardDuty administrator ${Administrator.AccountId} (status ${Administrator.RelationshipStatus})`,
          };
        }
        return undefined;
      };

      const invitations = await everyPage(async (nextToken) => {
        const page = await client.send(
          new ListInvitationsCommand({ MaxResults: GUARDDUTY_PAGE_SIZE, NextToken: nextToken }),
        );
        return { items: page.Invitations, nextToken: page.NextToken };
      });
      const invitation = invitationFrom(administratorId, invitations);
      if (invitation === undefined || invitations.some(({ AccountId }) => AccountId !== administratorId)) {
        const explained = await explain();
        if (explained !== undefined) return explained;
      }
      if (invitation?.InvitationId === undefined) {
        return { outcome: 'PENDING_INVITATION', reason: `no invitation from ${administratorId} yet` };
      }
      try {
        await client.send(
          new AcceptAdministratorInvitationCommand({
            DetectorId: detectorId,
            AdministratorId: administratorId,
            InvitationId: invitation.InvitationId,
          }),
        );
      } catch (error) {
        // A duplicate execution may have accepted it first: the explanation then says ENABLED.
        if ((error as { name?: string }).name !== 'BadRequestException') throw error;
        const explained = await explain();
        if (explained !== undefined) return explained;
        throw error;
      }
      return enabled();
    },
  };
}

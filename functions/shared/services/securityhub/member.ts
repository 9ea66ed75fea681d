import {
  AcceptAdministratorInvitationCommand,
  DescribeHubCommand,
  DisassociateFromAdministratorAccountCommand,
  EnableSecurityHubCommand,
  GetAdministratorAccountCommand,
  type Invitation,
  ListInvitationsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { everyPage } from '../../aws/pages.ts';
import { type Outcome, outcomeOfStatus } from '../../domain/outcomes.ts';
import type { MemberService } from '../member.ts';

export interface SecurityHubMemberOptions {
  /** EnableSecurityHub's EnableDefaultStandards, used where muster has to enable the hub first. */
  enableDefaultStandards: boolean;
  /** Leave another administrator for ours. Off unless the operator turned it on. */
  allowTakeOver: boolean;
}

/** Statuses in which the member is no longer (or not yet) bound to the administrator it names. */
const UNBOUND: ReadonlySet<Outcome> = new Set([
  'NOT_A_MEMBER',
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'REMOVED',
  'RESIGNED',
]);

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

/** Why muster leaves a hub that is off alone under central configuration. */
export const CENTRALLY_CONFIGURED_REASON =
  'Security Hub is off in this account, and the organization uses Security Hub central configuration here: ' +
  'its configuration policies decide whether Security Hub runs in organization accounts, so muster does not enable it';

/**
 * Enables the hub where it is off (a member must have it on to accept: docs/aws-facts.md, Security Hub); 'enabled' when
 * muster did so, 'off' when it is off and central configuration forbids muster to enable it.
 */
async function ensureHub(
  client: SecurityHubClient,
  enableDefaultStandards: boolean,
  centrallyConfigured: boolean,
): Promise<'on' | 'enabled' | 'off'> {
  try {
    await client.send(new DescribeHubCommand({}));
    return 'on';
  } catch (error) {
    // DescribeHub answers InvalidAccessException when the hub is not enabled
    // (docs/aws-facts.md, Security Hub).
    if (errorName(error) !== 'InvalidAccessException') throw error;
  }
  if (centrallyConfigured) return 'off';
  try {
    await client.send(new EnableSecurityHubCommand({ EnableDefaultStandards: enableDefaultStandards }));
    return 'enabled';
  } catch (error) {
    // ResourceConflictException: enabled meanwhile, which is all we need (docs/aws-facts.md, Security Hub).
    if (errorName(error) === 'ResourceConflictException') return 'on';
    throw error;
  }
}

/**
 * Our administrator's invitation, the newest if it sent several; the others' are never chosen
 * (docs/aws-facts.md, What earlier public tools got wrong).
 */
function invitationFrom(administratorId: string, invitations: Invitation[]): Invitation | undefined {
  return invitations
    .filter(({ AccountId, InvitationId }) => AccountId === administratorId && InvitationId)
    .sort((a, b) => (b.InvitedAt?.getTime() ?? 0) - (a.InvitedAt?.getTime() ?? 0))[0];
}

export function securityHubMember(
  client: SecurityHubClient,
  options: SecurityHubMemberOptions,
): MemberService {
  return {
    service: 'securityhub',
    async acceptMembership({ administratorId, centrallyConfigured }) {
      const hub = await ensureHub(client, options.enableDefaultStandards, centrallyConfigured === true);
      if (hub === 'off') return { outcome: 'SERVICE_NOT_ENABLED', reason: CENTRALLY_CONFIGURED_REASON };
      const enabledNote = hub === 'enabled' ? 'muster enabled Security Hub in this Region' : undefined;

      const { Administrator } = await client.send(new GetAdministratorAccountCommand({}));
      const current = outcomeOfStatus('securityhub', Administrator?.MemberStatus).outcome;
      if (Administrator?.AccountId === administratorId && current === 'ENABLED') {
        return enabledNote === undefined
          ? { outcome: 'ENABLED' }
          : { outcome: 'ENABLED', reason: enabledNote };
      }
      // A member has one administrator; another one is a conflict to report, not to override
      // (docs/aws-facts.md, Security Hub).
      const other =
        Administrator?.AccountId !== undefined &&
        Administrator.AccountId !== administratorId &&
        !UNBOUND.has(current)
          ? Administrator.AccountId
          : undefined;
      if (other !== undefined && !options.allowTakeOver) {
        return {
          outcome: 'CONFLICT',
          reason: `already a member of Security Hub administrator ${other} (status ${Administrator?.MemberStatus}); set ALLOW_TAKE_OVER to move it`,
        };
      }

      const invitations = await everyPage(async (nextToken) => {
        const page = await client.send(new ListInvitationsCommand({ MaxResults: 50, NextToken: nextToken }));
        return { items: page.Invitations, nextToken: page.NextToken };
      });
      const invitation = invitationFrom(administratorId, invitations);
      if (invitation === undefined) {
        return {
          outcome: 'PENDING_INVITATION',
          reason:
            other === undefined
              ? `no invitation from ${administratorId} yet`
              : `no invitation from ${administratorId} yet; still a member of ${other}, left only once it arrives`,
        };
      }
      // Leave the other administrator only now that ours has an invitation waiting to be accepted.
      if (other !== undefined) await client.send(new DisassociateFromAdministratorAccountCommand({}));
      await client.send(
        new AcceptAdministratorInvitationCommand({
          AdministratorId: administratorId,
          InvitationId: invitation.InvitationId,
        }),
      );
      const notes = [
        enabledNote,
        other === undefined
          ? undefined
          : `took over: disassociated from administrator ${other} (ALLOW_TAKE_OVER), then accepted ${administratorId}'s invitation`,
      ].filter((note) => note !== undefined);
      return notes.length === 0 ? { outcome: 'ENABLED' } : { outcome: 'ENABLED', reason: notes.join('; ') };
    },
  };
}

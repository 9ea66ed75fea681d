import {
  AcceptAdministratorInvitationCommand,
  DisassociateFromAdministratorAccountCommand,
  EnableSecurityHubCommand,
  GetAdministratorAccountCommand,
  type Invitation,
  ListInvitationsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { everyPage } from '../../aws/pages.ts';
import { describeError, type ErrorLike } from '../../domain/classify.ts';
import { type ObservedStatus, type Outcome, outcomeOfStatus } from '../../domain/outcomes.ts';
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

const ENABLED_NOTE = 'muster enabled Security Hub in this Region';

/**
 * Switches the hub on where it is off: a member must have it on to accept (docs/aws-facts.md, Security Hub).
 * No DescribeHub first: EnableSecurityHub's own ResourceConflictException says the hub was on
 * already (docs/aws-facts.md, Security Hub, "The member side in three calls"). 'enabled' when muster did it.
 */
async function switchHubOn(
  client: SecurityHubClient,
  enableDefaultStandards: boolean,
): Promise<'on' | 'enabled'> {
  try {
    await client.send(new EnableSecurityHubCommand({ EnableDefaultStandards: enableDefaultStandards }));
    return 'enabled';
  } catch (error) {
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

/** What GetAdministratorAccount tells about a member that has no invitation to accept, or could not accept it. */
type Explanation =
  | { kind: 'ours' }
  | { kind: 'other'; administratorId: string; status: string | undefined }
  | { kind: 'none' };

export function securityHubMember(
  client: SecurityHubClient,
  options: SecurityHubMemberOptions,
): MemberService {
  /** Who the member's administrator is now: only asked to explain, never before a plain accept. */
  async function explain(administratorId: string): Promise<Explanation> {
    const { Administrator } = await client.send(new GetAdministratorAccountCommand({}));
    const current = outcomeOfStatus('securityhub', Administrator?.MemberStatus).outcome;
    if (Administrator?.AccountId === administratorId && current === 'ENABLED') return { kind: 'ours' };
    // A member has one administrator; another one is a conflict to report, not to override
    // (docs/aws-facts.md, Security Hub).
    if (
      Administrator?.AccountId !== undefined &&
      Administrator.AccountId !== administratorId &&
      !UNBOUND.has(current)
    )
      return { kind: 'other', administratorId: Administrator.AccountId, status: Administrator.MemberStatus };
    return { kind: 'none' };
  }

  async function accept(administratorId: string, invitationId: string | undefined): Promise<void> {
    await client.send(
      new AcceptAdministratorInvitationCommand({
        AdministratorId: administratorId,
        InvitationId: invitationId,
      }),
    );
  }

  /** Leaves the other administrator for ours (ALLOW_TAKE_OVER), only with our invitation waiting. */
  async function takeOver(administratorId: string, invitation: Invitation, other: string): Promise<string> {
    await client.send(new DisassociateFromAdministratorAccountCommand({}));
    await accept(administratorId, invitation.InvitationId);
    return `took over: disassociated from administrator ${other} (ALLOW_TAKE_OVER), then accepted ${administratorId}'s invitation`;
  }

  const conflict = (other: string, status: string | undefined): ObservedStatus => ({
    outcome: 'CONFLICT',
    reason: `already a member of Security Hub administrator ${other} (status ${status}); set ALLOW_TAKE_OVER to move it`,
  });

  return {
    service: 'securityhub',
    async acceptMembership({ administratorId, centrallyConfigured }) {
      // Under central configuration muster never enables the hub: the listing's "not subscribed" says it is off.
      const hub =
        centrallyConfigured === true ? 'on' : await switchHubOn(client, options.enableDefaultStandards);
      const notes: string[] = hub === 'enabled' ? [ENABLED_NOTE] : [];
      const done = (note?: string): ObservedStatus => {
        const all = note === undefined ? notes : [...notes, note];
        return all.length === 0 ? { outcome: 'ENABLED' } : { outcome: 'ENABLED', reason: all.join('; ') };
      };

      let invitations: Invitation[];
      try {
        invitations = await everyPage(async (nextToken) => {
          const page = await client.send(
            new ListInvitationsCommand({ MaxResults: 50, NextToken: nextToken }),
          );
          return { items: page.Invitations, nextToken: page.NextToken };
        });
      } catch (error) {
        // InvalidAccessException: Security Hub is not enabled here (docs/aws-facts.md, Security Hub).
        if (centrallyConfigured === true && errorName(error) === 'InvalidAccessException')
          return { outcome: 'SERVICE_NOT_ENABLED', reason: CENTRALLY_CONFIGURED_REASON };
        throw error;
      }
      const invitation = invitationFrom(administratorId, invitations);
      // Another administrator's invitation means another administrator may hold the member: ask before accepting.
      const othersInvited = invitations.some(({ AccountId }) => AccountId !== administratorId);

      if (invitation === undefined || othersInvited) {
        const current = await explain(administratorId);
        if (current.kind === 'ours') return done();
        if (current.kind === 'other') {
          if (!options.allowTakeOver) return conflict(current.administratorId, current.status);
          if (invitation === undefined)
            return {
              outcome: 'PENDING_INVITATION',
              reason: `no invitation from ${administratorId} yet; still a member of ${current.administratorId}, left only once it arrives`,
            };
          return done(await takeOver(administratorId, invitation, current.administratorId));
        }
        if (invitation === undefined)
          return { outcome: 'PENDING_INVITATION', reason: `no invitation from ${administratorId} yet` };
      }

      try {
        await accept(administratorId, invitation.InvitationId);
      } catch (error) {
        // Refused: a duplicate execution may have accepted it first, or another administrator holds the member.
        const name = errorName(error);
        if (name !== 'ResourceNotFoundException' && name !== 'InvalidInputException') throw error;
        const current = await explain(administratorId);
        if (current.kind === 'ours') return done();
        if (current.kind === 'other') {
          if (!options.allowTakeOver) return conflict(current.administratorId, current.status);
          return done(await takeOver(administratorId, invitation, current.administratorId));
        }
        if (name === 'ResourceNotFoundException')
          return {
            outcome: 'PENDING_INVITATION',
            reason: `invitation no longer found: ${describeError(error as ErrorLike)}`,
          };
        throw error;
      }
      return done();
    },
  };
}

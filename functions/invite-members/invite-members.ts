import type { AdministratorStepInput, AdministratorStepOutput } from '../shared/contracts.ts';
import { nextAction } from '../shared/domain/reconcile.ts';
import {
  beginStep,
  forEachChunk,
  settleObserved,
  settleUnprocessed,
  statusOf,
  type Telemetry,
} from '../shared/engine.ts';
import type { CreateOptions, MembershipInviter, MembershipReader } from '../shared/services/administrator.ts';

export interface InviteMembersDeps {
  /** Without an inviter (Detective invites on create) the step only observes. */
  adapter: MembershipReader & Partial<MembershipInviter>;
  /** How the service words the invitations it emails. */
  options: CreateOptions;
  telemetry: Telemetry;
}

/**
 * Invites the accounts that need an invitation: created but not invited, or Removed/Resigned
 * (re-invite). Organization accounts that came out Enabled, and services that invite on create
 * (Detective), get no invitation: they are only observed.
 */
export async function inviteMembers(
  input: AdministratorStepInput,
  deps: InviteMembersDeps,
): Promise<AdministratorStepOutput> {
  const { adapter, telemetry } = deps;
  const { results, target, observed } = await beginStep(input, adapter);
  if (target === undefined) return results.output();

  const toInvite: string[] = [];
  for (const { accountId } of results.unsettled) {
    const status = statusOf(observed, accountId);
    const action = nextAction(status.outcome);
    if (action === 'invite' && adapter.inviteMembers !== undefined) toInvite.push(accountId);
    else if (action === 'create') {
      results.fail(
        accountId,
        'NOT_A_MEMBER',
        'not a member of the administrator: creating the membership did not succeed',
      );
    } else settleObserved(results, accountId, status);
  }

  const invite = adapter.inviteMembers?.bind(adapter);
  if (invite !== undefined) {
    await forEachChunk(toInvite, results, async (part) => {
      const { unprocessed } = await invite(target, part, deps.options);
      for (const entry of unprocessed) settleUnprocessed(results, entry, telemetry);
      const invited = part.filter((accountId) => results.isPending(accountId));
      telemetry.count('MembersInvited', invited.length);
      for (const accountId of invited) results.succeed(accountId, 'PENDING_ACCEPTANCE');
    });
  }
  return results.output(target.home === undefined ? {} : { home: target.home });
}

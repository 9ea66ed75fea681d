import * as z from 'zod/mini';
import {
  type InviteOnboardingInput,
  type InviteOnboardingOutput,
  invitationGroupSchema,
  type LocatedPair,
} from '#shared/contracts.ts';
import { pairKey } from '#shared/domain/keys.ts';
import { nextAction } from '#shared/domain/reconcile.ts';
import { groupMemberships, type Membership } from '#shared/domain/report.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import {
  beginStep,
  forEachChunk,
  settleObserved,
  settleUnprocessed,
  statusOf,
  type Telemetry,
} from '#shared/engine.ts';
import { type ReportStore, readParsed } from '#shared/report/store.ts';
import type { CreateOptions, MembershipInviter, MembershipReader } from '#shared/services/administrator.ts';

export interface InviteMembersDeps {
  /** The administrator's service in a Region; only services that invite separately are asked to. */
  adapters: (service: ServiceName, region: string) => MembershipReader & Partial<MembershipInviter>;
  /** How each service words the invitations it emails. */
  options: (service: ServiceName) => CreateOptions;
  telemetry: Telemetry;
  /** The report bucket, where the check leaves invitations too many to carry. */
  store: ReportStore;
}

/**
 * Sends the invitations the last check found missing, every Region and service at once (each has
 * its own quota). Each pair reads its accounts again right before inviting: InviteMembers re-sends
 * to an account invited already, so a retried or duplicated step must not trust an older read.
 * Returns the invitations not sent, with why; the next check reads everything else.
 */
export async function inviteMembers(
  input: InviteOnboardingInput,
  deps: InviteMembersDeps,
): Promise<InviteOnboardingOutput> {
  const located = new Map(input.pairs.map((pair) => [pairKey(pair.region, pair.service), pair]));
  const wanted = new Map<string, { pair: LocatedPair; accountIds: Set<string> }>();
  const invitations = [
    ...input.invitations,
    ...(input.invitationsKey == null
      ? []
      : await readParsed(deps.store, input.invitationsKey, z.array(invitationGroupSchema))),
  ];
  for (const { pairs, accountIds } of invitations) {
    for (const { region, service } of pairs) {
      const id = pairKey(region, service);
      const entry = wanted.get(id) ?? { pair: located.get(id) ?? { region, service }, accountIds: new Set() };
      for (const accountId of accountIds) entry.accountIds.add(accountId);
      wanted.set(id, entry);
    }
  }
  const unfinished = await Promise.all(
    [...wanted.values()].map(({ pair, accountIds }) =>
      invitePair(pair, [...accountIds], {
        adapter: deps.adapters(pair.service, pair.region),
        options: deps.options(pair.service),
        telemetry: deps.telemetry,
      }),
    ),
  );
  return { unfinished: groupMemberships(unfinished.flat()) };
}

export interface InvitePairDeps {
  /** Without an inviter (Detective invites on create) the step only observes. */
  adapter: MembershipReader & Partial<MembershipInviter>;
  /** How the service words the invitations it emails. */
  options: CreateOptions;
  telemetry: Telemetry;
}

/**
 * Invites the accounts of one pair that need an invitation: created but not invited, or
 * Removed/Resigned (re-invite). Organization accounts that came out Enabled, and services that
 * invite on create (Detective), get no invitation: they are only observed. Returns the memberships
 * whose invitation was not sent, with why.
 */
export async function invitePair(
  pair: LocatedPair,
  accountIds: readonly string[],
  deps: InvitePairDeps,
): Promise<Membership[]> {
  const { region, service, enabled, home } = pair;
  const { adapter, telemetry } = deps;
  const { results, target, observed } = await beginStep(
    {
      region,
      service,
      accounts: accountIds.map((accountId) => ({ accountId })),
      ...(enabled === undefined ? {} : { located: { enabled, ...(home === undefined ? {} : { home }) } }),
    },
    adapter,
  );
  const toInvite: string[] = [];
  if (target !== undefined) {
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
  }
  const invite = adapter.inviteMembers?.bind(adapter);
  if (target !== undefined && invite !== undefined) {
    await forEachChunk(toInvite, results, async (part) => {
      const { unprocessed } = await invite(target, part, deps.options);
      for (const entry of unprocessed) settleUnprocessed(results, entry, telemetry);
      const invited = part.filter((accountId) => results.isPending(accountId));
      telemetry.count('MembersInvited', invited.length);
      for (const accountId of invited) results.settle(accountId);
    });
  }
  const { retry, failed } = results.output();
  return [
    // Still to be invited: the next check finds them Created and the next round tries again.
    ...retry.map(
      ({ accountId, reason }): Membership => ({
        accountId,
        region,
        service,
        outcome: 'PENDING_INVITATION',
        reason: `not invited yet: ${reason}`,
      }),
    ),
    ...failed.map(
      ({ accountId, outcome, reason }): Membership => ({ accountId, region, service, outcome, reason }),
    ),
  ];
}

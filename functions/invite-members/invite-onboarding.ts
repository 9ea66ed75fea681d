import * as z from 'zod';
import {
  type InviteOnboardingInput,
  type InviteOnboardingOutput,
  invitationGroupSchema,
  type LocatedPair,
} from '../shared/contracts.ts';
import { groupMemberships, type Membership } from '../shared/domain/report.ts';
import type { ServiceName } from '../shared/domain/services.ts';
import type { Telemetry } from '../shared/engine.ts';
import { type ReportStore, readParsed } from '../shared/report/store.ts';
import type { CreateOptions, MembershipInviter, MembershipReader } from '../shared/services/administrator.ts';
import { inviteMembers } from './invite-members.ts';

export interface InviteOnboardingDeps {
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
export async function inviteOnboarding(
  input: InviteOnboardingInput,
  deps: InviteOnboardingDeps,
): Promise<InviteOnboardingOutput> {
  const located = new Map(input.pairs.map((pair) => [`${pair.region}|${pair.service}`, pair]));
  const wanted = new Map<string, { pair: LocatedPair; accountIds: Set<string> }>();
  const invitations = [
    ...input.invitations,
    ...(input.invitationsKey == null
      ? []
      : await readParsed(deps.store, input.invitationsKey, z.array(invitationGroupSchema))),
  ];
  for (const { pairs, accountIds } of invitations) {
    for (const { region, service } of pairs) {
      const id = `${region}|${service}`;
      const entry = wanted.get(id) ?? { pair: located.get(id) ?? { region, service }, accountIds: new Set() };
      for (const accountId of accountIds) entry.accountIds.add(accountId);
      wanted.set(id, entry);
    }
  }
  const unfinished = await Promise.all(
    [...wanted.values()].map(async ({ pair: { region, service, enabled, home }, accountIds }) => {
      const output = await inviteMembers(
        {
          region,
          service,
          accounts: [...accountIds].map((accountId) => ({ accountId })),
          ...(enabled === undefined ? {} : { located: { enabled, ...(home === undefined ? {} : { home }) } }),
        },
        {
          adapter: deps.adapters(service, region),
          options: deps.options(service),
          telemetry: deps.telemetry,
        },
      );
      return [
        // Still to be invited: the next check finds them Created and the next round tries again.
        ...output.retry.map(
          ({ accountId, reason }): Membership => ({
            accountId,
            region,
            service,
            outcome: 'PENDING_INVITATION',
            reason: `not invited yet: ${reason}`,
          }),
        ),
        ...output.failed.map(
          ({ accountId, outcome, reason }): Membership => ({
            accountId,
            region,
            service,
            outcome,
            reason,
          }),
        ),
      ];
    }),
  );
  return { unfinished: groupMemberships(unfinished.flat()) };
}

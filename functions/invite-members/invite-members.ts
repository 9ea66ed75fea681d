import * as z from 'zod/mini';
import {
  type InviteOnboardingInput,
  type InviteOnboardingOutput,
  invitationGroupSchema,
  type LocatedPair,
} from '#shared/contracts.ts';
import type { Account } from '#shared/domain/accounts.ts';
import { classifyUnprocessed } from '#shared/domain/classify.ts';
import { pairKey } from '#shared/domain/keys.ts';
import type { ObservedStatus } from '#shared/domain/outcomes.ts';
import { generalizeReason } from '#shared/domain/reasons.ts';
import { createdAgainReason, joinsThroughOrganization, nextAction } from '#shared/domain/reconcile.ts';
import { groupMemberships, type Membership } from '#shared/domain/report.ts';
import { createProblem, type ServiceName } from '#shared/domain/services.ts';
import {
  beginStep,
  forEachChunk,
  settleObserved,
  settleUnprocessed,
  statusOf,
  type Telemetry,
} from '#shared/engine.ts';
import { executionPrefix, type ReportStore, readParsed } from '#shared/report/store.ts';
import type {
  CreateOptions,
  MembershipCreator,
  MembershipInviter,
  MembershipReader,
} from '#shared/services/administrator.ts';

/**
 * The administrator's service in a Region: it reads, invites (Security Hub, GuardDuty), and creates
 * again what is not a member or what it may not invite.
 */
export type InviteAdapter = MembershipReader & Partial<MembershipInviter> & MembershipCreator;

export interface InviteMembersDeps {
  /** The administrator's service in a Region; only services that invite separately are asked to. */
  adapters: (service: ServiceName, region: string) => InviteAdapter;
  /** How each service words the invitations it emails. */
  options: (service: ServiceName) => CreateOptions;
  telemetry: Telemetry;
  /** The report bucket: the check leaves invitations too many to carry there, this step what it created again. */
  store: ReportStore;
  /** A prefix for a step invoked without an execution id. */
  uniqueId: () => string;
}

/**
 * Sends the invitations the last check found missing, every Region and service at once (each has
 * its own quota), and creates again what the check found not a member and the Removed organization
 * accounts AWS will not invite (at most once a run each: decideReport). Each pair
 * reads its accounts again right before: InviteMembers re-sends to an account invited already, so a
 * retried or duplicated step must not trust an older read. Returns the invitations not sent, with
 * why, and where it wrote what it created again; the next check reads everything else.
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
  const plan: PlanAccounts = {
    accounts: new Map((input.accounts ?? []).map((account) => [account.accountId, account])),
    outsideOrganization: new Set(input.invitedAccountIds ?? []),
  };
  const outputs = await Promise.all(
    [...wanted.values()].map(({ pair, accountIds }) =>
      invitePair(
        pair,
        [...accountIds],
        {
          adapter: deps.adapters(pair.service, pair.region),
          options: deps.options(pair.service),
          telemetry: deps.telemetry,
        },
        plan,
      ),
    ),
  );
  const createdAgain = outputs.flatMap((output) => output.createdAgain);
  let createdAgainKey: string | null = null;
  if (createdAgain.length > 0) {
    // In the report bucket, as they may be as many as the invitations: the next check reads them.
    createdAgainKey = `${executionPrefix(input.executionId, deps.uniqueId)}/created-again/${deps.uniqueId()}.json`;
    await deps.store.put(createdAgainKey, JSON.stringify(groupMemberships(createdAgain)), 'application/json');
  }
  return { unfinished: groupMemberships(outputs.flatMap((output) => output.unfinished)), createdAgainKey };
}

export interface InvitePairDeps {
  /** Without an inviter (Detective invites on create) the step only observes. */
  adapter: InviteAdapter;
  /** How the service words the invitations it emails. */
  options: CreateOptions;
  telemetry: Telemetry;
}

/** What the plan says of its accounts: their emails, and which are outside the organization. */
export interface PlanAccounts {
  accounts: ReadonlyMap<string, Account>;
  /** The plan's `invitedAccountIds` (joinsThroughOrganization). */
  outsideOrganization: ReadonlySet<string>;
}

/** A plan that says nothing: every account is taken as invited, as a pair it did not locate. */
const UNKNOWN_PLAN: PlanAccounts = { accounts: new Map(), outsideOrganization: new Set() };

/** What one pair's step leaves for the next check. */
export interface InvitePairOutput {
  /** Invitations or creations not done, with why. */
  unfinished: Membership[];
  /**
   * Memberships created again, each with the outcome it was created from and a reason saying what was
   * tried and what AWS answered: the next check ends one it finds so again with that reason (decideReport).
   */
  createdAgain: Membership[];
}

/**
 * Invites the accounts of one pair that need an invitation: created but not invited, or
 * Removed/Resigned (re-invite). An account that is not a member (a check after the create step found
 * it so: deleted, never enabled, or a read that lagged) and a Removed organization account, which AWS
 * will not invite, are created again instead (nextAction with its origin; docs/aws-facts.md,
 * "Creating a member again in the same run"). Organization accounts that came out Enabled, and
 * services that invite on create (Detective), get no invitation: they are only observed. Returns the
 * memberships whose invitation or creation was not done, with why, and those created again.
 */
export async function invitePair(
  pair: LocatedPair,
  accountIds: readonly string[],
  deps: InvitePairDeps,
  plan: PlanAccounts = UNKNOWN_PLAN,
): Promise<InvitePairOutput> {
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
  const toCreate: Account[] = [];
  /** The observed outcome of each account created again: what it stays if the creation is not done. */
  const recreating = new Map<string, ObservedStatus>();
  if (target !== undefined) {
    for (const { accountId } of results.unsettled) {
      const status = statusOf(observed, accountId);
      const organization = joinsThroughOrganization(pair, plan.outsideOrganization, accountId);
      const action = nextAction(status.outcome, { service, organization });
      if (action === 'invite' && adapter.inviteMembers !== undefined) toInvite.push(accountId);
      else if (action === 'create') {
        const account = plan.accounts.get(accountId) ?? { accountId };
        const problem = createProblem(service, account.email);
        if (problem === undefined) {
          toCreate.push(account);
          recreating.set(accountId, status);
        } else results.fail(accountId, 'FAILED', problem);
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
  const createdAgain: Membership[] = [];
  if (target !== undefined) {
    // CreateMembers answers an account that is a member already without changing it, so a retried
    // or duplicated step is safe. Whatever it answers but "try again", the next check's read decides:
    // Detective's text for an existing member is unpublished, and a read can lag the create.
    await forEachChunk(toCreate, results, async (part) => {
      const { unprocessed } = await adapter.createMembers(target, part, deps.options);
      const answered = new Map<string, string>();
      for (const entry of unprocessed) {
        if (!results.isPending(entry.accountId)) continue;
        const { kind, reason } = classifyUnprocessed(entry.reason);
        if (kind === 'retry') settleUnprocessed(results, entry, telemetry);
        else {
          telemetry.count('UnprocessedAccounts', 1, kind);
          answered.set(entry.accountId, reason);
        }
      }
      const settled = part.filter(({ accountId }) => results.isPending(accountId));
      telemetry.count('MembersCreated', settled.filter(({ accountId }) => !answered.has(accountId)).length);
      for (const { accountId } of settled) {
        results.settle(accountId);
        const outcome = recreating.get(accountId)?.outcome ?? 'NOT_A_MEMBER';
        createdAgain.push({
          accountId,
          region,
          service,
          outcome,
          reason: generalizeReason(createdAgainReason(outcome, answered.get(accountId)), accountId, region),
        });
      }
    });
  }
  const { retry, failed } = results.output();
  return {
    unfinished: [
      // Still to be invited or created again: the next check finds them so and the next round tries
      // again (a not-member's note only lends its reason: check-members, unfinishedInvitations).
      ...retry.map(({ accountId, reason }): Membership => {
        const removed = recreating.get(accountId);
        return removed === undefined
          ? {
              accountId,
              region,
              service,
              outcome: 'PENDING_INVITATION',
              reason: `not invited yet: ${reason}`,
            }
          : {
              accountId,
              region,
              service,
              outcome: removed.outcome,
              reason: `not created again yet: ${reason}`,
            };
      }),
      ...failed.map(
        ({ accountId, outcome, reason }): Membership => ({ accountId, region, service, outcome, reason }),
      ),
    ],
    createdAgain,
  };
}

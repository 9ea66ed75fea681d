import { nextTurn } from '../shared/concurrency.ts';
import type {
  AdministratorStepOutput,
  CheckOnboardingInput,
  Crash,
  LocatedPair,
  OnboardingReport,
  Pair,
} from '../shared/contracts.ts';
import { explainNotMembers } from '../shared/domain/failures.ts';
import type { Outcome } from '../shared/domain/outcomes.ts';
import {
  decideReport,
  describeReport,
  expandGroups,
  type Membership,
  membershipKey,
  type OutcomeGroup,
} from '../shared/domain/report.ts';
import type { ServiceName } from '../shared/domain/services.ts';
import type { MembershipReader } from '../shared/services/administrator.ts';
import { checkMembers } from './check-members.ts';

export interface CheckOnboardingDeps {
  adapters: (service: ServiceName, region: string) => MembershipReader;
}

/**
 * Every membership a step output speaks of, with the status it observed. A status that could not be
 * read (throttled or 5xx after the SDK's retries) counts as pending, so the next round reads it
 * again; only on the last round is it reported FAILED.
 */
function memberships(output: AdministratorStepOutput, lastRound: boolean): Membership[] {
  const { region, service } = output;
  return [
    ...Object.entries(output.done).flatMap(([outcome, ids]) =>
      (ids ?? []).map((accountId) => ({
        accountId,
        region,
        service,
        outcome: outcome as Membership['outcome'],
      })),
    ),
    ...output.retry.map(({ accountId, outcome, reason }) =>
      outcome === undefined
        ? {
            accountId,
            region,
            service,
            outcome: lastRound ? ('FAILED' as const) : ('PENDING_ACCEPTANCE' as const),
            reason: `could not read the membership status: ${reason}`,
          }
        : { accountId, region, service, outcome, reason },
    ),
    ...output.failed.map(({ accountId, outcome, reason }) => ({
      accountId,
      region,
      service,
      outcome,
      reason,
    })),
  ];
}

/** Why a step that failed after its retries left its memberships where they are. */
function crashReason(step: string, crash: Crash): string {
  const cause = crash.Cause === undefined ? '' : `: ${crash.Cause.slice(0, 300)}`;
  return `the ${step} step failed after its retries (${crash.Error}${cause})`;
}

/**
 * The memberships of a step that failed after its retries, carrying the error so nothing is lost
 * silently: administrator-side ones are FAILED; member-side ones stay pending (asked again next
 * round) so a run that times out says why.
 */
function crashedMemberships(
  side: 'administrator' | 'member',
  crash: Crash,
  accountIds: readonly string[],
  pairs: readonly Pair[],
): Membership[] {
  const reason = crashReason(`${side}-side`, crash);
  const outcome = side === 'administrator' ? ('FAILED' as const) : ('PENDING_ACCEPTANCE' as const);
  return accountIds.flatMap((accountId) =>
    pairs.map(({ region, service }) => ({ accountId, region, service, outcome, reason })),
  );
}

/**
 * The invitations of an invite step that failed after its retries: pending with its error, as some
 * may have gone out. The next round invites what GetMembers still shows Created (reading first).
 */
function crashedInvitations(crash: Crash, groups: readonly OutcomeGroup[]): Membership[] {
  const reason = crashReason('invite', crash);
  return [...expandGroups(groups)].map((membership) => ({
    ...membership,
    outcome: 'PENDING_INVITATION' as const,
    reason,
  }));
}

/** What GetMembers shows for a membership that exists and is on its way to ENABLED. */
const UNDERWAY: ReadonlySet<Outcome> = new Set([
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'PENDING_VERIFICATION',
]);

/**
 * The failures a pair carried without their ids (too many to carry, FailedGroup): its memberships
 * GetMembers shows are not members and nothing recorded explains, when there are as many.
 */
function unlistedFailures(
  administrator: CheckOnboardingInput['administrator'],
  observed: readonly Membership[],
  recorded: readonly Membership[],
  lastRound: boolean,
): Membership[] {
  const explained = new Set(
    recorded.map(({ accountId, region, service }) => membershipKey(accountId, region, service)),
  );
  return administrator.flatMap(({ region, service, failed }) => {
    if (failed.every(({ accountIds }) => accountIds !== undefined)) return [];
    const unexplained = observed.filter(
      (membership) =>
        membership.region === region &&
        membership.service === service &&
        membership.outcome === 'NOT_A_MEMBER' &&
        !explained.has(membershipKey(membership.accountId, region, service)),
    );
    const explanation = explainNotMembers(failed, unexplained.length, lastRound);
    return explanation === undefined
      ? []
      : unexplained.map(({ accountId }) => ({ accountId, region, service, ...explanation }));
  });
}

/**
 * Reads every requested membership from the services (GetMembers), not from what earlier steps
 * believed, and decides the report: counts per outcome, every membership that is not ENABLED
 * with its reason, and whether waiting longer can still change something.
 */
export async function checkOnboarding(
  input: CheckOnboardingInput,
  deps: CheckOnboardingDeps,
): Promise<OnboardingReport> {
  const pairs: LocatedPair[] =
    input.pairs ?? input.regions.flatMap((region) => input.services.map((service) => ({ region, service })));
  const observed = (
    await Promise.all(
      pairs.map(async ({ region, service, enabled, graphArn, offered }) => {
        // Pairs start a turn of the event loop apart, so each sends its first calls before the next
        // is set up; started together they would all wait for the last, and their second second's
        // calls would come due, and answer, all at once.
        await nextTurn();
        return memberships(
          await checkMembers(
            {
              region,
              service,
              accounts: input.accounts,
              ...(enabled === undefined
                ? {}
                : {
                    located: {
                      enabled,
                      ...(graphArn === undefined ? {} : { graphArn }),
                      ...(offered === undefined ? {} : { offered }),
                    },
                  }),
            },
            { adapter: deps.adapters(service, region) },
          ),
          input.round >= input.maxRounds,
        );
      }),
    )
  ).flat();
  const skipped = pairs.flatMap(({ region, service }) =>
    input.skipped.map(({ accountId, outcome, reason }) => ({ accountId, region, service, outcome, reason })),
  );
  const accountIds = input.accounts.map(({ accountId }) => accountId);
  // What the create step could not do is moot for a membership GetMembers shows on its way: Detective
  // leaves an existing member unprocessed, with a text AWS does not publish (docs/aws-facts.md,
  // Amazon Detective, "Unprocessed-account texts").
  const underway = new Set(
    observed
      .filter(({ outcome }) => UNDERWAY.has(outcome))
      .map(({ accountId, region, service }) => membershipKey(accountId, region, service)),
  );
  const recorded = [
    ...input.administrator.flatMap(({ region, service, failed, crashed }) => [
      ...(crashed === undefined
        ? []
        : crashedMemberships('administrator', crashed, accountIds, [{ region, service }])),
      ...failed.flatMap(({ accountIds: ids = [], outcome, reason }) =>
        ids
          .filter((accountId) => !underway.has(membershipKey(accountId, region, service)))
          .map((accountId) => ({ accountId, region, service, outcome, reason })),
      ),
    ]),
    ...expandGroups(input.recorded),
    ...expandGroups(input.invited.unfinished),
    ...(input.invited.crashed === undefined
      ? []
      : crashedInvitations(input.invited.crashed, input.invited.groups ?? [])),
    ...expandGroups(
      input.member.flatMap(({ unfinished }) =>
        unfinished.map((group) => ({ ...group, pairs: group.pairs ?? pairs })),
      ),
    ),
    ...input.member.flatMap(({ crashed, accountIds: batch }) =>
      crashed === undefined ? [] : crashedMemberships('member', crashed, batch ?? [], pairs),
    ),
  ];
  const all = [...observed, ...skipped];
  recorded.push(...unlistedFailures(input.administrator, observed, recorded, input.round >= input.maxRounds));
  const decision = decideReport(all, recorded, input);
  return { ...decision, round: input.round, total: all.length, cause: describeReport(decision, all.length) };
}

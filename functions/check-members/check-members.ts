import * as z from 'zod/mini';
import { nextTurn } from '#shared/concurrency.ts';
import {
  type CheckOnboardingInput,
  type Crash,
  type LocatedPair,
  type OnboardingReport,
  outcomeGroupSchema,
  type Pair,
  type ReportFiles,
} from '#shared/contracts.ts';
import { explainNotMembers } from '#shared/domain/failures.ts';
import { membershipKey } from '#shared/domain/keys.ts';
import { type ObservedStatus, PENDING_OUTCOMES, SETTLED_OUTCOMES } from '#shared/domain/outcomes.ts';
import { generalizeReason } from '#shared/domain/reasons.ts';
import {
  decideReport,
  describeReport,
  expandGroups,
  explainByOtherService,
  finalMemberships,
  type Membership,
  type Note,
  type OutcomeGroup,
  PAST_CREATE,
  PAST_INVITATION,
  summarizeGroups,
} from '#shared/domain/report.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import { clipText } from '#shared/domain/text.ts';
import { beginStep, statusOf } from '#shared/engine.ts';
import { type ReportRow, reportRows, toJsonLines } from '#shared/report/files.ts';
import { executionPrefix, type ReportStore, readParsed } from '#shared/report/store.ts';
import type { MembershipReader } from '#shared/services/administrator.ts';
import { MAX_MEMBER_BATCH_SIZE, MAX_MEMBER_BATCHES } from '../accept-invitations/contract.ts';

export interface CheckMembersDeps {
  adapters: (service: ServiceName, region: string) => MembershipReader;
  /** The report bucket: what grows with the organization is kept there, not in the state. */
  store: ReportStore;
  /** A prefix for a check invoked without an execution id. */
  uniqueId: () => string;
}

/** The groups an earlier step wrote to the report bucket. */
function readGroups(store: ReportStore, key: string): Promise<OutcomeGroup[]> {
  return readParsed(store, key, z.array(outcomeGroupSchema));
}

/**
 * Bytes of JSON the next round's invitations may take in the state. Above it (Security Hub members
 * Created in different Regions for different accounts, up to 1,000 ids × 17 Regions) they go to
 * the report bucket and the invite step reads them there.
 */
export const INVITATIONS_INLINE_BYTES = 16 * 1024;

/**
 * Accounts per member-side batch for `pending` accounts: the configured size, or more when that
 * would make more than MAX_MEMBER_BATCHES batches, so a round's history events stay bounded
 * (docs/benchmark.md, "History events").
 */
export function memberBatchSize(pending: number, configured: number): number {
  return Math.min(MAX_MEMBER_BATCH_SIZE, Math.max(configured, Math.ceil(pending / MAX_MEMBER_BATCHES)));
}

/**
 * Why the last check finds a membership not a member with nothing recorded to explain it: no round
 * was left to create it again (a round is, whenever one remains: decideReport).
 */
export const NOT_A_MEMBER_AT_LAST_CHECK =
  'not a member of the administrator at the last check, with no round left to create it again; the next run creates it';

/** A membership as GetMembers showed it: pending ones say what they wait for, others why they are not ENABLED. */
function readMembership(
  accountId: string,
  pair: Pair,
  status: ObservedStatus,
  lastRound: boolean,
): Membership {
  const { region, service } = pair;
  const membership = { accountId, region, service, outcome: status.outcome };
  if (PENDING_OUTCOMES.has(status.outcome)) return { ...membership, reason: `still ${status.outcome}` };
  if (SETTLED_OUTCOMES.has(status.outcome)) return membership;
  if (status.outcome === 'NOT_A_MEMBER' && status.reason === undefined && lastRound)
    return { ...membership, reason: NOT_A_MEMBER_AT_LAST_CHECK };
  const reason = status.reason ?? `the membership is ${status.outcome}`;
  return { ...membership, reason: generalizeReason(reason, accountId, region) };
}

/**
 * Reads each account's membership in one pair (GetMembers, 50 at a time). A status that could not
 * be read (throttled or 5xx after the SDK's retries) counts as pending, so the next round reads it
 * again; only on the last round is it reported FAILED.
 */
export async function checkPair(
  pair: LocatedPair,
  accounts: CheckOnboardingInput['accounts'],
  adapter: MembershipReader,
  lastRound: boolean,
): Promise<Membership[]> {
  const { region, service, enabled, home, offered } = pair;
  const located =
    enabled === undefined
      ? {}
      : {
          located: {
            enabled,
            ...(home === undefined ? {} : { home }),
            ...(offered === undefined ? {} : { offered }),
          },
        };
  const { results, target, observed } = await beginStep({ region, service, accounts, ...located }, adapter);
  const read: Membership[] = [];
  if (target !== undefined) {
    for (const { accountId } of results.unsettled) {
      results.settle(accountId);
      read.push(readMembership(accountId, pair, statusOf(observed, accountId), lastRound));
    }
  }
  // What is left in the results is what could not be read or located.
  const { retry, failed } = results.output();
  return [
    ...read,
    ...retry.map(({ accountId, reason }) => ({
      accountId,
      region,
      service,
      outcome: lastRound ? ('FAILED' as const) : ('PENDING_ACCEPTANCE' as const),
      reason: `could not read the membership status: ${reason}`,
    })),
    ...failed.map(({ accountId, outcome, reason }) => ({ accountId, region, service, outcome, reason })),
  ];
}

/** Why a step that failed after its retries left its memberships where they are. */
function crashReason(step: string, crash: Crash): string {
  // The state machine keeps only the error's name: a cause can be a long stack trace, and no
  // intrinsic function can clip it (docs/aws-facts.md, Step Functions).
  const cause =
    crash.Cause === undefined ? "; the execution's history has its cause" : `: ${clipText(crash.Cause, 300)}`;
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
 * The invitations and creations of an invite step that failed after its retries: its error, as the
 * reason of what GetMembers still shows not done (Created, not a member, Removed), which the next
 * round invites or creates again while rounds remain. A read that shows the invitation went out
 * is the final word (decideOutcome).
 */
function crashedInvitations(crash: Crash, groups: readonly OutcomeGroup[]): Note[] {
  const reason = crashReason('invite', crash);
  return [...expandGroups(groups)].map((membership) => ({
    ...membership,
    // Pending, so it never hides what an earlier step established (latestRecords); the read gives the outcome.
    outcome: 'PENDING_INVITATION' as const,
    reason,
    overruledBy: PAST_INVITATION,
    provisional: true,
  }));
}

/**
 * What the invite step could not do (AWS's refusal, not invited yet): moot once the invitation went
 * out. A not-member it could not create again yet (AWS said try again) is the only note it leaves as
 * NOT_A_MEMBER (a refusal is FAILED): it lends its reason and the next round creates it again.
 */
function unfinishedInvitations(groups: readonly OutcomeGroup[]): Note[] {
  return [...expandGroups(groups)].map((membership) => ({
    ...membership,
    overruledBy: PAST_INVITATION,
    ...(membership.outcome === 'NOT_A_MEMBER' ? { provisional: true } : {}),
  }));
}

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

/** Why the first check did not read a membership: the create step's own calls invited it. */
export const INVITED_BY_CREATE =
  'invited by the create step (its calls answered so); waiting for the acceptance';

/**
 * The accounts of a pair the first check need not read: the create step says it invited every
 * account it did not fail (`allInvited`), or every one of the plan's accounts outside the
 * organization it did not fail (`invitedListed`), and the failures name their accounts (those are
 * read). Anything less certain (a crash, failures too many to name, an account that was a member
 * already) is read.
 */
function invitedByCreate(input: CheckOnboardingInput, pair: Pair): ReadonlySet<string> {
  const step = input.administrator.find(
    ({ region, service }) => region === pair.region && service === pair.service,
  );
  if (step === undefined || step.crashed !== undefined) return new Set();
  if (step.failed.some(({ accountIds }) => accountIds === undefined)) return new Set();
  const listed = new Set(
    step.allInvited === true || step.invitedListed !== true ? [] : input.invitedAccountIds,
  );
  if (step.allInvited !== true && listed.size === 0) return new Set();
  const failed = new Set(step.failed.flatMap(({ accountIds = [] }) => accountIds));
  return new Set(
    input.accounts
      .map(({ accountId }) => accountId)
      .filter((id) => (step.allInvited === true || listed.has(id)) && !failed.has(id)),
  );
}

/**
 * The memberships an earlier round settled (its carried file, in the report bucket under a key of
 * that round), by membership: waiting cannot change them, so this round takes them as they are.
 */
async function settledEarlier(input: CheckOnboardingInput, store: ReportStore): Promise<Membership[]> {
  return input.recordedKey == null ? [] : [...expandGroups(await readGroups(store, input.recordedKey))];
}

/**
 * Reads the requested memberships that can still change from the services (GetMembers), not from
 * what earlier steps believed, and decides the report: counts per outcome, every membership that is
 * not ENABLED with its reason, and whether waiting longer can still change something. Each
 * membership is read at most once a round: the first round leaves out what the create step's own
 * calls invited, later rounds what an earlier one settled (ENABLED, or failed for good).
 */
export async function checkMembers(
  input: CheckOnboardingInput,
  deps: CheckMembersDeps,
): Promise<OnboardingReport> {
  const pairs: LocatedPair[] =
    input.pairs ?? input.regions.flatMap((region) => input.services.map((service) => ({ region, service })));
  const earlierRounds = await settledEarlier(input, deps.store);
  const settled = new Map(earlierRounds.map((m) => [membershipKey(m.accountId, m.region, m.service), m]));
  const perPair = await Promise.all(
    pairs.map(async (pair) => {
      // Pairs start a turn of the event loop apart, so each sends its first calls before the next
      // is set up; started together they would all wait for the last, and their second second's
      // calls would come due, and answer, all at once.
      await nextTurn();
      const invited = input.round === 0 ? invitedByCreate(input, pair) : new Set<string>();
      const earlier: Membership[] = [];
      const toRead = input.accounts.filter(({ accountId }) => {
        if (invited.has(accountId)) return false;
        const membership = settled.get(membershipKey(accountId, pair.region, pair.service));
        if (membership === undefined) return true;
        earlier.push(membership);
        return false;
      });
      const read = await checkPair(
        pair,
        toRead,
        deps.adapters(pair.service, pair.region),
        input.round >= input.maxRounds,
      );
      const byCreate = [...invited].map(
        (accountId): Membership => ({
          accountId,
          region: pair.region,
          service: pair.service,
          outcome: 'PENDING_ACCEPTANCE',
          reason: INVITED_BY_CREATE,
        }),
      );
      return { read: [...read, ...byCreate], earlier };
    }),
  );
  const earlier = perPair.flatMap((pair) => pair.earlier);
  const observed = [
    ...explainByOtherService(
      perPair.flatMap(({ read }) => read),
      earlier,
    ),
    ...earlier,
  ];
  const skipped = pairs.flatMap(({ region, service }) =>
    input.skipped.map(({ accountId, outcome, reason }) => ({ accountId, region, service, outcome, reason })),
  );
  const accountIds = input.accounts.map(({ accountId }) => accountId);
  // What the create step could not do is moot for a membership GetMembers shows on its way
  // (PAST_CREATE): left out rather than overruled, so it cannot hide a later step's note (latestRecords).
  const underway = new Set(
    observed
      .filter(({ outcome }) => PAST_CREATE.has(outcome))
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
    ...earlierRounds,
    ...unfinishedInvitations(input.invited.unfinished),
    ...(input.invited.crashed === undefined
      ? []
      : crashedInvitations(input.invited.crashed, [
          ...(input.invited.groups ?? []),
          ...(input.invited.groupsKey == null ? [] : await readGroups(deps.store, input.invited.groupsKey)),
        ])),
    ...expandGroups(
      input.member.flatMap(({ unfinished }) =>
        unfinished.map((group) => ({ ...group, pairs: group.pairs ?? pairs })),
      ),
    ),
    ...(
      await Promise.all(
        input.member.map(async ({ unfinishedKey }) =>
          unfinishedKey == null ? [] : [...expandGroups(await readGroups(deps.store, unfinishedKey))],
        ),
      )
    ).flat(),
    ...input.member.flatMap(({ crashed, accountIds: batch }) =>
      crashed === undefined ? [] : crashedMemberships('member', crashed, batch ?? [], pairs),
    ),
  ];
  const all = [...observed, ...skipped];
  recorded.push(...unlistedFailures(input.administrator, observed, recorded, input.round >= input.maxRounds));
  const earlierAgain =
    input.createdAgainKey == null ? [] : await readGroups(deps.store, input.createdAgainKey);
  const newlyAgain =
    input.invited.createdAgainKey == null ? [] : await readGroups(deps.store, input.invited.createdAgainKey);
  const createdAgain = [...earlierAgain, ...newlyAgain];
  const tried = [...expandGroups(createdAgain)];
  const decision = decideReport(all, recorded, input, tried);
  const { notEnabled, carried, invitations, ...rest } = decision;
  const prefix = executionPrefix(input.executionId, deps.uniqueId);
  const carriedKey = `${prefix}/round-${input.round}/carried.json`;
  await deps.store.put(carriedKey, JSON.stringify(carried), 'application/json');
  let invitationsKey: string | null = null;
  if (Buffer.byteLength(JSON.stringify(invitations)) > INVITATIONS_INLINE_BYTES) {
    invitationsKey = `${prefix}/round-${input.round}/invitations.json`;
    await deps.store.put(invitationsKey, JSON.stringify(invitations), 'application/json');
  }
  // Every membership created again so far travels on, so no later round creates it again from the same outcome.
  let createdAgainKey = input.createdAgainKey ?? null;
  if (newlyAgain.length > 0) {
    createdAgainKey = `${prefix}/round-${input.round}/created-again.json`;
    await deps.store.put(createdAgainKey, JSON.stringify(createdAgain), 'application/json');
  }
  const summary = summarizeGroups(notEnabled);
  const rows = decision.keepPolling ? undefined : reportRows(finalMemberships(all, recorded, tried));
  const files = rows === undefined ? undefined : await writeReportFile(deps.store, prefix, rows);
  const where = files === undefined ? '' : `\nEvery membership: s3://${files.bucket}/${files.jsonl}`;
  return {
    ...rest,
    round: input.round,
    total: all.length,
    cause: `${describeReport(decision, all.length)}${where}`,
    notEnabled: summary.groups,
    notEnabledComplete: summary.complete,
    omitted: summary.omitted,
    carriedKey,
    ...(files === undefined ? {} : { files }),
    memberBatchSize: memberBatchSize(decision.pendingAccountIds.length, input.memberBatchSize),
    invitations: invitationsKey === null ? invitations : [],
    invitationsKey,
    createdAgainKey,
  };
}

/**
 * The batch's report file: every requested membership once, with its final outcome and reason, as
 * JSON Lines. Written when the run ends, so the file is its final word. A batch runs only as a child
 * execution, whose report only Merge Reports reads (JSON Lines): the CSV a person reads is the parent's.
 */
async function writeReportFile(
  store: ReportStore,
  prefix: string,
  rows: readonly ReportRow[],
): Promise<ReportFiles> {
  const files = { bucket: store.bucket, jsonl: `${prefix}/report.jsonl` };
  await store.put(files.jsonl, toJsonLines(rows), 'application/x-ndjson');
  return files;
}

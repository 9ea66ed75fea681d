import { membershipKey } from './keys.ts';
import { type Outcome, PENDING_OUTCOMES, SETTLED_OUTCOMES } from './outcomes.ts';
import { nextAction } from './reconcile.ts';
import { INVITES_SEPARATELY, SERVICE_RULES, type ServiceName } from './services.ts';
import { clipText } from './text.ts';

/** One Region and service: where a membership lives. */
export interface Pair {
  region: string;
  service: ServiceName;
}

/**
 * Memberships that share an outcome, a reason and their accounts, in one or more Regions and
 * services. Merging across pairs keeps reports small: 1,000 accounts pending the same way in
 * 17 Regions × 2 services are one group of 1,000 ids, not 34.
 */
export interface OutcomeGroup {
  outcome: Outcome;
  reason?: string;
  pairs: Pair[];
  accountIds: string[];
}

export interface Membership {
  accountId: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  reason?: string;
}

/** Groups memberships by outcome, reason and set of accounts, merging the pairs they share; first-seen order. */
export function groupMemberships(memberships: Iterable<Membership>): OutcomeGroup[] {
  const perPair = new Map<string, { pair: Pair; outcome: Outcome; reason?: string; accountIds: string[] }>();
  for (const { accountId, region, service, outcome, reason } of memberships) {
    const id = JSON.stringify([region, service, outcome, reason ?? null]);
    let group = perPair.get(id);
    if (group === undefined) {
      group = {
        pair: { region, service },
        outcome,
        ...(reason === undefined ? {} : { reason }),
        accountIds: [],
      };
      perPair.set(id, group);
    }
    group.accountIds.push(accountId);
  }
  const merged = new Map<string, OutcomeGroup>();
  for (const { pair, outcome, reason, accountIds } of perPair.values()) {
    // The same accounts in any order: steps answer in their own order.
    const id = JSON.stringify([outcome, reason ?? null, [...accountIds].sort()]);
    const group = merged.get(id);
    if (group === undefined) {
      merged.set(id, { outcome, ...(reason === undefined ? {} : { reason }), pairs: [pair], accountIds });
    } else group.pairs.push(pair);
  }
  return [...merged.values()];
}

export function* expandGroups(groups: readonly OutcomeGroup[]): Generator<Membership> {
  for (const { pairs, accountIds, outcome, reason } of groups) {
    for (const { region, service } of pairs) {
      for (const accountId of accountIds) {
        yield { accountId, region, service, outcome, ...(reason === undefined ? {} : { reason }) };
      }
    }
  }
}

/** "securityhub, detective in us-east-1, eu-west-1", or per service when their Regions differ. */
export function describePairs(pairs: readonly Pair[]): string {
  const byService = new Map<string, string[]>();
  for (const { region, service } of pairs)
    byService.set(service, [...(byService.get(service) ?? []), region]);
  const lists = [...byService].map(([service, regions]) => ({ service, regions: regions.join(', ') }));
  if (lists.every(({ regions }) => regions === lists[0]?.regions)) {
    return `${lists.map(({ service }) => service).join(', ')} in ${lists[0]?.regions ?? ''}`;
  }
  return lists.map(({ service, regions }) => `${service} in ${regions}`).join('; ');
}

/**
 * Observed statuses that say more than anything recorded earlier: a working membership, or a
 * verdict the administrator's own view gives (service off there, verification failed, suspended,
 * volume too high).
 */
const OBSERVATION_WINS: ReadonlySet<Outcome> = new Set([
  'ENABLED',
  // Detective's email check outranks a member-side record (a disabled Region): only it reads the same whenever asked.
  'PENDING_VERIFICATION',
  'SERVICE_NOT_ENABLED',
  'VERIFICATION_FAILED',
  'ACCEPTED_BUT_DISABLED',
  'ACCOUNT_SUSPENDED',
]);

/**
 * What an earlier step of the round recorded of a membership: an outcome and why. It explains what
 * GetMembers shows, unless the read shows the membership got past what that step was to do
 * (`overruledBy`) or gives a verdict of its own (OBSERVATION_WINS).
 */
export interface Note extends Membership {
  /** Reads that show the step's part done after all: the read is the final word then. */
  overruledBy?: ReadonlySet<Outcome>;
  /**
   * Set when the note only says why an attempt the next round makes again did not happen (a crashed
   * invite step): the read keeps its outcome, with this reason, and is acted on while rounds remain.
   */
  provisional?: boolean;
}

/** Reads that show an invitation went out: an invite step's note of it is moot. */
export const PAST_INVITATION: ReadonlySet<Outcome> = new Set(['PENDING_ACCEPTANCE', 'PENDING_VERIFICATION']);

/**
 * Reads that show a membership exists and is on its way: a create step's failure for it is moot
 * (Detective leaves an existing member unprocessed, with a text AWS does not publish:
 * docs/aws-facts.md, Amazon Detective, "Unprocessed-account texts").
 */
export const PAST_CREATE: ReadonlySet<Outcome> = new Set([
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'PENDING_VERIFICATION',
]);

/** Whether a note decides a membership's outcome rather than the read (decideOutcome). */
function decides(observed: Membership, note: Note | undefined): note is Note {
  return (
    note !== undefined &&
    !OBSERVATION_WINS.has(observed.outcome) &&
    note.overruledBy?.has(observed.outcome) !== true
  );
}

/** Whether a note explains a read for good: the membership is neither looked at again nor created again for it. */
function settles(observed: Membership, note: Note | undefined): boolean {
  return decides(observed, note) && note.provisional !== true;
}

/**
 * The final word on one membership. GetMembers is the truth for what it can see; what earlier
 * steps recorded (a member-side CONFLICT, a missing role, a disabled Region, AWS's text for a
 * failed create) explains a membership that GetMembers only shows as not yet enabled. A read that
 * shows the step's part done after all (an invitation gone out, though the invite step crashed) is
 * the final word; a provisional note lends the read only its reason.
 */
export function decideOutcome(observed: Membership, recorded: Note | undefined): Membership {
  if (!decides(observed, recorded)) return observed;
  const { accountId, region, service, outcome, reason } =
    recorded.provisional === true ? { ...observed, reason: recorded.reason } : recorded;
  return { accountId, region, service, outcome, ...(reason === undefined ? {} : { reason }) };
}

export type ReportStatus = 'SUCCEEDED' | 'NEEDS_ATTENTION' | 'PENDING';

export interface ReportDecision {
  status: ReportStatus;
  keepPolling: boolean;
  counts: Partial<Record<Outcome, number>>;
  notEnabled: OutcomeGroup[];
  /**
   * What the next round takes as it is: every membership waiting cannot change (ENABLED ones too),
   * so that round reads only the rest. Pending ones are read again, so their old records need not
   * travel.
   */
  carried: OutcomeGroup[];
  pendingAccountIds: string[];
  /**
   * Memberships the next round invites (Security Hub, GuardDuty: Created, Removed, Resigned) or creates
   * again (any service: not a member, unexplained, not created again yet); empty on the last round.
   */
  invitations: OutcomeGroup[];
}

/** Whether the administrator must invite this membership before the member can accept. */
export function needsInvitation({ service, outcome }: Membership): boolean {
  return INVITES_SEPARATELY.has(service) && nextAction(outcome) === 'invite';
}

/**
 * Whether the next round creates this membership again (Invite Members reads it first, then calls
 * CreateMembers): GetMembers does not show it, nothing recorded explains it (a failed create keeps its
 * own reason), and it was not created again earlier in the run. Every service: its CreateMembers makes
 * a new member, or answers one that exists as such (docs/aws-facts.md, "Creating a member again in
 * the same run").
 */
export function needsCreation(observed: Membership, explained: boolean, createdAgain: boolean): boolean {
  return observed.outcome === 'NOT_A_MEMBER' && !explained && !createdAgain;
}

/**
 * Whether waiting (and the next round's invitations, creations and acceptances) can still change a
 * final outcome. A membership GetMembers does not show, with nothing recorded to explain it, is
 * looked at again while rounds remain: a read can lag the create that preceded it, and the next
 * round creates it again (needsCreation).
 */
function canStillChange(final: Membership, explained: boolean, lastRound: boolean): boolean {
  if (PENDING_OUTCOMES.has(final.outcome)) return true;
  if (lastRound) return false;
  return needsInvitation(final) || (final.outcome === 'NOT_A_MEMBER' && !explained);
}

/** A membership created again in the run, with the outcome it was created again from. */
const againKey = (membership: Membership, outcome: Outcome) =>
  `${membershipKey(membership.accountId, membership.region, membership.service)} ${outcome}`;

/** The memberships created again earlier in the run, by membership and the outcome each was created from. */
function createdAgainIndex(createdAgain: Iterable<Membership>): Map<string, Membership> {
  const index = new Map<string, Membership>();
  for (const membership of createdAgain) index.set(againKey(membership, membership.outcome), membership);
  return index;
}

/** Each membership's record that counts: the latest, unless it only says "not yet" of a settled one. */
function latestRecords(recorded: Iterable<Note>): Map<string, Note> {
  const records = new Map<string, Note>();
  for (const record of recorded) {
    const id = membershipKey(record.accountId, record.region, record.service);
    const earlier = records.get(id);
    // A member-side "not yet" must not hide what the administrator side already established.
    if (
      earlier !== undefined &&
      PENDING_OUTCOMES.has(record.outcome) &&
      !PENDING_OUTCOMES.has(earlier.outcome)
    )
      continue;
    records.set(id, record);
  }
  return records;
}

/**
 * A membership read as it was when the run created it again (decideReport's `createdAgain`): that
 * creation's record, whose reason says what was tried and what AWS answered.
 */
function triedAgain(again: ReadonlyMap<string, Membership>, membership: Membership): Membership | undefined {
  return again.size === 0 ? undefined : again.get(againKey(membership, membership.outcome));
}

/** Every observed membership with its final outcome, as decideReport decides it: one each, in order. */
export function* finalMemberships(
  observed: readonly Membership[],
  recorded: Iterable<Note>,
  createdAgain: Iterable<Membership> = [],
): Generator<Membership> {
  const records = latestRecords(recorded);
  const again = createdAgainIndex(createdAgain);
  for (const membership of observed)
    yield triedAgain(again, membership) ?? decideOutcome(membership, recordOf(records, membership));
}

/** The record of a membership, if any; without records, no key is built for each of thousands. */
function recordOf(records: ReadonlyMap<string, Note>, membership: Membership): Note | undefined {
  return records.size === 0
    ? undefined
    : records.get(membershipKey(membership.accountId, membership.region, membership.service));
}

/**
 * Merges observed and recorded outcomes (records in order, the latest wins) into the report.
 * Polling goes on while something can still change by itself and rounds remain. `createdAgain` are
 * the memberships Invite Members created again earlier in the run, each with the outcome it was
 * created from: one read so again is settled with its reason, never created again.
 */
export function decideReport(
  observed: readonly Membership[],
  recorded: Iterable<Note>,
  rounds: { round: number; maxRounds: number },
  createdAgain: Iterable<Membership> = [],
): ReportDecision {
  const records = latestRecords(recorded);
  const again = createdAgainIndex(createdAgain);
  const lastRound = rounds.round >= rounds.maxRounds;
  const counts: Partial<Record<Outcome, number>> = {};
  const notEnabled: Membership[] = [];
  const settled: Membership[] = [];
  const pending = new Set<string>();
  const toInvite: Membership[] = [];
  for (const membership of observed) {
    const record = recordOf(records, membership);
    // Found again as it was when the run created it again: created once is the bound, and the
    // reason says what was tried and what AWS answered.
    const tried = triedAgain(again, membership);
    const final = tried ?? decideOutcome(membership, record);
    const explained = settles(membership, record);
    const changing = tried === undefined && canStillChange(final, explained, lastRound);
    counts[final.outcome] = (counts[final.outcome] ?? 0) + 1;
    if (final.outcome !== 'ENABLED') notEnabled.push(final);
    if (!changing) settled.push(final);
    if (changing) pending.add(final.accountId);
    // What GetMembers shows decides an invitation, whatever a later step recorded of it (a member
    // role still missing, say): a membership still Created is invited, one already Invited is not.
    if (
      changing &&
      (needsInvitation(membership) ||
        needsCreation(
          membership,
          explained,
          again.size > 0 && again.has(againKey(membership, 'NOT_A_MEMBER')),
        ))
    )
      toInvite.push(final);
  }
  const keepPolling = pending.size > 0 && !lastRound;
  const succeeded = notEnabled.every(({ outcome }) => SETTLED_OUTCOMES.has(outcome));
  return {
    status: keepPolling ? 'PENDING' : succeeded ? 'SUCCEEDED' : 'NEEDS_ATTENTION',
    keepPolling,
    counts,
    notEnabled: groupMemberships(notEnabled),
    // In the report bucket (carriedKey): the next round reads only what is not here.
    carried: groupMemberships(settled),
    pendingAccountIds: [...pending],
    invitations: keepPolling ? groupMemberships(toInvite) : [],
  };
}

/** The Cause is part of the report the state carries: a few lines, not 32,768 characters. */
const CAUSE_LENGTH = 8_000;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A few lines for a Fail state's Cause (at most 32,768 characters there). */
export function describeReport(decision: ReportDecision, total: number, limit = 20): string {
  const counts = Object.entries(decision.counts)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  const attention = decision.notEnabled.filter(({ outcome }) => !SETTLED_OUTCOMES.has(outcome));
  const lines = attention
    .slice(0, limit)
    .map(
      ({ pairs, outcome, reason, accountIds }) =>
        `${outcome} ${describePairs(pairs)} (${plural(accountIds.length, 'account')}): ${accountIds.slice(0, 5).join(', ')}${accountIds.length > 5 ? ', …' : ''}${reason ? ` — ${clipText(reason, SUMMARY_LIMITS.reasonLength)}` : ''}`,
    );
  const more = attention.length > limit ? [`… and ${attention.length - limit} more groups`] : [];
  // A group's accounts are in every one of its pairs: memberships are accounts × pairs.
  const needing = attention.reduce((sum, { accountIds, pairs }) => sum + accountIds.length * pairs.length, 0);
  return [`${needing} of ${total} memberships need attention (${counts})`, ...lines, ...more]
    .join('\n')
    .slice(0, CAUSE_LENGTH);
}

/**
 * What the state may carry of a report's groups. The full report is a file (report/files.ts);
 * the state gets as many groups as fit in `bytes` of JSON, each with at most `ids` account ids
 * and its reason clipped, so a report's size never grows with the number of distinct failures.
 */
export const SUMMARY_LIMITS = { bytes: 16 * 1024, ids: 20, reasonLength: 300 };

export interface GroupSummary {
  /** The first groups, clipped: a group with more accounts than it lists says how many in `accountCount`. */
  groups: (OutcomeGroup & { accountCount?: number })[];
  /** Whether `groups` lists every membership, ids and reasons whole. */
  complete: boolean;
  /** Groups and memberships left out of `groups` (a clipped group's unlisted accounts count). */
  omitted: { groups: number; memberships: number };
}

/** The groups that fit the state, in order, with what was left out counted. */
export function summarizeGroups(groups: readonly OutcomeGroup[], limits = SUMMARY_LIMITS): GroupSummary {
  const shown: GroupSummary['groups'] = [];
  let bytes = 2;
  let omittedGroups = 0;
  let omittedMemberships = 0;
  for (const group of groups) {
    const { outcome, reason, pairs, accountIds } = group;
    const clipped = {
      outcome,
      ...(reason === undefined ? {} : { reason: clipText(reason, limits.reasonLength) }),
      pairs,
      accountIds: accountIds.slice(0, limits.ids),
      ...(accountIds.length > limits.ids ? { accountCount: accountIds.length } : {}),
    };
    const size = Buffer.byteLength(JSON.stringify(clipped)) + 1;
    if (bytes + size > limits.bytes) {
      omittedGroups += 1;
      omittedMemberships += accountIds.length * pairs.length;
      continue;
    }
    bytes += size;
    shown.push(clipped);
    omittedMemberships += (accountIds.length - clipped.accountIds.length) * pairs.length;
  }
  const complete =
    omittedGroups === 0 &&
    omittedMemberships === 0 &&
    shown.every(({ reason }, index) => reason === groups[index]?.reason);
  return { groups: shown, complete, omitted: { groups: omittedGroups, memberships: omittedMemberships } };
}

/**
 * Adds to a membership whose service's rule says another service explains it (Detective's
 * VOLUME_UNKNOWN) that account's membership of the other service in the same Region, when this
 * run onboards it too: the report then points at the cause rather than only guessing it. `others`
 * may explain them but are not explained again (an earlier round's memberships, explained then).
 */
export function explainByOtherService(
  memberships: readonly Membership[],
  others: readonly Membership[] = [],
): Membership[] {
  const explained = (membership: Membership) => {
    const rule = SERVICE_RULES[membership.service].explainedBy;
    return rule !== undefined &&
      membership.outcome === rule.outcome &&
      (membership.reason ?? '').startsWith(rule.reasonStartsWith)
      ? rule
      : undefined;
  };
  // Usually none is: then no key is built for each of thousands of memberships.
  if (!memberships.some((membership) => explained(membership) !== undefined)) return [...memberships];
  const byKey = new Map(
    [...others, ...memberships].map((m) => [membershipKey(m.accountId, m.region, m.service), m]),
  );
  return memberships.map((membership) => {
    const rule = explained(membership);
    if (rule === undefined) return membership;
    const other = byKey.get(membershipKey(membership.accountId, membership.region, rule.service));
    if (other === undefined) return membership;
    const { label } = SERVICE_RULES[rule.service];
    return {
      ...membership,
      reason: `${membership.reason}; this account's ${label} membership in this Region is ${other.outcome}${
        other.outcome === 'ENABLED' ? '' : `: onboard ${label} there first`
      }`,
    };
  });
}

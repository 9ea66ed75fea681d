import type { Outcome } from './outcomes.ts';
import { clipText } from './text.ts';

/** One account a step could not make a member, and why. */
export interface FailedEntry {
  accountId: string;
  outcome: Outcome;
  reason: string;
}

/**
 * Failures of one Region and service that share an outcome and a reason. `accountIds` is left out
 * when there are too many to carry: the check then finds them as the accounts GetMembers shows are
 * not members and nothing else explains (explainNotMembers).
 */
export interface FailedGroup {
  outcome: Outcome;
  reason: string;
  count: number;
  accountIds?: string[];
}

/**
 * What one pair's failures may take in the state. Each pair of the Map carries its own, and 34
 * pairs share the 256 KiB with the plan: 60 ids (0.9 KB), four reasons of 300 characters and, per
 * other outcome, one "other reasons" group of 120 keep a pair under 3.5 KB however many of its
 * 1,500 accounts fail.
 */
export const FAILURE_LIMITS = { ids: 60, groups: 4, reasonLength: 300, otherReasonsLength: 120 };

const keyOf = ({ outcome, reason }: { outcome: Outcome; reason: string }) =>
  JSON.stringify([outcome, reason]);

/**
 * Merges a pair's carried failure groups with new failures, then fits them into `limits`: past
 * `limits.groups` groups, the smallest of one outcome merge; the smallest groups keep their ids
 * while the id budget lasts. Counts are never lost, outcomes never mixed.
 */
export function groupFailures(
  carried: readonly FailedGroup[],
  entries: readonly FailedEntry[],
  limits = FAILURE_LIMITS,
): FailedGroup[] {
  const groups = new Map<string, FailedGroup>();
  const add = (group: FailedGroup) => {
    const key = keyOf(group);
    const same = groups.get(key);
    if (same === undefined) {
      groups.set(key, {
        ...group,
        ...(group.accountIds === undefined ? {} : { accountIds: [...group.accountIds] }),
      });
      return;
    }
    same.count += group.count;
    if (same.accountIds !== undefined && group.accountIds !== undefined)
      same.accountIds.push(...group.accountIds);
    else delete same.accountIds;
  };
  for (const group of carried) add(group);
  for (const { accountId, outcome, reason } of entries) {
    add({ outcome, reason: clipText(reason, limits.reasonLength), count: 1, accountIds: [accountId] });
  }

  // Merging within an outcome only: a skip is never reported as a failure.
  const list = [...groups.values()];
  const order = new Map(list.map((group, index) => [group, index]));
  const byOutcome = new Map<Outcome, FailedGroup[]>();
  for (const group of list) byOutcome.set(group.outcome, [...(byOutcome.get(group.outcome) ?? []), group]);
  for (const same of byOutcome.values()) same.sort((a, b) => a.count - b.count);
  // The smallest group whose outcome has another joins that outcome's "other reasons" group (made
  // of the two smallest when there is none yet), until the limit is met.
  const isOther = (group: FailedGroup) => group.reason.startsWith(OTHER_REASONS);
  let total = list.length;
  while (total > limits.groups) {
    let pick: { same: FailedGroup[]; group: FailedGroup; into: FailedGroup } | undefined;
    for (const same of byOutcome.values()) {
      const plain = same.filter((group) => !isOther(group));
      const [group, next] = plain;
      const into = same.find(isOther) ?? next;
      if (group === undefined || into === undefined) continue;
      if (pick === undefined || group.count < pick.group.count) pick = { same, group, into };
    }
    if (pick === undefined) break;
    const { same, group, into } = pick;
    const merged = mergeGroups(group, into, limits.otherReasonsLength);
    order.set(merged, Math.min(order.get(group) ?? 0, order.get(into) ?? 0));
    same.splice(0, same.length, ...same.filter((g) => g !== group && g !== into), merged);
    same.sort((a, b) => a.count - b.count);
    total -= 1;
  }
  const kept = [...byOutcome.values()].flat().sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));

  let budget = limits.ids;
  for (const group of [...kept].sort((a, b) => a.count - b.count)) {
    if (group.accountIds !== undefined && group.accountIds.length <= budget)
      budget -= group.accountIds.length;
    else delete group.accountIds;
  }
  return kept;
}

const OTHER_REASONS = "other reasons (the step's log names each account's), among them: ";

/** Two groups of one outcome as one, named after the "other reasons" group among them, or the larger. */
function mergeGroups(a: FailedGroup, b: FailedGroup, reasonLength: number): FailedGroup {
  const named = [a, b].find(({ reason }) => reason.startsWith(OTHER_REASONS));
  const larger = a.count >= b.count ? a : b;
  const ids =
    a.accountIds !== undefined && b.accountIds !== undefined ? [...a.accountIds, ...b.accountIds] : undefined;
  return {
    outcome: a.outcome,
    reason: named?.reason ?? clipText(`${OTHER_REASONS}${larger.reason}`, reasonLength),
    count: a.count + b.count,
    ...(ids === undefined ? {} : { accountIds: ids }),
  };
}

/**
 * What a pair's failure groups without ids say of its `notMembers` (memberships GetMembers shows are
 * not members and nothing else explains), when they can all be among the groups' accounts; else
 * undefined until the last round. The reason names no count, so that the same failure in several
 * Regions stays one group of the report.
 */
export function explainNotMembers(
  groups: readonly FailedGroup[],
  notMembers: number,
  lastRound: boolean,
): { outcome: Outcome; reason: string } | undefined {
  const idless = groups.filter(({ accountIds }) => accountIds === undefined);
  const [only] = idless;
  if (only === undefined) return undefined;
  const reasons = idless.map(({ reason }) => reason).join('; ');
  const total = idless.reduce((sum, { count }) => sum + count, 0);
  if (notMembers > total) {
    // Some are not failures: a create GetMembers does not show yet, say. Which ones cannot be told,
    // so the next round looks again, and the last one says what it knows.
    return lastRound
      ? {
          outcome: 'NOT_A_MEMBER',
          reason: `not a member; some accounts here failed to be created: ${reasons}`,
        }
      : undefined;
  }
  if (idless.length === 1) return { outcome: only.outcome, reason: only.reason };
  const outcomes = new Set(idless.map(({ outcome }) => outcome));
  return outcomes.size === 1
    ? { outcome: only.outcome, reason: `one of: ${reasons}` }
    : { outcome: 'NOT_A_MEMBER', reason: `not a member, for one of: ${reasons}` };
}

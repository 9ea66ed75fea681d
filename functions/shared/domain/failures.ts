import type { Outcome } from './outcomes.ts';

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
 * pairs share the 256 KiB with the plan: 100 ids (1.5 KB) and five reasons of 300 characters keep
 * a pair under 3.5 KB however many of its 1,200 accounts fail.
 */
export const FAILURE_LIMITS = { ids: 100, groups: 5, reasonLength: 300 };

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

const keyOf = ({ outcome, reason }: { outcome: Outcome; reason: string }) =>
  JSON.stringify([outcome, reason]);

/**
 * Merges a pair's carried failure groups with new failures, then fits them into `limits`: the
 * smallest groups keep their ids while the id budget lasts; past `limits.groups`, the smallest
 * groups merge into one. Counts are never lost.
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
    add({ outcome, reason: clip(reason, limits.reasonLength), count: 1, accountIds: [accountId] });
  }

  let list = [...groups.values()];
  if (list.length > limits.groups) {
    const bySize = [...list].sort((a, b) => b.count - a.count);
    const kept = new Set(bySize.slice(0, limits.groups - 1));
    const rest = bySize.slice(limits.groups - 1);
    const outcomes = new Set(rest.map(({ outcome }) => outcome));
    const ids = rest.every(({ accountIds }) => accountIds !== undefined)
      ? rest.flatMap(({ accountIds }) => accountIds ?? [])
      : undefined;
    const merged: FailedGroup = {
      outcome: outcomes.size === 1 ? (rest[0]?.outcome ?? 'FAILED') : 'FAILED',
      reason: clip(
        `${rest.length} different reasons (the step's log names each account's), among them: ${rest[0]?.reason ?? ''}`,
        limits.reasonLength,
      ),
      count: rest.reduce((sum, { count }) => sum + count, 0),
      ...(ids === undefined ? {} : { accountIds: ids }),
    };
    list = [...list.filter((group) => kept.has(group)), merged];
  }

  let budget = limits.ids;
  for (const group of [...list].sort((a, b) => a.count - b.count)) {
    if (group.accountIds !== undefined && group.accountIds.length <= budget)
      budget -= group.accountIds.length;
    else delete group.accountIds;
  }
  return list;
}

/**
 * The outcome and reason a pair's id-less failure groups give the accounts GetMembers shows are not
 * members and nothing else explains. With one such group the answer is exact; with several, each
 * account is one of them, and the reason says so.
 */
export function explainNotMembers(
  groups: readonly FailedGroup[],
): { outcome: Outcome; reason: string } | undefined {
  const idless = groups.filter(({ accountIds }) => accountIds === undefined);
  const [only] = idless;
  if (only === undefined) return undefined;
  if (idless.length === 1) return { outcome: only.outcome, reason: only.reason };
  const outcomes = new Set(idless.map(({ outcome }) => outcome));
  return {
    outcome: outcomes.size === 1 ? only.outcome : 'FAILED',
    reason: `one of ${idless.length} reasons: ${idless.map(({ reason, count }) => `${reason} (${count} accounts)`).join('; ')}`,
  };
}

import { type BatchedPlan, CHILD_BATCH_ACCOUNTS, type Plan, planSchema } from '../shared/contracts.ts';
import { chunk } from '../shared/domain/chunk.ts';
import { SERVICE_RULES, type ServiceName } from '../shared/domain/services.ts';
import { type ReportStore, readParsed } from '../shared/report/store.ts';

/** Skipped accounts a batch carries besides its accounts (each with its reason, about 100 bytes). */
export const SKIPPED_PER_BATCH = 200;

/**
 * The plan cut into child executions' shares: every account to onboard and every skipped account
 * in exactly one batch, at most `size` accounts and SKIPPED_PER_BATCH skipped ones a batch, each batch a
 * whole Plan of its own accounts. Accounts past Detective's limit in the same Regions share batches,
 * whose plan has Detective off there (nothing is created) and says why. Pure.
 */
export function splitPlan(plan: Plan, size = CHILD_BATCH_ACCOUNTS): Plan[] {
  const over = plan.detectiveOverLimit ?? [];
  const overRegions = (accountId: string) =>
    over.filter(({ accountIds }) => accountIds.includes(accountId)).map(({ region }) => region);
  // Accounts in order, grouped by the Regions whose graph has no room for them.
  const groups = new Map<string, { regions: string[]; entries: Entry[] }>();
  for (const account of plan.accounts) {
    const regions = over.length === 0 ? [] : overRegions(account.accountId);
    const key = regions.join(',');
    const group = groups.get(key) ?? { regions, entries: [] };
    group.entries.push({ account });
    groups.set(key, group);
  }
  const plain = groups.get('') ?? { regions: [], entries: [] };
  groups.delete('');
  const onboarded = chunk(plain.entries, size);
  // Skipped accounts cost no call: they ride along with the batches, at most SKIPPED_PER_BATCH each
  // (their reasons are in the state), and only past that make batches of their own.
  const skipped = chunk(
    plan.skipped.map((entry): Entry => ({ skipped: entry })),
    Math.min(size, SKIPPED_PER_BATCH),
  );
  const parts = [
    ...Array.from({ length: Math.max(onboarded.length, skipped.length) }, (_, index) => ({
      regions: [] as string[],
      entries: [...(onboarded[index] ?? []), ...(skipped[index] ?? [])],
    })),
    ...[...groups.values()].flatMap(({ regions, entries }) =>
      chunk(entries, size).map((part) => ({ regions, entries: part })),
    ),
  ];
  return parts.map(({ regions, entries }) => batchPlan(plan, regions, entries));
}

type Entry = { account: Plan['accounts'][number] } | { skipped: Plan['skipped'][number] };

function batchPlan(plan: Plan, overRegions: readonly string[], entries: readonly Entry[]): Plan {
  const accounts = entries.flatMap((entry) => ('account' in entry ? [entry.account] : []));
  const ids = new Set(accounts.map(({ accountId }) => accountId));
  const { detectiveOverLimit: _, ...rest } = plan;
  // The over-limit accounts are past a behavior graph's limit: the service whose limit counts every member.
  const off = (region: string, service: ServiceName) =>
    SERVICE_RULES[service].memberLimit.counts === 'all' && overRegions.includes(region);
  const over = (plan.detectiveOverLimit ?? [])
    .filter(({ region }) => overRegions.includes(region))
    .map(({ region, reason }) => ({ region, reason, accountIds: [...ids] }));
  return {
    ...rest,
    accounts,
    accountIds: [...ids],
    skipped: entries.flatMap((entry) => ('skipped' in entry ? [entry.skipped] : [])),
    invitedAccountIds: plan.invitedAccountIds.filter((id) => ids.has(id)),
    pairs: plan.pairs.map((pair) => {
      if (off(pair.region, pair.service)) {
        const { home: __, create: ___, ...without } = pair;
        return { ...without, enabled: false };
      }
      // A sweep's accounts to create, of this batch's accounts only.
      return pair.create === undefined ? pair : { ...pair, create: pair.create.filter((id) => ids.has(id)) };
    }),
    homes: plan.homes.filter(({ region, service }) => !off(region, service)),
    ...(over.length === 0 ? {} : { detectiveOverLimit: over }),
  };
}

/**
 * Writes each batch's plan under the execution's prefix and returns the plan the parent carries:
 * counts and references instead of the per-account lists.
 */
export async function storeBatches(
  plan: Plan,
  store: ReportStore,
  prefix: string,
  size = CHILD_BATCH_ACCOUNTS,
): Promise<BatchedPlan> {
  const parts = splitPlan(plan, size);
  const batches = await Promise.all(
    parts.map(async (part, index) => {
      const key = `${prefix}/batches/${String(index).padStart(4, '0')}.json`;
      await store.put(key, JSON.stringify(part), 'application/json');
      return { key, accountCount: part.accounts.length, skippedCount: part.skipped.length };
    }),
  );
  const { detectiveOverLimit: _, ...rest } = plan;
  return {
    ...rest,
    accounts: [],
    accountIds: [],
    skipped: [],
    invitedAccountIds: [],
    accountCount: plan.accounts.length,
    skippedCount: plan.skipped.length,
    batches,
  };
}

/** A child execution's plan: the batch its parent wrote, parsed (a bad object is named). */
export function loadBatch(batchKey: string, store: ReportStore): Promise<Plan> {
  return readParsed(store, batchKey, planSchema);
}

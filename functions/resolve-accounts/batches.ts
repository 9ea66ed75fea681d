import { type BatchedPlan, CHILD_BATCH_ACCOUNTS, type Plan, planSchema } from '../shared/contracts.ts';
import { chunk } from '../shared/domain/chunk.ts';
import { type ReportStore, readParsed } from '../shared/report/store.ts';

/**
 * The plan cut into child executions' shares: every account to onboard and every skipped account
 * in exactly one batch, at most `size` accounts (skipped ones included) a batch, each batch a
 * whole Plan of its own accounts. Pure.
 */
export function splitPlan(plan: Plan, size = CHILD_BATCH_ACCOUNTS): Plan[] {
  const entries = [
    ...plan.accounts.map((account) => ({ account })),
    ...plan.skipped.map((skipped) => ({ skipped })),
  ];
  return chunk(entries, size).map((part) => {
    const accounts = part.flatMap((entry) => ('account' in entry ? [entry.account] : []));
    const ids = new Set(accounts.map(({ accountId }) => accountId));
    return {
      ...plan,
      accounts,
      accountIds: [...ids],
      skipped: part.flatMap((entry) => ('skipped' in entry ? [entry.skipped] : [])),
      invitedAccountIds: plan.invitedAccountIds.filter((id) => ids.has(id)),
      // A batch of skipped accounts alone still reports them: the child checks, nothing else.
      hasWork: plan.hasWork,
    };
  });
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
  return {
    ...plan,
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

import * as z from 'zod/mini';
import type { CarriedPace } from '#shared/aws/pacing.ts';
import {
  accountIdSchema,
  type BatchedPlan,
  CHILD_BATCH_ACCOUNTS,
  type Paced,
  type Plan,
  pacingSchema,
  planSchema,
  type RegionGroup,
  withCentrallyConfigured,
} from '#shared/contracts.ts';
import { chunk } from '#shared/domain/chunk.ts';
import { pairKey } from '#shared/domain/keys.ts';
import type { Pair } from '#shared/domain/report.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import { InvalidInputError, ReportStoreError } from '#shared/errors.ts';
import { type AccountNames, clipAccountName } from '#shared/report/formats/records.ts';
import { type ReportStore, readParsed } from '#shared/report/store.ts';

/** Skipped accounts a batch carries besides its accounts (each with its reason, about 100 bytes). */
export const SKIPPED_PER_BATCH = 200;

/**
 * Region × service pairs one child execution onboards. A child's worst-case history is
 * 72 + 169·pairs + 404·rounds events, under 12,500 up to 44 pairs, and its largest state was proven
 * under 200 KiB at 1,000 accounts × 34 pairs (docs/benchmark.md, "History events"): 17 Regions × 2
 * services fit one child, 17 Regions × 3 services take two, each with every service of its Regions.
 */
export const MAX_CHILD_PAIRS = 34;

/**
 * The plan cut into child executions' shares: every account to onboard and every skipped account
 * in exactly one batch, at most `size` accounts and SKIPPED_PER_BATCH skipped ones a batch, each batch a
 * whole Plan of its own accounts. Accounts past the same services' limits in the same Regions (the
 * plan's overMemberLimit) share batches, whose plan has those services off there (nothing is created)
 * and says why. A share with more than
 * `maxPairs` Region × service pairs goes to as many children as it takes, each with its accounts in a
 * group of Regions (every service of each). Every (account, Region, service) is in exactly one batch. Pure.
 */
export function splitPlan(plan: Plan, size = CHILD_BATCH_ACCOUNTS, maxPairs = MAX_CHILD_PAIRS): Plan[] {
  const over = plan.overMemberLimit ?? [];
  const overPairs = (accountId: string): Pair[] =>
    over
      .filter(({ accountIds }) => accountIds.includes(accountId))
      .map(({ region, service }) => ({ region, service }));
  // Accounts in order, grouped by the Region × service pairs whose home has no room for them.
  const groups = new Map<string, { pairs: Pair[]; entries: Entry[] }>();
  for (const account of plan.accounts) {
    const pairs = over.length === 0 ? [] : overPairs(account.accountId);
    const key = pairs.map(({ region, service }) => pairKey(region, service)).join(',');
    const group = groups.get(key) ?? { pairs, entries: [] };
    group.entries.push({ account });
    groups.set(key, group);
  }
  const plain = groups.get('') ?? { pairs: [], entries: [] };
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
      pairs: [] as Pair[],
      entries: [...(onboarded[index] ?? []), ...(skipped[index] ?? [])],
    })),
    ...[...groups.values()].flatMap(({ pairs, entries }) =>
      chunk(entries, size).map((part) => ({ pairs, entries: part })),
    ),
  ];
  const regionGroups = groupRegions(plan, maxPairs);
  return parts.flatMap(({ pairs, entries }) =>
    regionGroups.map((group) => inRegions(batchPlan(plan, pairs, entries), group)),
  );
}

/**
 * The plan's Regions in as few groups as keep each group's pairs at `maxPairs` or fewer, of even
 * sizes (17 Regions × 3 services: 9 and 8 Regions, 27 and 24 pairs). One group when all fit.
 */
export function groupRegions(plan: Pick<Plan, 'regions' | 'pairs'>, maxPairs: number): string[][] {
  const perRegion = Math.max(1, ...plan.regions.map((r) => plan.pairs.filter((p) => p.region === r).length));
  if (perRegion > maxPairs)
    throw new RangeError(
      `a Region has ${perRegion} pairs, more than the ${maxPairs} a child execution takes`,
    );
  const groups = Math.ceil(plan.regions.length / Math.floor(maxPairs / perRegion));
  return groups <= 1 ? [plan.regions] : chunk(plan.regions, Math.ceil(plan.regions.length / groups));
}

/** A batch's plan narrowed to a group of its Regions: every per-Region list keeps only those. */
function inRegions(plan: Plan, regions: readonly string[]): Plan {
  if (regions.length === plan.regions.length) return plan;
  const kept = ({ region }: { region: string }) => regions.includes(region);
  const over = plan.overMemberLimit?.filter(kept) ?? [];
  const { overMemberLimit: _, ...rest } = plan;
  return {
    ...rest,
    regions: [...regions],
    pairs: plan.pairs.filter(kept),
    homes: plan.homes.filter(kept),
    notOffered: plan.notOffered.filter(kept),
    centrallyConfigured: plan.centrallyConfigured.filter(kept),
    ...(over.length === 0 ? {} : { overMemberLimit: over }),
  };
}

type Entry = { account: Plan['accounts'][number] } | { skipped: Plan['skipped'][number] };

function batchPlan(plan: Plan, overPairs: readonly Pair[], entries: readonly Entry[]): Plan {
  const accounts = entries.flatMap((entry) => ('account' in entry ? [entry.account] : []));
  const ids = new Set(accounts.map(({ accountId }) => accountId));
  const { overMemberLimit: _, ...rest } = plan;
  // The service is off where its home has no room for the batch's accounts.
  const off = (region: string, service: ServiceName) =>
    overPairs.some((pair) => pair.region === region && pair.service === service);
  const over = (plan.overMemberLimit ?? [])
    .filter(({ region, service }) => off(region, service))
    .map(({ region, service, reason }) => ({ region, service, reason, accountIds: [...ids] }));
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
    ...(over.length === 0 ? {} : { overMemberLimit: over }),
  };
}

/**
 * Writes each batch's plan under the execution's prefix and returns the plan the parent carries:
 * counts and references instead of the per-account lists, the references by group of Regions.
 */
export async function storeBatches(
  plan: Plan,
  store: ReportStore,
  prefix: string,
  {
    size = CHILD_BATCH_ACCOUNTS,
    maxPairs = MAX_CHILD_PAIRS,
    names = new Map(),
    pacing = [],
  }: {
    size?: number;
    maxPairs?: number;
    names?: AccountNames;
    /** What the plan's reads left of the administrator's buckets, for the children's first steps. */
    pacing?: CarriedPace[];
  } = {},
): Promise<BatchedPlan> {
  const parts = splitPlan(plan, size, maxPairs);
  const numbered = (folder: string, index: number) =>
    `${prefix}/${folder}/${String(index).padStart(4, '0')}.json`;
  // The batches of one group of Regions run one after another, each on the pairs the one before it
  // left: it reads what that one's last check wrote.
  const lastOfGroup = new Map<string, number>();
  const before = parts.map((part, index) => {
    const prior = lastOfGroup.get(part.regions.join(','));
    lastOfGroup.set(part.regions.join(','), index);
    return prior;
  });
  const batches = await Promise.all(
    parts.map(async (part, index) => {
      const key = numbered('batches', index);
      const prior = before[index];
      const file = {
        ...part,
        accountNames: batchNames(part, names),
        pacing,
        pacingKey: numbered('pacing', index),
        ...(prior === undefined ? {} : { priorPacingKey: numbered('pacing', prior) }),
      };
      await store.put(key, JSON.stringify(file), 'application/json');
      return { key, accountCount: part.accounts.length, skippedCount: part.skipped.length };
    }),
  );
  // Each part covers one group of Regions (splitPlan narrows it to the group): the parts of a group
  // share its Regions' quotas, parts of different groups share none.
  const regionGroups = new Map<string, RegionGroup>();
  for (const [index, part] of parts.entries()) {
    const group = regionGroups.get(part.regions.join(',')) ?? { regions: part.regions, batches: [] };
    const batch = batches[index];
    if (batch !== undefined) group.batches.push(batch);
    regionGroups.set(part.regions.join(','), group);
  }
  const { overMemberLimit: _, ...rest } = plan;
  return {
    ...rest,
    accounts: [],
    accountIds: [],
    skipped: [],
    invitedAccountIds: [],
    accountCount: plan.accounts.length,
    skippedCount: plan.skipped.length,
    regionGroups: [...regionGroups.values()],
  };
}

/**
 * A batch file: the batch's plan, and the names of its accounts for Merge Reports to put in the
 * report rows. Only the plan enters the child execution's state (loadBatch), so names cost no state.
 * A dry run's stored plan (storePlan) has the same shape, for `muster status` to print.
 */
export const batchFileSchema = z.extend(planSchema, {
  accountNames: z._default(z.record(accountIdSchema, z.pipe(z.string(), z.transform(clipAccountName))), {}),
  /** What Resolve Accounts' reads left of the buckets. Always there once loaded, as the state machine reads it. */
  pacing: z._default(pacingSchema, []),
  /** Where this child's last check writes what it left, for the next child of its group (null: nowhere). */
  pacingKey: z._default(z.nullable(z.string().check(z.minLength(1))), null),
  /** Where the child before it in its group wrote that; absent for a group's first. */
  priorPacingKey: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The names a manual input gives its accounts (`accounts[].name`, from a CSV's Name column), for
 * accounts Organizations does not name: read apart from the request's schema, which drops them so
 * that no name enters the plan. Anything that is not a name is ignored.
 */
export function inputNames(request: unknown): AccountNames {
  const parsed = inputNamesSchema.safeParse(request);
  if (!parsed.success) return new Map();
  return new Map(
    (parsed.data.accounts ?? []).flatMap(({ accountId, name }) =>
      typeof accountId === 'string' && typeof name === 'string' && name !== '' ? [[accountId, name]] : [],
    ),
  );
}

const inputNamesSchema = z.object({
  accounts: z.optional(z.array(z.object({ accountId: z.unknown(), name: z.unknown() }))),
});

/** The names of the batch's accounts, skipped ones included, clipped. */
function batchNames(part: Plan, names: AccountNames): Record<string, string> {
  const named: Record<string, string> = {};
  for (const { accountId } of [...part.accounts, ...part.skipped]) {
    const name = names.get(accountId);
    if (name !== undefined && name !== '') named[accountId] = clipAccountName(name);
  }
  return named;
}

/**
 * A child execution's plan: the batch its parent wrote, parsed (a bad object is named), without the
 * names. `unreadable` hears of a pacing file that is there but is not what a check writes.
 */
export async function loadBatch(
  batchKey: string,
  store: ReportStore,
  unreadable: (message: string, error: unknown) => void = () => {},
): Promise<Paced<Plan> & { pacingKey: string | null }> {
  const { accountNames: _, priorPacingKey, ...plan } = await loadBatchFile(batchKey, store);
  if (priorPacingKey === undefined) return plan;
  try {
    return { ...plan, pacing: await readParsed(store, priorPacingKey, pacingSchema) };
  } catch (error) {
    // The child before it wrote nothing (it failed first), or something it cannot read: what Resolve
    // Accounts' reads left, refilled since, is all this child knows. Pacing only spaces the calls, so
    // neither stops the batch; the plan itself was read above, and a bad plan still does.
    if (error instanceof InvalidInputError || error instanceof SyntaxError)
      unreadable(
        `the pacing file ${priorPacingKey} cannot be read; the batch starts from the plan's pacing`,
        error,
      );
    else if (!(error instanceof ReportStoreError)) throw error;
    return plan;
  }
}

/** The batch file as its parent wrote it: the plan and its accounts' names (Merge Reports). */
export async function loadBatchFile(batchKey: string, store: ReportStore) {
  return withCentrallyConfigured(await readParsed(store, batchKey, batchFileSchema));
}

/** Accounts and skipped accounts a plan with nothing to do (a dry run) lists in the state; past that, counts. */
export const LISTED_WITHOUT_WORK = 100;

/** A plan with nothing to do, as the execution carries it: the whole plan is in the report bucket. */
export interface StoredPlan extends Plan {
  accountCount: number;
  skippedCount: number;
  /** The object holding the whole plan (every account with its email, every skipped account, their names). */
  planKey: string;
  /** The report bucket that holds it, so that `muster status` can read it from the execution alone. */
  planBucket: string;
}

/**
 * Writes a plan with nothing to do (a dry run, or every account skipped) under the execution's prefix,
 * as a batch file is written (the plan and its accounts' names, batchFileSchema), and returns what the
 * execution ends with: the plan with counts and the object's place, its account lists only when they
 * are short, so that a dry run of 10,000 accounts stays far under 256 KiB. No name enters the state.
 */
export async function storePlan(
  plan: Plan,
  store: ReportStore,
  prefix: string,
  names: AccountNames = new Map(),
): Promise<StoredPlan> {
  const planKey = `${prefix}/plan.json`;
  await store.put(
    planKey,
    JSON.stringify({ ...plan, accountNames: batchNames(plan, names) }),
    'application/json',
  );
  const counts = {
    accountCount: plan.accounts.length,
    skippedCount: plan.skipped.length,
    planKey,
    planBucket: store.bucket,
  };
  if (plan.accounts.length + plan.skipped.length <= LISTED_WITHOUT_WORK) return { ...plan, ...counts };
  const { overMemberLimit: _, ...rest } = plan;
  return { ...rest, accounts: [], accountIds: [], skipped: [], invitedAccountIds: [], ...counts };
}

import * as z from 'zod/mini';
import {
  boundedString,
  executionIdSchema,
  FIELD_LIMITS,
  type OnboardingReport,
  type Plan,
  type ReportFiles,
} from '#shared/contracts.ts';
import type { Membership } from '#shared/domain/report.ts';
import { decideReport, describeReport, summarizeGroups } from '#shared/domain/report.ts';
import { InvalidInputError } from '#shared/errors.ts';
import type { FinishedExecution } from '#shared/observability.ts';
import {
  parseJsonLines,
  type ReportRow,
  toCsv,
  toJsonLines,
  withAccountNames,
} from '#shared/report/files.ts';
import { coverageOf } from '#shared/report/formats/coverage.ts';
import { reportHtml } from '#shared/report/formats/html.ts';
import { executionPrefix, type ReportStore } from '#shared/report/store.ts';

/** One batch as the parent's inner Map hands it on: its child's report, or the error it failed with. */
const batchResultSchema = z.object({
  batchKey: z.string().check(z.minLength(1)),
  child: z.optional(
    z.object({
      execution: executionIdSchema,
      status: z.string(),
      files: z.object({
        bucket: z.string().check(z.minLength(1)),
        jsonl: z.string().check(z.minLength(1)),
      }),
      round: z.number().check(z.int(), z.minimum(0)),
    }),
  ),
  crashed: z.optional(z.object({ Error: boundedString(FIELD_LIMITS.error, 'an error name') })),
});

/** What the parent's Onboard Batches Map hands on: per group of Regions, its batches in order. */
export const mergeReportsInputSchema = z.object({
  batches: z.array(z.array(batchResultSchema).check(z.minLength(1))).check(z.minLength(1)),
  executionId: z.optional(executionIdSchema),
});
export type MergeReportsInput = z.infer<typeof mergeReportsInputSchema>;

export interface MergeReportsDeps {
  store: ReportStore;
  /**
   * A batch's plan, as Resolve Accounts wrote it (to report a failed child's accounts), with its
   * accounts' names when the file has them (the rows carry them).
   */
  loadBatch: (batchKey: string) => Promise<Plan & { accountNames?: Readonly<Record<string, string>> }>;
  uniqueId: () => string;
  /** When the report is written: the time its HTML says it describes. */
  now: () => Date;
  /**
   * Told once the report files are written: what started the execution, its status and its coverage
   * from every child's memberships (the handler makes them metrics).
   */
  onFinished?: (finished: FinishedExecution) => void;
}

/**
 * Every membership of a batch whose child execution failed after its retry: FAILED with the error,
 * except skipped accounts (their own outcome) and pairs AWS does not offer. Nothing is dropped.
 */
export function failedBatchRows(plan: Plan, error: string): ReportRow[] {
  const reason =
    `the child execution onboarding this batch of ${plan.accounts.length} accounts failed twice (${error}); ` +
    'its execution history says why, and a new run retries these accounts';
  const offered = (pair: { region: string; service: string }) =>
    !plan.notOffered.some(({ region, service }) => region === pair.region && service === pair.service);
  const rows: ReportRow[] = [];
  for (const { accountId } of plan.accounts)
    for (const pair of plan.pairs)
      rows.push({
        accountId,
        region: pair.region,
        service: pair.service,
        ...(offered(pair)
          ? { outcome: 'FAILED' as const, reason }
          : { outcome: 'SERVICE_NOT_OFFERED', reason: 'AWS does not offer the service in this Region' }),
      });
  for (const { accountId, outcome, reason: why } of plan.skipped)
    for (const pair of plan.pairs)
      rows.push({ accountId, region: pair.region, service: pair.service, outcome, reason: why });
  return rows;
}

/**
 * The batch's child saw the service off where its home had no room for its accounts (the batch's
 * plan names the Region, the service and the accounts): those memberships are FAILED, with the
 * limit as the reason.
 */
export function withMemberLimitFailures(rows: ReportRow[], plan: Plan): ReportRow[] {
  const over = plan.overMemberLimit ?? [];
  if (over.length === 0) return rows;
  return rows.map((row) => {
    const limit = over.find(
      ({ region, service, accountIds }) =>
        row.service === service && row.region === region && accountIds.includes(row.accountId),
    );
    return limit === undefined || row.outcome !== 'SERVICE_NOT_ENABLED'
      ? row
      : { ...row, outcome: 'FAILED', reason: limit.reason };
  });
}

// Spelled out rather than a rest pattern: one object per membership, tens of thousands of them.
const asMembership = ({ accountId, region, service, outcome, reason }: ReportRow): Membership =>
  reason === '' ? { accountId, region, service, outcome } : { accountId, region, service, outcome, reason };

/**
 * The execution's report as the coverage matrix `muster status --output html` writes, titled as it
 * titles it, so the file in the bucket can be opened or mailed as it is.
 */
function executionHtml(
  rows: readonly ReportRow[],
  status: string,
  executionId: string | undefined,
  at: Date,
): string {
  const name = executionId?.split(':')[7];
  return reportHtml({
    title: `muster report${name === undefined ? '' : `: ${name}`}`,
    status,
    generatedAt: at.toISOString(),
    records: rows.map(({ accountId, accountName, region, service, outcome, reason }) => ({
      accountId,
      accountName: accountName ?? '',
      region,
      service,
      outcome,
      reason,
    })),
  });
}

/**
 * What started the execution, from its batches' plans (one Resolve Accounts wrote them all, each
 * parsed by planSchema): batches that disagree are refused, naming what each says.
 */
export function executionTrigger(triggers: readonly Plan['trigger'][]): Plan['trigger'] {
  const distinct = [...new Set(triggers)];
  const [only] = distinct;
  if (only === undefined || distinct.length > 1)
    throw new InvalidInputError(
      `batches: the batch plans name ${distinct.length === 0 ? 'no trigger' : `the triggers ${JSON.stringify(distinct)}`}; one execution's batches all carry the one trigger that started it`,
    );
  return only;
}

/**
 * The parent's report: the batches' report files as one (JSON Lines, CSV and HTML, one row per requested
 * membership), and the bounded summary the state carries, as Check Members makes it for a batch.
 */
export async function mergeReports(
  input: MergeReportsInput,
  deps: MergeReportsDeps,
): Promise<OnboardingReport> {
  const batches = input.batches.flat();
  const parts = await Promise.all(
    batches.map(async (batch) => {
      const plan = await deps.loadBatch(batch.batchKey);
      const names = new Map(Object.entries(plan.accountNames ?? {}));
      if (batch.child === undefined)
        return {
          trigger: plan.trigger,
          rows: withAccountNames(failedBatchRows(plan, batch.crashed?.Error ?? 'no report'), names),
        };
      const rows = parseJsonLines(await deps.store.get(batch.child.files.jsonl));
      return { trigger: plan.trigger, rows: withAccountNames(withMemberLimitFailures(rows, plan), names) };
    }),
  );
  const trigger = executionTrigger(parts.map((part) => part.trigger));
  const rows = parts.flatMap((part) => part.rows);
  const decision = decideReport(rows.map(asMembership), [], { round: 0, maxRounds: 0 });
  const prefix = executionPrefix(input.executionId, deps.uniqueId);
  const files: Required<ReportFiles> = {
    bucket: deps.store.bucket,
    jsonl: `${prefix}/report.jsonl`,
    csv: `${prefix}/report.csv`,
    html: `${prefix}/report.html`,
  };
  await Promise.all([
    deps.store.put(files.jsonl, toJsonLines(rows), 'application/x-ndjson'),
    deps.store.put(files.csv, toCsv(rows), 'text/csv; charset=utf-8'),
    deps.store.put(
      files.html,
      executionHtml(rows, decision.status, input.executionId, deps.now()),
      'text/html; charset=utf-8',
    ),
  ]);
  deps.onFinished?.({ trigger, status: decision.status, coverage: coverageOf(rows) });
  const summary = summarizeGroups(decision.notEnabled);
  const failedBatches = batches.filter(({ child }) => child === undefined).length;
  const note =
    failedBatches > 0
      ? `\n${failedBatches} of ${batches.length} batches failed: their memberships are FAILED`
      : '';
  return {
    status: decision.status,
    keepPolling: false,
    counts: decision.counts,
    pendingAccountIds: [],
    invitations: [],
    round: Math.max(0, ...batches.map(({ child }) => child?.round ?? 0)),
    total: rows.length,
    cause:
      `${describeReport(decision, rows.length)}${note}\nEvery membership: s3://${files.bucket}/${files.csv} (and ${files.jsonl}, ${files.html})`.slice(
        0,
        8_000,
      ),
    notEnabled: summary.groups,
    notEnabledComplete: summary.complete,
    omitted: summary.omitted,
    carriedKey: '',
    files,
    memberBatchSize: 0,
    invitationsKey: null,
  };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../functions/merge-reports/merge-reports.ts';
import { loadBatch, splitPlan, storeBatches } from '../../functions/resolve-accounts/batches.ts';
import { readWorkflowSettings } from '../../functions/shared/config.ts';
import type { Plan } from '../../functions/shared/contracts.ts';
import { membershipKey } from '../../functions/shared/domain/keys.ts';
import { parseJsonLines, toJsonLines } from '../../functions/shared/report/files.ts';
import { memoryReportStore } from '../report-store.ts';

const PARENT = 'arn:aws:states:us-east-1:111111111111:execution:muster-onboarding:run-1';
const id = (n: number) => String(200_000_000_000 + n);

function plan(accounts: number, skipped: number, regions: string[]): Plan {
  const pairs = regions.flatMap((region) => [
    { region, service: 'securityhub' as const, enabled: true },
    { region, service: 'detective' as const, enabled: false },
  ]);
  return {
    administratorId: '111111111111',
    trigger: 'manual',
    dryRun: false,
    regions,
    services: ['securityhub', 'detective'],
    accounts: Array.from({ length: accounts }, (_, n) => ({ accountId: id(n), email: `a${n}@example.com` })),
    accountIds: Array.from({ length: accounts }, (_, n) => id(n)),
    invitationBased: 0,
    skipped: Array.from({ length: skipped }, (_, n) => ({
      accountId: id(50_000 + n),
      outcome: 'SKIPPED_ACCOUNT_INACTIVE' as const,
      reason: 'the account is SUSPENDED',
    })),
    pairs,
    homes: regions.map((region) => ({ region, service: 'securityhub' as const })),
    securityHubCentralRegions: [],
    invitedAccountIds: [],
    notOffered: [],
    hasWork: true,
    settings: readWorkflowSettings({}),
  };
}

/** What a child execution's check writes for its batch: every membership once, ENABLED or SERVICE_NOT_ENABLED. */
async function childReport(store: ReturnType<typeof memoryReportStore>, batch: Plan, name: string) {
  const rows = [
    ...batch.accounts.flatMap(({ accountId }) =>
      batch.pairs.map(({ region, service, enabled }) => ({
        accountId,
        region,
        service,
        outcome: enabled ? ('ENABLED' as const) : ('SERVICE_NOT_ENABLED' as const),
        reason: enabled ? '' : 'not enabled for the administrator',
      })),
    ),
    ...batch.skipped.flatMap(({ accountId, outcome, reason }) =>
      batch.pairs.map(({ region, service }) => ({ accountId, region, service, outcome, reason })),
    ),
  ];
  const files = {
    bucket: store.bucket,
    jsonl: `executions/batch/${name}/report.jsonl`,
    csv: `executions/batch/${name}/report.csv`,
  };
  await store.put(files.jsonl, toJsonLines(rows), 'application/x-ndjson');
  return files;
}

describe('splitting the plan into child executions and merging their reports', () => {
  it('lists every requested membership exactly once in the merged report, whichever children fail', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 25 }),
        fc.subarray(['us-east-1', 'eu-west-1', 'ap-south-1'], { minLength: 1 }),
        fc.infiniteStream(fc.boolean()),
        async (accounts, skipped, size, regions, crashes) => {
          const store = memoryReportStore();
          const whole = plan(accounts, skipped, regions);
          const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1', size);
          expect(batched.accounts).toEqual([]);
          expect(
            batched.batches.every(
              ({ accountCount, skippedCount }) => accountCount <= size && skippedCount <= size,
            ),
          ).toBe(true);
          const results = await Promise.all(
            batched.batches.map(async ({ key }, index) => {
              if (crashes.next().value) return { batchKey: key, crashed: { Error: 'States.TaskFailed' } };
              const files = await childReport(store, await loadBatch(key, store), `child-${index}`);
              const child = { execution: `${PARENT}-${index}`, status: 'SUCCEEDED', files, round: 1 };
              return { batchKey: key, child };
            }),
          );
          const report = await mergeReports(
            { batches: results, executionId: PARENT },
            { store, loadBatch: (key) => loadBatch(key, store), uniqueId: () => 'x' },
          );
          const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
          const keys = rows.map(({ accountId, region, service }) =>
            membershipKey(accountId, region, service),
          );
          const expected = [...whole.accountIds, ...whole.skipped.map(({ accountId }) => accountId)].flatMap(
            (accountId) =>
              whole.pairs.map(({ region, service }) => membershipKey(accountId, region, service)),
          );
          expect(keys.sort()).toEqual(expected.sort());
          expect(report.total).toBe(expected.length);
          const counted = Object.values(report.counts).reduce((sum, count) => sum + (count ?? 0), 0);
          expect(counted).toBe(expected.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports a failed child's accounts FAILED with its error, and its skipped accounts as they were", async () => {
    const store = memoryReportStore();
    const whole = plan(2, 1, ['us-east-1']);
    const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1');
    const report = await mergeReports(
      {
        batches: [{ batchKey: batched.batches[0]?.key ?? '', crashed: { Error: 'States.Timeout' } }],
        executionId: PARENT,
      },
      { store, loadBatch: (key) => loadBatch(key, store), uniqueId: () => 'x' },
    );
    expect(report.status).toBe('NEEDS_ATTENTION');
    expect(report.counts).toEqual({ FAILED: 4, SKIPPED_ACCOUNT_INACTIVE: 2 });
    expect(report.files?.jsonl).toBe('executions/muster-onboarding/run-1/report.jsonl');
    const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
    expect(
      rows
        .filter(({ outcome }) => outcome === 'FAILED')
        .every(({ reason }) => reason.includes('States.Timeout')),
    ).toBe(true);
    expect(await store.get(report.files?.csv ?? '')).toContain('accountId,region,service,outcome,reason');
  });

  it("reports the accounts past Detective's limit FAILED for Detective in that Region only, with the reason", async () => {
    const store = memoryReportStore();
    const whole = plan(4, 0, ['us-east-1', 'eu-west-1']);
    whole.pairs = whole.pairs.map((pair) => ({ ...pair, enabled: true }));
    const reason = 'a behavior graph holds at most 1200, so this account was not added';
    whole.detectiveOverLimit = [{ region: 'eu-west-1', accountIds: [id(2), id(3)], reason }];
    const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1', 3);
    expect(batched).not.toHaveProperty('detectiveOverLimit');
    const parts = await Promise.all(batched.batches.map(({ key }) => loadBatch(key, store)));
    // The accounts past the limit share their own batch, whose plan has Detective off in eu-west-1.
    expect(parts.map(({ accountIds }) => accountIds)).toEqual([
      [id(0), id(1)],
      [id(2), id(3)],
    ]);
    expect(
      parts[1]?.pairs.find(({ region, service }) => region === 'eu-west-1' && service === 'detective'),
    ).toEqual({
      region: 'eu-west-1',
      service: 'detective',
      enabled: false,
    });
    const results = await Promise.all(
      parts.map(async (part, index) => ({
        batchKey: batched.batches[index]?.key ?? '',
        child: {
          execution: `${PARENT}-${index}`,
          status: 'SUCCEEDED',
          files: await childReport(store, part, `child-${index}`),
          round: 0,
        },
      })),
    );
    const report = await mergeReports(
      { batches: results, executionId: PARENT },
      { store, loadBatch: (key) => loadBatch(key, store), uniqueId: () => 'x' },
    );
    expect(report.counts).toEqual({ ENABLED: 14, FAILED: 2 });
    const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
    expect(rows.filter(({ outcome }) => outcome === 'FAILED')).toEqual([
      { accountId: id(2), region: 'eu-west-1', service: 'detective', outcome: 'FAILED', reason },
      { accountId: id(3), region: 'eu-west-1', service: 'detective', outcome: 'FAILED', reason },
    ]);
  });

  it("gives each batch's pairs only its own accounts of a sweep's accounts to create", () => {
    const whole = plan(5, 0, ['us-east-1']);
    const swept = {
      ...whole,
      pairs: whole.pairs.map((pair) => (pair.enabled ? { ...pair, create: [id(1), id(4)] } : pair)),
    };
    expect(splitPlan(swept, 3).map(({ pairs }) => pairs.map(({ create }) => create))).toEqual([
      [[id(1)], undefined],
      [[id(4)], undefined],
    ]);
  });

  it('keeps each batch within the size, and skipped accounts ride along rather than make a batch of their own', () => {
    expect(
      splitPlan(plan(5, 2, ['us-east-1']), 3).map(({ accountIds, skipped }) => [
        accountIds.length,
        skipped.length,
      ]),
    ).toEqual([
      [3, 2],
      [2, 0],
    ]);
    // 1,000 accounts and the administrator, skipped: one child execution.
    expect(splitPlan(plan(1000, 1, ['us-east-1']))).toHaveLength(1);
    expect(
      splitPlan(plan(1, 450, ['us-east-1'])).map(({ accountIds, skipped }) => [
        accountIds.length,
        skipped.length,
      ]),
    ).toEqual([
      [1, 200],
      [0, 200],
      [0, 50],
    ]);
  });

  it('names a batch object that is not a plan', async () => {
    const store = memoryReportStore();
    await store.put(
      'executions/x/batches/0000.json',
      JSON.stringify({ accounts: 'all' }),
      'application/json',
    );
    await expect(loadBatch('executions/x/batches/0000.json', store)).rejects.toThrow(
      /s3:\/\/memory\/executions\/x\/batches\/0000.json/,
    );
  });
});

import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BENCH_REGIONS } from '../../bench/regions.ts';
import {
  executionTrigger,
  type MergeReportsInput,
  mergeReports,
  withMemberLimitFailures,
} from '../../functions/merge-reports/merge-reports.ts';
import {
  groupRegions,
  LISTED_WITHOUT_WORK,
  loadBatch,
  loadBatchFile,
  MAX_CHILD_PAIRS,
  splitPlan,
  storeBatches,
  storePlan,
} from '../../functions/resolve-accounts/batches.ts';
import { MAX_POLL_ROUNDS, readWorkflowSettings } from '../../functions/shared/config.ts';
import { type BatchedPlan, CHILD_BATCH_ACCOUNTS, type Plan } from '../../functions/shared/contracts.ts';
import { membershipKey } from '../../functions/shared/domain/keys.ts';
import { KNOWN_REGIONS, partitionOf } from '../../functions/shared/domain/regions.ts';
import { SERVICE_NAMES, type ServiceName } from '../../functions/shared/domain/services.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { parseJsonLines, toJsonLines } from '../../functions/shared/report/files.ts';
import { ACCOUNT_NAME_MAX } from '../../functions/shared/report/formats/records.ts';
import { memoryReportStore } from '../report-store.ts';

const PARENT = 'arn:aws:states:us-east-1:111111111111:execution:muster-onboarding:run-1';
const id = (n: number) => String(200_000_000_000 + n);

function plan(
  accounts: number,
  skipped: number,
  regions: string[],
  services: ServiceName[] = ['securityhub', 'detective'],
): Plan {
  const pairs = regions.flatMap((region) =>
    services.map((service) => ({ region, service, enabled: service !== 'detective' })),
  );
  return {
    administratorId: '111111111111',
    trigger: 'manual',
    dryRun: false,
    regions,
    services,
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
    centrallyConfigured: [],
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
  };
  await store.put(files.jsonl, toJsonLines(rows), 'application/x-ndjson');
  return files;
}

const MERGED_AT = new Date('2026-12-02T07:30:00.000Z');

/** Merge Reports' dependencies on a store, at a fixed time. */
const mergeDeps = (store: ReturnType<typeof memoryReportStore>) => ({
  store,
  loadBatch: (key: string) => loadBatch(key, store),
  uniqueId: () => 'x',
  now: () => MERGED_AT,
});

/** The matrix cells of an HTML report: one per membership. */
const htmlCells = (html: string) => html.match(/<td class="[a-z]+" data-outcome="[A-Z_]+"/g) ?? [];

/** Every batch of a batched plan, group after group. */
const batches = (batched: BatchedPlan) => batched.regionGroups.flatMap((group) => group.batches);

/** Three batches of one Region's group in a fresh store, with what the plan's reads left (`read`). */
async function pacedBatches() {
  const store = memoryReportStore();
  const read = [{ service: 'securityhub' as const, region: 'us-east-1', tokens: 27, at: 1_800_000_000_000 }];
  const batched = await storeBatches(plan(5, 0, ['us-east-1']), store, 'executions/m/run-1', {
    size: 2,
    pacing: read,
  });
  return { store, read, keys: batches(batched).map(({ key }) => key) };
}

/** Merge Reports' input for two batches: the first child reported (at `round`), the second timed out. */
async function firstReportedSecondTimedOut(
  store: ReturnType<typeof memoryReportStore>,
  batched: BatchedPlan,
  round: number,
): Promise<MergeReportsInput> {
  const [first, second] = batches(batched);
  return {
    batches: [
      [
        {
          batchKey: first?.key ?? '',
          child: {
            execution: `${PARENT}-0`,
            status: 'SUCCEEDED',
            files: await childReport(store, await loadBatch(first?.key ?? '', store), 'child-0'),
            round,
          },
        },
        { batchKey: second?.key ?? '', crashed: { Error: 'States.Timeout' } },
      ],
    ],
    executionId: PARENT,
  };
}

describe('splitting the plan into child executions and merging their reports', () => {
  it('lists every requested membership exactly once in the merged report, whichever children fail', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 25 }),
        fc.subarray(['us-east-1', 'eu-west-1', 'ap-south-1'], { minLength: 1 }),
        fc.subarray([...SERVICE_NAMES], { minLength: 1 }),
        fc.infiniteStream(fc.boolean()),
        async (accounts, skipped, size, regions, services, crashes) => {
          const store = memoryReportStore();
          const whole = plan(accounts, skipped, regions, services);
          // Small children (4 pairs) so that the Region groups are split and merged too.
          const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1', {
            size,
            maxPairs: 4,
          });
          expect(batched.accounts).toEqual([]);
          const all = batched.regionGroups.flatMap(({ batches }) => batches);
          expect(
            all.every(({ accountCount, skippedCount }) => accountCount <= size && skippedCount <= size),
          ).toBe(true);
          // Groups run side by side: no Region in two groups, and each batch covers its group's Regions.
          const grouped = batched.regionGroups.flatMap(({ regions: groupRegions }) => groupRegions);
          expect(new Set(grouped).size).toBe(grouped.length);
          expect(new Set(grouped)).toEqual(new Set(whole.regions));
          for (const group of batched.regionGroups)
            for (const { key } of group.batches)
              expect((await loadBatch(key, store)).regions).toEqual(group.regions);
          const results = await Promise.all(
            batched.regionGroups.map(({ batches }, group) =>
              Promise.all(
                batches.map(async ({ key }, index) => {
                  if (crashes.next().value) return { batchKey: key, crashed: { Error: 'States.TaskFailed' } };
                  const name = `child-${group}-${index}`;
                  const files = await childReport(store, await loadBatch(key, store), name);
                  const child = {
                    execution: `${PARENT}-${group}-${index}`,
                    status: 'SUCCEEDED',
                    files,
                    round: 1,
                  };
                  return { batchKey: key, child };
                }),
              ),
            ),
          );
          const report = await mergeReports({ batches: results, executionId: PARENT }, mergeDeps(store));
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
          expect(htmlCells(await store.get(report.files?.html ?? ''))).toHaveLength(expected.length);
          const counted = Object.values(report.counts).reduce((sum, count) => sum + (count ?? 0), 0);
          expect(counted).toBe(expected.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("hands each batch of a group of Regions what the batch before it left of the buckets, else what the plan's reads left", async () => {
    const { store, read, keys } = await pacedBatches();
    const [first, second, third] = await Promise.all(keys.map((key) => loadBatch(key, store)));
    // Before any child's last check has written: the plan's reads, for every batch.
    expect([first?.pacing, second?.pacing, third?.pacing]).toEqual([read, read, read]);
    expect(new Set([first?.pacingKey, second?.pacingKey, third?.pacingKey]).size).toBe(3);
    // The first child's last check writes where its plan says: the second child reads it, the third
    // (after the second, which wrote nothing) keeps the plan's reads.
    const left = [{ ...read[0], tokens: 3.5, at: 1_800_000_005_000 }];
    await store.put(first?.pacingKey ?? '', JSON.stringify(left), 'application/json');
    expect((await loadBatch(keys[1] ?? '', store)).pacing).toEqual(left);
    expect((await loadBatch(keys[2] ?? '', store)).pacing).toEqual(read);
  });

  it.each([
    ['not JSON', '{"tokens": 3'],
    [
      'not what a check writes',
      JSON.stringify([{ service: 'securityhub', region: 'us-east-1', tokens: 'many' }]),
    ],
  ])(
    "starts a batch from the plan's reads when the pacing file before it is %s, and says so",
    async (_, body) => {
      const { store, read, keys } = await pacedBatches();
      const [first, second] = keys;
      const firstPlan = await loadBatch(first ?? '', store);
      await store.put(firstPlan.pacingKey ?? '', body, 'application/json');
      const heard: string[] = [];

      const loaded = await loadBatch(second ?? '', store, (message) => heard.push(message));

      expect(loaded.pacing).toEqual(read);
      expect(loaded.accounts).toHaveLength(2);
      expect(heard).toEqual([
        `the pacing file ${firstPlan.pacingKey} cannot be read; the batch starts from the plan's pacing`,
      ]);
    },
  );

  it("reports a failed child's accounts FAILED with its error, and its skipped accounts as they were", async () => {
    const store = memoryReportStore();
    const whole = plan(2, 1, ['us-east-1']);
    const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1');
    const report = await mergeReports(
      {
        batches: [[{ batchKey: batches(batched)[0]?.key ?? '', crashed: { Error: 'States.Timeout' } }]],
        executionId: PARENT,
      },
      mergeDeps(store),
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
    expect(await store.get(report.files?.csv ?? '')).toContain(
      'account,accountId,accountName,region,service,outcome,reason',
    );
  });

  it('reads a batch written before central pairs were carried: its central Regions hold for every service, as the member side took them', async () => {
    const store = memoryReportStore();
    const [key] = batches(
      await storeBatches(plan(1, 0, ['us-east-1', 'eu-west-1']), store, 'executions/muster-onboarding/run-1'),
    ).map((batch) => batch.key);
    const { centrallyConfigured: _, ...written } = JSON.parse(await store.get(key ?? ''));
    await store.put(
      key ?? '',
      JSON.stringify({ ...written, securityHubCentralRegions: ['eu-west-1'] }),
      'application/json',
    );

    const loaded = await loadBatch(key ?? '', store);
    expect(loaded.centrallyConfigured).toEqual([
      { region: 'eu-west-1', service: 'securityhub' },
      { region: 'eu-west-1', service: 'detective' },
    ]);
    expect(loaded).not.toHaveProperty('securityHubCentralRegions');
  });

  it('reads a batch written before over-limit entries named their service as past the one limit that counts every member', async () => {
    const store = memoryReportStore();
    const whole = plan(2, 0, ['eu-west-1']);
    whole.overMemberLimit = [
      { region: 'eu-west-1', service: 'detective', accountIds: [id(1)], reason: 'full' },
    ];
    const [key] = batches(
      await storeBatches(whole, store, 'executions/muster-onboarding/run-1', { size: 1 }),
    ).map((batch) => batch.key);
    const written = JSON.parse(await store.get(key ?? ''));
    // As a parent before the update wrote it: the entry without its service.
    written.overMemberLimit = [{ region: 'eu-west-1', accountIds: [id(0)], reason: 'full' }];
    await store.put(key ?? '', JSON.stringify(written), 'application/json');

    expect((await loadBatch(key ?? '', store)).overMemberLimit).toEqual([
      { region: 'eu-west-1', service: 'detective', accountIds: [id(0)], reason: 'full' },
    ]);
  });

  it("reports the accounts past Detective's limit FAILED for Detective in that Region only, with the reason", async () => {
    const store = memoryReportStore();
    const whole = plan(4, 0, ['us-east-1', 'eu-west-1']);
    whole.pairs = whole.pairs.map((pair) => ({ ...pair, enabled: true }));
    const reason = 'a behavior graph holds at most 1200, so this account was not added';
    whole.overMemberLimit = [
      { region: 'eu-west-1', service: 'detective', accountIds: [id(2), id(3)], reason },
    ];
    const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1', { size: 3 });
    expect(batched).not.toHaveProperty('overMemberLimit');
    const parts = await Promise.all(batches(batched).map(({ key }) => loadBatch(key, store)));
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
        batchKey: batches(batched)[index]?.key ?? '',
        child: {
          execution: `${PARENT}-${index}`,
          status: 'SUCCEEDED',
          files: await childReport(store, part, `child-${index}`),
          round: 0,
        },
      })),
    );
    const report = await mergeReports({ batches: [results], executionId: PARENT }, mergeDeps(store));
    expect(report.counts).toEqual({ ENABLED: 14, FAILED: 2 });
    const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
    expect(rows.filter(({ outcome }) => outcome === 'FAILED')).toEqual([
      { accountId: id(2), region: 'eu-west-1', service: 'detective', outcome: 'FAILED', reason },
      { accountId: id(3), region: 'eu-west-1', service: 'detective', outcome: 'FAILED', reason },
    ]);
  });

  it('fails for a member limit only the service, Region and accounts its entry names', () => {
    const whole = plan(2, 0, ['us-east-1', 'eu-west-1'], ['securityhub', 'detective', 'guardduty']);
    const reason = 'GuardDuty holds at most 1000 invited members, so this account was not added';
    whole.overMemberLimit = [{ region: 'eu-west-1', service: 'guardduty', accountIds: [id(1)], reason }];
    const rows = whole.pairs.flatMap(({ region, service }) =>
      [id(0), id(1)].map((accountId) => ({
        accountId,
        region,
        service,
        outcome: 'SERVICE_NOT_ENABLED' as const,
        reason: 'off',
      })),
    );
    const failed = withMemberLimitFailures(rows, whole).filter(({ outcome }) => outcome === 'FAILED');
    expect(failed).toEqual([
      { accountId: id(1), region: 'eu-west-1', service: 'guardduty', outcome: 'FAILED', reason },
    ]);
  });

  it("tells onFinished, once its files are written, the trigger, the status and the whole execution's coverage, a failed child's memberships included", async () => {
    const store = memoryReportStore();
    const whole = { ...plan(4, 0, ['us-east-1']), trigger: 'sweep' as const };
    whole.pairs = whole.pairs.map((pair) => ({ ...pair, enabled: true }));
    const batched = await storeBatches(whole, store, 'executions/muster-onboarding/run-1', { size: 2 });
    const told: unknown[] = [];
    const report = await mergeReports(await firstReportedSecondTimedOut(store, batched, 0), {
      ...mergeDeps(store),
      onFinished: (finished) => {
        // Told after the report exists: a retried invocation that failed to write told nothing.
        expect(store.objects.has('executions/muster-onboarding/run-1/report.html')).toBe(true);
        told.push(finished);
      },
    });
    expect(told).toEqual([
      {
        trigger: 'sweep',
        status: report.status,
        coverage: {
          pairs: [
            { region: 'us-east-1', service: 'securityhub', enabled: 2, expected: 4, percent: 50 },
            { region: 'us-east-1', service: 'detective', enabled: 2, expected: 4, percent: 50 },
          ],
          outcomes: { ENABLED: 4, FAILED: 4 },
        },
      },
    ]);
    expect(report.status).toBe('NEEDS_ATTENTION');
  });

  it('refuses batches whose plans name different triggers, naming them, before writing any report', async () => {
    const store = memoryReportStore();
    const batched = await storeBatches(
      plan(4, 0, ['us-east-1']),
      store,
      'executions/muster-onboarding/run-1',
      {
        size: 2,
      },
    );
    const input = await firstReportedSecondTimedOut(store, batched, 0);
    const second = input.batches[0]?.[1]?.batchKey ?? '';
    const loadDifferent = async (key: string) => {
      const loaded = await loadBatch(key, store);
      return key === second ? { ...loaded, trigger: 'sweep' as const } : loaded;
    };
    const written = store.objects.size;
    await expect(mergeReports(input, { ...mergeDeps(store), loadBatch: loadDifferent })).rejects.toThrow(
      new InvalidInputError(
        'batches: the batch plans name the triggers ["manual","sweep"]; one execution\'s batches all carry the one trigger that started it',
      ),
    );
    expect(store.objects.size).toBe(written);
  });

  it.each([
    [['manual', 'manual'], 'manual'],
    [['sweep'], 'sweep'],
    [
      ['AccountJoinedOrganization', 'AccountJoinedOrganization', 'AccountJoinedOrganization'],
      'AccountJoinedOrganization',
    ],
  ] as const)("takes the execution's trigger from its batches' plans %j: %s", (triggers, expected) => {
    expect(executionTrigger(triggers)).toBe(expected);
  });

  it('refuses an execution with no batch plan to tell its trigger', () => {
    expect(() => executionTrigger([])).toThrow(InvalidInputError);
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

  it('gives no child more than MAX_CHILD_PAIRS pairs or CHILD_BATCH_ACCOUNTS accounts, and each membership to one child, for every Region and service of a partition', () => {
    const awsRegions = [...KNOWN_REGIONS].filter((region) => partitionOf(region) === 'aws');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_500 }),
        fc.integer({ min: 0, max: 300 }),
        fc.subarray(awsRegions, { minLength: 1 }),
        fc.subarray([...SERVICE_NAMES], { minLength: 1 }),
        (accounts, skipped, regions, services) => {
          const whole = plan(accounts, skipped, regions, services);
          const batches = splitPlan(whole);
          const seen = new Map<string, number>();
          for (const batch of batches) {
            expect(batch.pairs.length).toBeLessThanOrEqual(MAX_CHILD_PAIRS);
            expect(batch.accounts.length).toBeLessThanOrEqual(CHILD_BATCH_ACCOUNTS);
            // Every per-Region list of a child stays within its Regions.
            for (const { region } of [...batch.pairs, ...batch.homes, ...batch.notOffered])
              expect(batch.regions).toContain(region);
            for (const accountId of [...batch.accountIds, ...batch.skipped.map((entry) => entry.accountId)])
              for (const { region, service } of batch.pairs) {
                const key = membershipKey(accountId, region, service);
                seen.set(key, (seen.get(key) ?? 0) + 1);
              }
          }
          const expected = [...whole.accountIds, ...whole.skipped.map(({ accountId }) => accountId)].flatMap(
            (accountId) =>
              whole.pairs.map(({ region, service }) => membershipKey(accountId, region, service)),
          );
          expect([...seen.keys()].sort()).toEqual(expected.sort());
          expect([...seen.values()].every((count) => count === 1)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("keeps each child's worst-case history under 12,500 events with 3 services in every Region (docs/benchmark.md)", () => {
    // 72 + 169·pairs + 404·rounds: every Lambda invocation retried to its limit, at most 12 poll rounds.
    const worstCase = (pairs: number) => 72 + 169 * pairs + 404 * MAX_POLL_ROUNDS;
    const all = plan(1, 0, [...BENCH_REGIONS], [...SERVICE_NAMES]);
    expect(worstCase(all.pairs.length)).toBeGreaterThan(12_500);
    const groups = groupRegions(all, MAX_CHILD_PAIRS);
    expect(groups.map((group) => group.length)).toEqual([9, 8]);
    const children = splitPlan(all);
    expect(children.map(({ pairs }) => pairs.length)).toEqual([27, 24]);
    expect(Math.max(...children.map(({ pairs }) => worstCase(pairs.length)))).toBeLessThanOrEqual(12_500);
    // Two services in 17 Regions stay one child, as before.
    expect(splitPlan(plan(1, 0, [...BENCH_REGIONS]))).toHaveLength(1);
  });

  it('narrows a child of a group of Regions to them: homes, central Regions, Regions AWS does not offer, the Detective limit', () => {
    const whole = plan(2, 1, ['us-east-1', 'eu-west-1', 'ap-south-1'], [...SERVICE_NAMES]);
    whole.centrallyConfigured = [
      { region: 'us-east-1', service: 'securityhub' },
      { region: 'ap-south-1', service: 'securityhub' },
    ];
    whole.notOffered = [{ region: 'ap-south-1', service: 'guardduty' }];
    whole.overMemberLimit = [
      { region: 'ap-south-1', service: 'detective', accountIds: [id(1)], reason: 'full' },
    ];
    const parts = splitPlan(whole, 1_000, 6);
    expect(parts.map(({ regions, accountIds }) => [regions, accountIds])).toEqual([
      [['us-east-1', 'eu-west-1'], [id(0)]],
      [['ap-south-1'], [id(0)]],
      [['us-east-1', 'eu-west-1'], [id(1)]],
      [['ap-south-1'], [id(1)]],
    ]);
    expect(parts[0]?.centrallyConfigured).toEqual([{ region: 'us-east-1', service: 'securityhub' }]);
    expect(parts[0]?.notOffered).toEqual([]);
    expect(parts[1]?.notOffered).toEqual([{ region: 'ap-south-1', service: 'guardduty' }]);
    expect(parts[2]).not.toHaveProperty('overMemberLimit');
    expect(parts[3]?.overMemberLimit).toEqual([
      { region: 'ap-south-1', service: 'detective', accountIds: [id(1)], reason: 'full' },
    ]);
    expect(parts[3]?.pairs.find(({ service }) => service === 'detective')).toEqual({
      region: 'ap-south-1',
      service: 'detective',
      enabled: false,
    });
    // Every skipped account is reported in each group's Regions.
    expect(parts.filter(({ skipped }) => skipped.length === 1).map(({ regions }) => regions)).toEqual([
      ['us-east-1', 'eu-west-1'],
      ['ap-south-1'],
    ]);
  });

  it('stores a plan with nothing to do whole, and hands on its lists only when they are short', async () => {
    const store = memoryReportStore();
    const prefix = 'executions/muster-onboarding/run-1';
    const short = { ...plan(LISTED_WITHOUT_WORK - 1, 1, ['us-east-1']), hasWork: false, dryRun: true };
    expect(await storePlan(short, store, prefix)).toEqual({
      ...short,
      accountCount: LISTED_WITHOUT_WORK - 1,
      skippedCount: 1,
      planKey: `${prefix}/plan.json`,
      planBucket: 'memory',
    });
    const long = { ...plan(5_000, 300, ['us-east-1']), hasWork: false, dryRun: true };
    long.overMemberLimit = [
      { region: 'us-east-1', service: 'detective', accountIds: long.accountIds, reason: 'full' },
    ];
    const carried = await storePlan(long, store, prefix);
    expect(carried).toMatchObject({
      accounts: [],
      accountIds: [],
      skipped: [],
      accountCount: 5_000,
      skippedCount: 300,
    });
    expect(carried).not.toHaveProperty('overMemberLimit');
    expect(JSON.stringify(carried).length).toBeLessThan(4_096);
    // A stored plan carries no pacing and has no child to write any: loaded, it has none to hand on.
    expect(await loadBatch(carried.planKey, store)).toEqual({ ...long, pacing: [], pacingKey: null });
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

describe('account names through the batch files into the merged report', () => {
  const LONG = 'x'.repeat(300);
  const NAMES = new Map([
    [id(0), 'payments-prod'],
    [id(1), '=HYPERLINK("http://evil.example","click")'],
    [id(2), `<img src=x onerror=alert(1)> ${LONG}`],
    [id(50_000), 'closed-sandbox'],
  ]);

  it('writes the names to the batch files only, never to the plan a child loads into its state', async () => {
    const store = memoryReportStore();
    const batched = await storeBatches(plan(3, 1, ['us-east-1']), store, 'executions/m/run-1', {
      size: 2,
      names: NAMES,
    });
    const keys = batches(batched).map(({ key }) => key);

    expect(JSON.stringify(batched)).not.toContain('payments-prod');
    const files = await Promise.all(keys.map((key) => loadBatchFile(key, store)));
    expect(files.map(({ accountNames }) => accountNames)).toEqual([
      { [id(0)]: 'payments-prod', [id(1)]: NAMES.get(id(1)), [id(50_000)]: 'closed-sandbox' },
      { [id(2)]: `${[...(NAMES.get(id(2)) ?? '')].slice(0, ACCOUNT_NAME_MAX - 1).join('')}…` },
    ]);
    for (const key of keys) expect(await loadBatch(key, store)).not.toHaveProperty('accountNames');
  });

  it("puts each account's name in the merged JSON Lines and CSV rows, a failed child's included", async () => {
    const store = memoryReportStore();
    const whole = plan(3, 1, ['us-east-1']);
    const batched = await storeBatches(whole, store, 'executions/m/run-1', { size: 2, names: NAMES });
    const report = await mergeReports(await firstReportedSecondTimedOut(store, batched, 1), {
      ...mergeDeps(store),
      loadBatch: (key) => loadBatchFile(key, store),
    });

    const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
    const nameOf = (accountId: string) =>
      rows.filter((row) => row.accountId === accountId).map(({ accountName }) => accountName);
    expect(nameOf(id(0))).toEqual(['payments-prod', 'payments-prod']);
    expect(nameOf(id(50_000))).toEqual(['closed-sandbox', 'closed-sandbox']);
    expect(nameOf(id(2))[0]).toHaveLength(ACCOUNT_NAME_MAX);
    expect(nameOf(id(2))[0]?.endsWith('…')).toBe(true);
    const csv = parse(await store.get(report.files?.csv ?? ''), { columns: true }) as Record<
      string,
      string
    >[];
    const injected = csv.find((row) => row.accountId === id(1));
    // A spreadsheet shows the name as text: the formula is behind an apostrophe in both columns.
    expect(injected?.accountName).toBe(`'${NAMES.get(id(1))}`);
    expect(injected?.account).toBe(`${id(1)} (${NAMES.get(id(1))})`);
    expect(csv.find((row) => row.accountId === id(0))?.account).toBe(`${id(0)} (payments-prod)`);
  });

  it('writes the merged report as an HTML matrix too, named, escaped, and named in the Cause', async () => {
    const store = memoryReportStore();
    const batched = await storeBatches(plan(3, 1, ['us-east-1']), store, 'executions/m/run-1', {
      size: 2,
      names: NAMES,
    });
    const report = await mergeReports(await firstReportedSecondTimedOut(store, batched, 1), {
      ...mergeDeps(store),
      loadBatch: (key) => loadBatchFile(key, store),
    });

    expect(report.files?.html).toBe('executions/muster-onboarding/run-1/report.html');
    const html = await store.get(report.files?.html ?? '');
    const rows = parseJsonLines(await store.get(report.files?.jsonl ?? ''));
    expect(htmlCells(html)).toHaveLength(rows.length);
    expect(html).toContain('<title>muster report: run-1</title>');
    expect(html).toContain(`Status <b id="status">${report.status}</b>`);
    expect(html).toContain(`as of ${MERGED_AT.toISOString()}`);
    expect(html).toContain(`<td class="account">${id(0)} (payments-prod)</td>`);
    // A name is text in the page, never markup: the report may be mailed to an auditor.
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(`${id(2)} (&lt;img src=x onerror=alert(1)&gt;`);
    expect(report.cause).toContain(report.files?.html);
  });
});

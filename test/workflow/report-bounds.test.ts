import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_REGIONS } from '../../bench/regions.ts';
import { membershipKey, pairKey } from '../../functions/shared/domain/keys.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import { runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import { enabledInStandIn, readReportRows, requestedMemberships } from '../../local/runner/verify.ts';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { ADMINISTRATOR, listing, organization, outsider } from './scenarios.ts';

/** What muster holds itself to, below Step Functions' 256 KiB (issue 15, item 12). */
const STATE_BUDGET = 200 * 1024;
const ACCOUNTS = 1_000;
const SERVICES: ServiceName[] = ['securityhub', 'detective'];

/**
 * One invited account's troubles, each making its failures differ from every other account's: its
 * own other administrator (a CONFLICT naming it), its own disabled Regions, a missing member role,
 * a wrong Detective email. Together: thousands of distinct (reason, pairs) groups.
 */
const trouble = fc.record({
  otherAdministrator: fc.option(fc.constantFrom<ServiceName>(...SERVICES), { nil: undefined }),
  disabledRegions: fc.subarray(BENCH_REGIONS, { maxLength: 8 }),
  memberRoleMissing: fc.boolean(),
  wrongDetectiveEmail: fc.boolean(),
});

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('the onboarding workflow with scattered, distinct failures at 1,000 accounts × 17 Regions', () => {
  it('keeps every state under 200 KiB and reports every membership exactly once in the report file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(trouble, { minLength: ACCOUNTS, maxLength: ACCOUNTS }), async (troubles) => {
        const accounts = troubles.map((t, index) => {
          const accountId = String(500000000000 + index);
          return outsider(accountId, {
            disabledRegions: t.disabledRegions,
            memberRoleMissing: t.memberRoleMissing,
            ...(t.otherAdministrator === undefined
              ? {}
              : { otherAdministrator: { [t.otherAdministrator]: String(600000000000 + index) } }),
            ...(t.wrongDetectiveEmail ? { detectiveEmail: `real+${accountId}@example.net` } : {}),
          });
        });
        const standIn = await startStandIn({
          scenario: organization({ regions: [...BENCH_REGIONS], accounts }),
          timeScale: 0,
        });
        started.push(standIn);

        const run = await runLocalWorkflow({
          standIn,
          timeScale: 0,
          input: { ...listing(accounts), regions: BENCH_REGIONS },
          // One poll round: the member side's failures, and the check's records, pass through the state.
          settings: { pollIntervalSeconds: 60, pollTimeoutMinutes: 1 },
          payloadLimit: STATE_BUDGET,
        });

        expect(run.error, run.cause).toBe('OnboardingNeedsAttention');
        expect(run.history.maxPayloadBytes).toBeLessThanOrEqual(STATE_BUDGET);
        const requested = requestedMemberships(
          accounts.map(({ accountId }) => accountId),
          BENCH_REGIONS,
          SERVICES,
        );
        expect(run.report?.notEnabledComplete).toBe(false);
        const reading = readReportRows(
          run.memberships ?? [],
          run.report ?? { counts: {}, total: 0 },
          requested,
        );
        expect(reading.problems).toEqual([]);
        // Each trouble ends in its own outcome, never ENABLED.
        for (const [index, t] of troubles.entries()) {
          const accountId = String(500000000000 + index);
          for (const region of t.disabledRegions)
            for (const service of SERVICES)
              expect(reading.outcomes.get(membershipKey(accountId, region, service))).not.toBe('ENABLED');
        }
        await standIn.stop();
        started.splice(started.indexOf(standIn), 1);
      }),
      // A run onboards 34,000 memberships (about a minute on two cores): one random sample per test run.
      { numRuns: 1, endOnFailure: true },
    );
  }, 300_000);
});

describe('the onboarding workflow with more Region × service pairs than one child takes', () => {
  it.each([
    // One more Region than a child takes with two services: 36 pairs, 9 Regions × 2 services each.
    { regions: [...BENCH_REGIONS, 'me-central-1'], services: SERVICES },
    // 17 Regions × 3 services = 51 pairs: a child takes 11 Regions with three, so two children.
    { regions: BENCH_REGIONS, services: [...SERVICES, 'guardduty'] satisfies ServiceName[] },
  ])(
    'gives each child at most MAX_CHILD_PAIRS pairs and reports every membership exactly once ($services.length services)',
    async ({ regions, services }) => {
      const accounts = [outsider('500000000001'), outsider('500000000002')];
      const standIn = await startStandIn({ scenario: organization({ regions, accounts }), timeScale: 0 });
      started.push(standIn);
      const run = await runLocalWorkflow({
        standIn,
        timeScale: 0,
        input: { ...listing(accounts), regions, services },
        settings: { pollIntervalSeconds: 60, pollTimeoutMinutes: 1 },
      });
      expect(run.status, `${run.error}: ${run.cause}`).toBe('SUCCEEDED');
      expect(run.children.map(({ status }) => status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      // Before the pair bound this was one child of every pair. The two Region groups share no Region,
      // so their children run side by side (they ran one after another).
      expect(run.children.map(({ runningAtStart }) => runningAtStart.length).sort()).toEqual([0, 1]);
      const requested = requestedMemberships(
        accounts.map(({ accountId }) => accountId),
        regions,
        services,
      );
      const reading = readReportRows(
        run.memberships ?? [],
        run.report ?? { counts: {}, total: 0 },
        requested,
      );
      expect(reading.problems).toEqual([]);
      expect(new Set(reading.outcomes.values())).toEqual(new Set(['ENABLED']));
    },
    120_000,
  );
});

describe('a dry run through the state machine', () => {
  it('ends with counts and the plan object, not the plan, however many accounts it plans', async () => {
    // 5,000 accounts with their emails: about 300 KB of plan, past the 256 KiB a state may carry.
    const accounts = Array.from({ length: 5_000 }, (_, index) => {
      const accountId = String(300000000000 + index);
      return { accountId, email: `aws+${accountId}@example.com`, joinedMethod: 'CREATED' as const };
    });
    const standIn = await startStandIn({
      scenario: organization({ regions: ['us-east-1'], accounts }),
      timeScale: 0,
    });
    started.push(standIn);
    const run = await runLocalWorkflow({
      standIn,
      timeScale: 0,
      input: { allAccounts: true, dryRun: true },
      payloadLimit: STATE_BUDGET,
    });

    expect(run.status, `${run.error}: ${run.cause}`).toBe('SUCCEEDED');
    expect(run.history.maxPayloadBytes).toBeLessThanOrEqual(10 * 1024);
    expect(run.plan).toMatchObject({ dryRun: true, hasWork: false, accountCount: 5_000, accounts: [] });
    expect(run.storedPlan?.accountIds).toHaveLength(5_000);
    expect(run.storedPlan?.accounts[0]).toEqual({
      accountId: '300000000000',
      email: 'aws+300000000000@example.com',
    });
    expect(run.children).toEqual([]);
  }, 120_000);
});

describe("Detective's 1,200 members per behavior graph, end to end", () => {
  it('onboards everyone else and reports the accounts past the limit FAILED for Detective there, with the reason', async () => {
    const accounts = Array.from({ length: 1_205 }, (_, index) => {
      const accountId = String(300000000000 + index);
      return { accountId, email: `aws+${accountId}@example.com`, joinedMethod: 'CREATED' as const };
    });
    const regions = ['us-east-1', 'eu-west-1'];
    const standIn = await startStandIn({ scenario: organization({ regions, accounts }), timeScale: 0 });
    started.push(standIn);
    const run = await runLocalWorkflow({
      standIn,
      timeScale: 0,
      input: { allAccounts: true },
      settings: { pollIntervalSeconds: 60, pollTimeoutMinutes: 1 },
      payloadLimit: STATE_BUDGET,
    });

    expect(run.error, run.cause).toBe('OnboardingNeedsAttention');
    // 1,200 accounts in batches of 1,000, and the 5 past the limit in a batch of their own.
    expect(run.children.map(({ status }) => status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    // All three are batches of the same Regions: one at a time, each with the Regions' whole quota.
    expect(run.children.map(({ runningAtStart }) => runningAtStart)).toEqual([[], [], []]);
    // Every account of the organization: the administrator is reported too (SKIPPED_ADMINISTRATOR).
    const requested = requestedMemberships(
      [ADMINISTRATOR, ...accounts.map(({ accountId }) => accountId)],
      regions,
      SERVICES,
    );
    const reading = readReportRows(run.memberships ?? [], run.report ?? { counts: {}, total: 0 }, requested);
    expect(reading.problems).toEqual([]);
    const failed = (run.memberships ?? []).filter(
      ({ accountId, outcome }) => outcome !== 'ENABLED' && accountId !== ADMINISTRATOR,
    );
    const over = accounts.slice(1_200).map(({ accountId }) => accountId);
    expect(
      failed
        .map(({ accountId, region, service, outcome }) => `${accountId} ${region} ${service} ${outcome}`)
        .sort(),
    ).toEqual(over.flatMap((id) => regions.map((region) => `${id} ${region} detective FAILED`)).sort());
    expect(failed.every(({ reason }) => reason.includes('at most 1200'))).toBe(true);
    // Nothing was asked of Detective for them: each graph holds exactly 1,200 members.
    const held = enabledInStandIn(run.standIn, ADMINISTRATOR);
    for (const region of regions)
      expect(
        requested.filter((key) => key.endsWith(pairKey(region, 'detective')) && held.has(key)),
      ).toHaveLength(1_200);
  }, 300_000);
});

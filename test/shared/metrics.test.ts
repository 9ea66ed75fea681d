import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { PLAN_TRIGGERS } from '../../functions/shared/contracts.ts';
import { SWEEP_RESULTS, sweepResult, sweepWithoutWork } from '../../functions/shared/domain/sweep.ts';
import {
  COVERAGE_METRICS,
  METRIC_TRIGGERS,
  RESULT_DIMENSION,
  recordFinishedExecution,
  recordSweepFinished,
  TRIGGER_DIMENSION,
} from '../../functions/shared/observability.ts';
import type { Coverage } from '../../functions/shared/report/formats/coverage.ts';
import { emittedMetrics } from '../emf.ts';

const sample = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

const COVERAGE: Coverage = {
  pairs: [
    { region: 'us-east-1', service: 'securityhub', enabled: 1, expected: 2, percent: 50 },
    // Nothing expected (every account skipped by rule): no percent, so no metric.
    { region: 'eu-west-1', service: 'securityhub', enabled: 0, expected: 0 },
  ],
  outcomes: { ENABLED: 1, FAILED: 1, SKIPPED_ADMINISTRATOR: 2 },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Trigger dimension', () => {
  it.each([
    ['the schedule sweep', sample('triggers/scheduled-sweep'), 'sweep'],
    ['a sweep started by hand as a dry run', { sweep: true, dryRun: true }, 'sweep'],
    [
      'an Organizations CreateAccountResult event',
      sample('triggers/create-account-result-succeeded'),
      'event',
    ],
    ['a failed account creation', sample('triggers/create-account-result-failed'), 'event'],
    [
      'a Control Tower CreateManagedAccount event',
      sample('triggers/control-tower-create-managed-account'),
      'event',
    ],
    [
      'a Control Tower UpdateManagedAccount event',
      sample('triggers/control-tower-update-managed-account'),
      'event',
    ],
    ['an AccountJoinedOrganization event', sample('triggers/account-joined-organization-invited'), 'event'],
    ['a manual list of accounts', sample('manual/accounts'), 'manual'],
    ['a manual {"allAccounts": true}', sample('manual/all-accounts'), 'manual'],
    ['a manual dry run', sample('manual/dry-run'), 'manual'],
  ])('says %s is %s', (_, input, expected) => {
    expect(METRIC_TRIGGERS[parseTrigger(input).trigger]).toBe(expected);
  });

  it('has three values, one for each plan trigger', () => {
    expect(Object.keys(METRIC_TRIGGERS).sort()).toEqual([...PLAN_TRIGGERS].sort());
    expect([...new Set(Object.values(METRIC_TRIGGERS))].sort()).toEqual(['event', 'manual', 'sweep']);
  });
});

describe('sweep results', () => {
  it.each([
    ['SUCCEEDED', 'covered'],
    ['NEEDS_ATTENTION', 'needs-attention'],
    ['PENDING', 'needs-attention'],
  ] as const)('makes a report %s a sweep %s, as the Onboarded? choice does', (status, result) => {
    expect(sweepResult(status)).toBe(result);
  });

  const skipped = (outcome: 'SKIPPED_ADMINISTRATOR' | 'STALE_MEMBER') => ({
    accountId: '111111111111',
    outcome,
    reason: 'why',
  });
  it.each([
    [
      'a sweep with every account skipped by rule',
      'sweep',
      false,
      false,
      [skipped('SKIPPED_ADMINISTRATOR')],
      'covered',
    ],
    ['a sweep with nothing at all', 'sweep', false, false, [], 'covered'],
    [
      'a sweep whose only account is a stale member',
      'sweep',
      false,
      false,
      [skipped('STALE_MEMBER')],
      'needs-attention',
    ],
    ['a sweep with work (Merge Reports records it)', 'sweep', false, true, [], undefined],
    ['a sweep as a dry run (nothing swept)', 'sweep', true, false, [], undefined],
    ['a manual run with nothing to do', 'manual', false, false, [], undefined],
    ['an event with nothing to do', 'CreateAccountResult', false, false, [], undefined],
  ] as const)('finishes %s without work as %s', (_, trigger, dryRun, hasWork, skippedAccounts, expected) => {
    expect(sweepWithoutWork({ trigger, dryRun, hasWork, skipped: [...skippedAccounts] })).toBe(expected);
  });
});

describe('metrics of a finished execution', () => {
  it.each([
    ['manual', 'manual'],
    ['CreateManagedAccount', 'event'],
  ] as const)(
    'a %s run: coverage and outcomes with Trigger %s, and no sweep metric',
    (trigger, dimension) => {
      const metrics = emittedMetrics(() =>
        recordFinishedExecution({ trigger, status: 'NEEDS_ATTENTION', coverage: COVERAGE }),
      );
      expect(metrics).toEqual([
        {
          namespace: 'Muster',
          name: COVERAGE_METRICS.coverage,
          dimensions: ['Region', 'Service', TRIGGER_DIMENSION, 'service'].sort(),
          values: { service: 'muster', Service: 'securityhub', Region: 'us-east-1', Trigger: dimension },
          value: 50,
          unit: 'Percent',
        },
        ...Object.entries(COVERAGE.outcomes).map(([outcome, count]) => ({
          namespace: 'Muster',
          name: COVERAGE_METRICS.outcome,
          dimensions: ['Outcome', TRIGGER_DIMENSION, 'service'].sort(),
          values: { service: 'muster', Outcome: outcome, Trigger: dimension },
          value: count,
          unit: 'Count',
        })),
      ]);
    },
  );

  it.each([
    ['SUCCEEDED', SWEEP_RESULTS.covered],
    ['NEEDS_ATTENTION', SWEEP_RESULTS.needsAttention],
  ] as const)(
    'a sweep whose report is %s: coverage with Trigger sweep, and one SweepsFinished, %s',
    (status, result) => {
      const metrics = emittedMetrics(() =>
        recordFinishedExecution({ trigger: 'sweep', status, coverage: COVERAGE }),
      );
      expect(metrics.filter(({ name }) => name !== COVERAGE_METRICS.sweepsFinished)).toHaveLength(4);
      for (const metric of metrics.filter(({ name }) => name !== COVERAGE_METRICS.sweepsFinished))
        expect(metric.values.Trigger).toBe('sweep');
      expect(metrics.filter(({ name }) => name === COVERAGE_METRICS.sweepsFinished)).toEqual(
        emittedMetrics(() => recordSweepFinished(result)),
      );
    },
  );

  it('writes a finished sweep once without Result, for the overdue alarm, and once with it', () => {
    expect(emittedMetrics(() => recordSweepFinished(SWEEP_RESULTS.needsAttention))).toEqual([
      {
        namespace: 'Muster',
        name: COVERAGE_METRICS.sweepsFinished,
        dimensions: ['service'],
        values: { service: 'muster' },
        value: 1,
        unit: 'Count',
      },
      {
        namespace: 'Muster',
        name: COVERAGE_METRICS.sweepsFinished,
        dimensions: [RESULT_DIMENSION, 'service'].sort(),
        values: { service: 'muster', Result: 'needs-attention' },
        value: 1,
        unit: 'Count',
      },
    ]);
  });
});

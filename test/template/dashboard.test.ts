import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLED_OUTCOMES } from '../../functions/shared/domain/outcomes.ts';
import {
  COVERAGE_METRICS,
  METRIC_TRIGGERS,
  RESULT_DIMENSION,
  recordFinishedExecution,
  TRIGGER_DIMENSION,
} from '../../functions/shared/observability.ts';
import { emittedMetrics } from '../emf.ts';
import { readTemplate } from './template.ts';

/** Every metric Merge Reports writes for one sweep: coverage and outcomes by trigger, and the finished sweep. */
function emitted() {
  return emittedMetrics(() =>
    recordFinishedExecution({
      trigger: 'sweep',
      status: 'NEEDS_ATTENTION',
      coverage: {
        pairs: [{ region: 'us-east-1', service: 'securityhub', enabled: 1, expected: 2, percent: 50 }],
        outcomes: { ENABLED: 1, FAILED: 1 },
      },
    }),
  ).map(({ namespace, dimensions, name }) => ({ namespace, dimensions, name }));
}

/** The SEARCH expressions of the dashboard's graphs. */
function searchExpressions(): string[] {
  return dashboard()
    .widgets.flatMap(({ properties }) => properties.metrics.flat())
    .flatMap((metric) =>
      typeof metric === 'object' && metric !== null && 'expression' in metric
        ? [String(metric.expression)]
        : [],
    );
}

function dashboard(): { widgets: { properties: { metrics: unknown[][] } }[] } {
  const resource = readTemplate('template.yaml').Resources.CoverageDashboard;
  expect(resource?.Type).toBe('AWS::CloudWatch::Dashboard');
  const sub = resource?.Properties?.DashboardBody as { 'Fn::Sub': [string, Record<string, unknown>] };
  const [body, variables] = sub['Fn::Sub'];
  expect(variables).toEqual({ StateMachineArn: { Ref: 'OnboardingStateMachine' } });
  // What CloudFormation substitutes does not change the metrics: placeholders become sample values.
  return JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x'));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CoverageDashboard', () => {
  it('searches for exactly the namespace, dimensions and names Merge Reports emits, every metric of it', () => {
    const searches = searchExpressions().map((expression) => {
      const match = /SEARCH\('\{([^}]+)\} MetricName="([^"]+)"/.exec(expression);
      expect(match, expression).not.toBeNull();
      const [namespace = '', ...dimensions] = (match?.[1] ?? '').split(',');
      return { namespace, dimensions: dimensions.sort(), name: match?.[2] ?? '' };
    });
    const metrics = emitted();
    for (const search of searches) expect(metrics).toContainEqual(search);
    expect([...new Set(searches.map(({ name }) => name))].sort()).toEqual(
      Object.values(COVERAGE_METRICS).sort(),
    );
  });

  it('graphs as needing attention every outcome but ENABLED and those skipped by rule', () => {
    const expressions = searchExpressions().filter((expression) =>
      expression.includes(`MetricName="${COVERAGE_METRICS.outcome}"`),
    );
    expect(expressions).toHaveLength(1);
    const left = [...(expressions[0] ?? '').matchAll(/NOT Outcome="([A-Z_]+)"/g)].map(
      ([, outcome]) => outcome,
    );
    expect(left.sort()).toEqual([...SETTLED_OUTCOMES].sort());
  });

  it('graphs the coverage of every trigger, and of sweeps alone', () => {
    const coverage = searchExpressions().filter((expression) =>
      expression.includes(`MetricName="${COVERAGE_METRICS.coverage}"`),
    );
    const sweepOnly = `${TRIGGER_DIMENSION}="${METRIC_TRIGGERS.sweep}"`;
    expect(coverage.filter((expression) => !expression.includes(`${TRIGGER_DIMENSION}=`))).toHaveLength(1);
    expect(coverage.filter((expression) => expression.includes(sweepOnly))).toHaveLength(1);
    expect(coverage).toHaveLength(2);
  });

  it('graphs finished sweeps by Result', () => {
    const sweeps = searchExpressions().filter((expression) =>
      expression.includes(`MetricName="${COVERAGE_METRICS.sweepsFinished}"`),
    );
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]).toContain(`{Muster,${RESULT_DIMENSION},service}`);
  });

  it('shows executions by result from the onboarding state machine', () => {
    const states = dashboard()
      .widgets.flatMap(({ properties }) => properties.metrics)
      .filter((metric) => metric[0] === 'AWS/States');
    expect(states.map((metric) => metric[1])).toEqual([
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
      'ExecutionsAborted',
    ]);
    for (const metric of states) expect(metric.slice(2)).toEqual(['StateMachineArn', 'x']);
  });
});

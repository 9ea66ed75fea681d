import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLED_OUTCOMES } from '../../functions/shared/domain/outcomes.ts';
import { COVERAGE_METRICS, recordCoverage } from '../../functions/shared/observability.ts';
import { readTemplate } from './template.ts';

interface Emitted {
  namespace: string;
  dimensions: string[];
  name: string;
}

/** The metrics recordCoverage writes as CloudWatch embedded metric format lines. */
function emitted(): Emitted[] {
  // Each single metric is a new Metrics, which reads the switch the test setup turns off.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((line) => {
    lines.push(String(line));
  });
  recordCoverage({
    pairs: [{ region: 'us-east-1', service: 'securityhub', enabled: 1, expected: 2, percent: 50 }],
    outcomes: { ENABLED: 1, FAILED: 1 },
  });
  write.mockRestore();
  log.mockRestore();
  vi.unstubAllEnvs();
  return lines
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const { _aws } = JSON.parse(line) as {
        _aws: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      return _aws.CloudWatchMetrics.flatMap(({ Namespace, Dimensions, Metrics }) =>
        Metrics.map(({ Name }) => ({
          namespace: Namespace,
          dimensions: [...(Dimensions[0] ?? [])].sort(),
          name: Name,
        })),
      );
    });
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
  it('searches for exactly the namespace, dimensions and names the check step emits', () => {
    const searches = dashboard()
      .widgets.flatMap(({ properties }) => properties.metrics.flat())
      .flatMap((metric) =>
        typeof metric === 'object' && metric !== null && 'expression' in metric
          ? [String(metric.expression)]
          : [],
      )
      .map((expression) => {
        const match = /SEARCH\('\{([^}]+)\} MetricName="([^"]+)"/.exec(expression);
        expect(match, expression).not.toBeNull();
        const [namespace = '', ...dimensions] = (match?.[1] ?? '').split(',');
        return { namespace, dimensions: dimensions.sort(), name: match?.[2] ?? '' };
      });
    const metrics = emitted();
    expect(searches.map(({ name }) => name).sort()).toEqual(Object.values(COVERAGE_METRICS).sort());
    for (const search of searches) expect(metrics).toContainEqual(search);
  });

  it('graphs as needing attention every outcome but ENABLED and those skipped by rule', () => {
    const expressions = dashboard()
      .widgets.flatMap(({ properties }) => properties.metrics.flat())
      .flatMap((metric) =>
        typeof metric === 'object' && metric !== null && 'expression' in metric
          ? [String(metric.expression)]
          : [],
      )
      .filter((expression) => expression.includes(`MetricName="${COVERAGE_METRICS.outcome}"`));
    expect(expressions).toHaveLength(1);
    const left = [...(expressions[0] ?? '').matchAll(/NOT Outcome="([A-Z_]+)"/g)].map(
      ([, outcome]) => outcome,
    );
    expect(left.sort()).toEqual([...SETTLED_OUTCOMES].sort());
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

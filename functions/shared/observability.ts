import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { maskEmails } from './domain/accounts.ts';
import type { Telemetry } from './engine.ts';
import type { Coverage } from './report/formats/coverage.ts';

/**
 * The longest correlation id a log line carries: an execution ARN's maximum (docs/aws-facts.md,
 * Step Functions, "Execution ARN length"). It is read before the input is parsed, so a longer one is clipped here.
 */
export const CORRELATION_ID_MAX_LENGTH = 256;

/** Characters of one string a log line carries: enough for any AWS message, never a whole oversized input. */
export const LOG_STRING_MAX_LENGTH = 4_096;

/** Cuts a string to `max` characters, saying how long it was. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}... (clipped, ${text.length} characters)` : text;
}

/** What becomes the correlation id of every log line: a string of at most an execution ARN's length, or none. */
export function boundCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' ? clip(value, CORRELATION_ID_MAX_LENGTH) : undefined;
}

/** Every string value of a log line: clipped first, so that masking and writing stay bounded, then masked. */
export function logSafe(value: string): string {
  return maskEmails(clip(value, LOG_STRING_MAX_LENGTH));
}

/**
 * The value of one top-level key, which is all CORRELATION_ID_PATH names: a JMESPath engine for
 * that (Powertools' jmespath, 23 KB of every bundle) would read nothing more.
 */
export function topLevelValue(key: string, data: unknown): unknown {
  return typeof data === 'object' && data !== null && Object.hasOwn(data, key)
    ? (data as Record<string, unknown>)[key]
    : undefined;
}

/** The one logger, tracer and metrics of every function; settings come from POWERTOOLS_* variables. */
// The search function lets injectLambdaContext read the correlation id at CORRELATION_ID_PATH.
export const logger = new Logger({
  serviceName: 'muster',
  // Root email addresses are personal data: no log line carries one in full, whatever logs it.
  jsonReplacerFn: (_key, value) => (typeof value === 'string' ? logSafe(value) : value),
  correlationIdSearchFn: (key, data) => boundCorrelationId(topLevelValue(key, data)),
});
// The Lambda bundles carry a Tracer without the X-Ray SDK (scripts/lambda-tracer.ts): Lambda's
// active tracing records each invocation, not each AWS call (README, "Tracing").
export const tracer = new Tracer({ serviceName: 'muster' });
export const metrics = new Metrics({ namespace: 'Muster', serviceName: 'muster' });

/** Sends the engine's counts to CloudWatch; the reason becomes a dimension of its own metric. */
export const telemetry: Telemetry = {
  count(metric, value, reason) {
    if (value === 0) return;
    if (reason === undefined) {
      metrics.addMetric(metric, MetricUnit.Count, value);
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension('Reason', reason);
    single.addMetric(metric, MetricUnit.Count, value);
  },
};

/** Where the Step Functions execution id sits in every Task input (a top-level key): the log correlation id. */
export const CORRELATION_ID_PATH = 'executionId';

/**
 * Counts every invocation publishes, so each one has metrics (an invocation without any makes
 * Powertools warn) and dashboards show zeros rather than gaps.
 */
export function recordCounts(counts: Record<string, number>): void {
  for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
}

/** The metrics of a finished check, as template.yaml's dashboard reads them. */
export const COVERAGE_METRICS = {
  /** Percent, dimensions Service and Region: enabled ÷ memberships expected (README, "Metrics and the coverage dashboard"). */
  coverage: 'CoveragePercent',
  /** Count, dimension Outcome: memberships per outcome. */
  outcome: 'MembershipsByOutcome',
} as const;

/**
 * Coverage per service and Region, and a count per outcome, once per execution (its final check).
 * Dimensions stay bounded: services × Regions of one partition, and the outcome vocabulary.
 */
export function recordCoverage({ pairs, outcomes }: Coverage): void {
  for (const { region, service, percent } of pairs) {
    if (percent === undefined) continue;
    const single = metrics.singleMetric();
    single.addDimensions({ Service: service, Region: region });
    single.addMetric(COVERAGE_METRICS.coverage, MetricUnit.Percent, percent);
  }
  for (const [outcome, count] of Object.entries(outcomes)) {
    const single = metrics.singleMetric();
    single.addDimension('Outcome', outcome);
    single.addMetric(COVERAGE_METRICS.outcome, MetricUnit.Count, count);
  }
}

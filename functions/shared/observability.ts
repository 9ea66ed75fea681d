import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Plan } from './contracts.ts';
import { maskEmails } from './domain/accounts.ts';
import type { ReportStatus } from './domain/report.ts';
import { type SweepResult, sweepResult } from './domain/sweep.ts';
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

/** The metrics of a finished execution, as template.yaml's dashboard and sweep alarms read them. */
export const COVERAGE_METRICS = {
  /** Percent, dimensions Service, Region and Trigger: enabled ÷ memberships expected (README, "Metrics and the coverage dashboard"). */
  coverage: 'CoveragePercent',
  /** Count, dimensions Outcome and Trigger: memberships per outcome. */
  outcome: 'MembershipsByOutcome',
  /** Count, a sweep that finished (its report, or nothing to onboard): without a dimension of its own, and with Result. */
  sweepsFinished: 'SweepsFinished',
} as const;

/** The dimension that tells apart what started an execution, and the one that says how a sweep ended. */
export const TRIGGER_DIMENSION = 'Trigger';
export const RESULT_DIMENSION = 'Result';

/**
 * What started an execution, as the Trigger dimension says it: the four account events are one
 * value, so the dimension stays three values whatever events are added. A new plan trigger fails
 * the type check here until it is given one.
 */
export const METRIC_TRIGGERS = {
  CreateAccountResult: 'event',
  CreateManagedAccount: 'event',
  UpdateManagedAccount: 'event',
  AccountJoinedOrganization: 'event',
  sweep: 'sweep',
  manual: 'manual',
} as const satisfies Record<Plan['trigger'], string>;
export type MetricTrigger = (typeof METRIC_TRIGGERS)[Plan['trigger']];

/**
 * Coverage per service and Region, and a count per outcome, once per execution (its final report),
 * each with what started the execution. Dimensions stay bounded: services × Regions of one
 * partition, the outcome vocabulary and three triggers.
 */
export function recordCoverage({ pairs, outcomes }: Coverage, trigger: MetricTrigger): void {
  for (const { region, service, percent } of pairs) {
    if (percent === undefined) continue;
    const single = metrics.singleMetric();
    single.addDimensions({ Service: service, Region: region, [TRIGGER_DIMENSION]: trigger });
    single.addMetric(COVERAGE_METRICS.coverage, MetricUnit.Percent, percent);
  }
  for (const [outcome, count] of Object.entries(outcomes)) {
    const single = metrics.singleMetric();
    single.addDimensions({ Outcome: outcome, [TRIGGER_DIMENSION]: trigger });
    single.addMetric(COVERAGE_METRICS.outcome, MetricUnit.Count, count);
  }
}

/**
 * One finished sweep, written twice: CloudWatch keeps each dimension set a metric of its own and an
 * alarm reads exactly one (docs/aws-facts.md, "The scheduled sweep and its alarms"). The overdue alarm
 * counts every finished sweep (no Result), the needs-attention alarm those with Result needs-attention.
 */
export function recordSweepFinished(result: SweepResult): void {
  metrics.singleMetric().addMetric(COVERAGE_METRICS.sweepsFinished, MetricUnit.Count, 1);
  const single = metrics.singleMetric();
  single.addDimension(RESULT_DIMENSION, result);
  single.addMetric(COVERAGE_METRICS.sweepsFinished, MetricUnit.Count, 1);
}

/** What an execution's report says, for its metrics. */
export interface FinishedExecution {
  trigger: Plan['trigger'];
  status: ReportStatus;
  coverage: Coverage;
}

/** An execution's report as metrics: its coverage by trigger, and for a sweep that it finished. */
export function recordFinishedExecution({ trigger, status, coverage }: FinishedExecution): void {
  const dimension = METRIC_TRIGGERS[trigger];
  recordCoverage(coverage, dimension);
  if (dimension === 'sweep') recordSweepFinished(sweepResult(status));
}

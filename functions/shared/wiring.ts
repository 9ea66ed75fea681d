import {
  type ClientSettings,
  perRegion,
  type RegionalClientClass,
  type RetryingClient,
  regionalClient,
} from './aws/clients.ts';
import type { Pacing } from './aws/pacing.ts';
import { s3Client } from './aws/s3.ts';
import { type Env, readClientSettings, readReportStoreSettings } from './config.ts';
import type { AdministratorStepOutput } from './contracts.ts';
import { groupFailures } from './domain/failures.ts';
import type { ServiceName } from './domain/services.ts';
import { logger, recordCounts, tracer } from './observability.ts';
import { type ReportStore, s3ReportStore } from './report/store.ts';
import type { OpenClient } from './services/registry.ts';

const UNBOUNDED = {
  ids: Number.POSITIVE_INFINITY,
  groups: Number.POSITIVE_INFINITY,
  reasonLength: Number.POSITIVE_INFINITY,
  otherReasonsLength: Number.POSITIVE_INFINITY,
};

/** One log line and the metrics of a step, with its counts; account ids of failures only (no emails). */
export function logStepOutput(step: string, output: AdministratorStepOutput): void {
  recordCounts({
    AccountsDone: Object.values(output.done).reduce((sum, ids) => sum + (ids?.length ?? 0), 0),
    AccountsToRetry: output.retry.length,
    AccountsFailed: output.failed.length,
  });
  logger.info(`${step} finished`, {
    region: output.region,
    // `service` is a key Powertools Logger keeps for itself (the service name): a value under it is dropped.
    awsService: output.service,
    done: Object.fromEntries(
      Object.entries(output.done).map(([outcome, ids]) => [outcome, ids?.length ?? 0]),
    ),
    retry: output.retry.length,
    retryReasons: output.retry.reduce<Record<string, number>>((counts, { reason }) => {
      counts[reason] = (counts[reason] ?? 0) + 1;
      return counts;
    }, {}),
    // Every account, grouped by outcome and reason: a reason repeated for 1,500 accounts would make
    // one log event larger than CloudWatch's 256 KB.
    failed: groupFailures([], output.failed, UNBOUNDED),
  });
}

/**
 * Made on first use and kept for the container's life. Configuration is read inside an invocation,
 * so a bad setting fails it with its ConfigurationError (which the state machine names) rather
 * than crashing the Lambda's start; a failed attempt is not kept.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** The report bucket of the stack (REPORT_BUCKET), through one traced S3 client. */
export function reportStore(env: Env): ReportStore {
  const { bucket, region, customEndpoint } = readReportStoreSettings(env);
  return s3ReportStore(
    tracer.captureAWSv3Client(s3Client(region, readClientSettings(env), customEndpoint)),
    bucket,
  );
}

/**
 * The administrator capabilities a Lambda container's step uses, as `make` joins them from the
 * registry's records (services/registry.ts, which stays free of observability so the CLI can import it
 * without making a logger): built once per service and Region on first use, on one traced client per
 * service and Region, paced by the container's `pacing`.
 */
export function administratorAdapters<A>(
  settings: ClientSettings,
  make: (service: ServiceName, open: OpenClient) => A,
  pacing: Pacing,
): (service: ServiceName, region: string) => A {
  const byRegion = perRegion((region) => {
    // A step that joins two capabilities of a service (read, then invite) speaks on one client.
    const clients = new Map<object, RetryingClient>();
    const open: OpenClient = <C extends RetryingClient>(Client: RegionalClientClass<C>): C => {
      const known = clients.get(Client);
      if (known !== undefined) return known as C;
      const client = tracer.captureAWSv3Client(regionalClient(Client, region, settings, { pacing }));
      clients.set(Client, client);
      return client;
    };
    const adapters = new Map<ServiceName, A>();
    return (service: ServiceName) => {
      let adapter = adapters.get(service);
      if (adapter === undefined) {
        adapter = make(service, open);
        adapters.set(service, adapter);
      }
      return adapter;
    };
  });
  return (service, region) => byRegion(region)(service);
}

import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { readClientSettings } from '#shared/config.ts';
import { checkOnboardingInputSchema, parseInput } from '#shared/contracts.ts';
import {
  CORRELATION_ID_PATH,
  logger,
  metrics,
  recordCounts,
  recordCoverage,
  tracer,
} from '#shared/observability.ts';
import { READERS } from '#shared/services/registry.ts';
import { administratorAdapters, onFirstUse, reportStore } from '#shared/wiring.ts';
import { checkMembers } from './check-members.ts';

/** One Lambda container's handler: the clients it makes on first use are its own. */
export function createHandler() {
  const adapters = onFirstUse(() =>
    administratorAdapters(readClientSettings(process.env), (service, open) => READERS[service](open)),
  );

  const store = onFirstUse(() => reportStore(process.env));

  async function run(event: unknown) {
    const report = await checkMembers(parseInput(checkOnboardingInputSchema, event, 'input'), {
      adapters: adapters(),
      store: store(),
      uniqueId: randomUUID,
      onCoverage: recordCoverage,
    });
    recordCounts({
      MembershipsEnabled: report.counts.ENABLED ?? 0,
      MembershipsNotEnabled: report.total - (report.counts.ENABLED ?? 0),
      MembershipsPending: report.pendingAccountIds.length,
    });
    logger.info('check members finished', {
      status: report.status,
      round: report.round,
      counts: report.counts,
      pendingAccounts: report.pendingAccountIds.length,
    });
    return report;
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

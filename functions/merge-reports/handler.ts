import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { parseInput } from '#shared/contracts.ts';
import {
  CORRELATION_ID_PATH,
  logger,
  metrics,
  recordCounts,
  recordFinishedExecution,
  tracer,
} from '#shared/observability.ts';
import { onFirstUse, reportStore } from '#shared/wiring.ts';
import { loadBatchFile } from '../resolve-accounts/batches.ts';
import { mergeReports, mergeReportsInputSchema } from './merge-reports.ts';

/** One Lambda container's handler: its S3 client is made on first use. */
export function createHandler() {
  const store = onFirstUse(() => reportStore(process.env));

  async function run(event: unknown) {
    const report = await mergeReports(parseInput(mergeReportsInputSchema, event, 'input'), {
      store: store(),
      loadBatch: (key) => loadBatchFile(key, store()),
      uniqueId: randomUUID,
      now: () => new Date(),
      onFinished: recordFinishedExecution,
    });
    recordCounts({
      MembershipsEnabled: report.counts.ENABLED ?? 0,
      MembershipsNotEnabled: report.total - (report.counts.ENABLED ?? 0),
    });
    logger.info('reports merged', { status: report.status, counts: report.counts, files: report.files });
    return report;
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

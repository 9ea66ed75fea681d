import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { Pacing } from '#shared/aws/pacing.ts';
import { readClientSettings } from '#shared/config.ts';
import {
  checkOnboardingInputSchema,
  type OnboardingReport,
  type Paced,
  parseInput,
} from '#shared/contracts.ts';
import { CORRELATION_ID_PATH, logger, metrics, recordCounts, tracer } from '#shared/observability.ts';
import { READERS } from '#shared/services/registry.ts';
import { administratorAdapters, onFirstUse, reportStore } from '#shared/wiring.ts';
import { checkMembers } from './check-members.ts';

/** One Lambda container's handler: the clients it makes on first use are its own. */
export function createHandler() {
  const settings = onFirstUse(() => readClientSettings(process.env));
  const pacing = onFirstUse(() => new Pacing(settings().callsPerSecond));
  const adapters = onFirstUse(() =>
    administratorAdapters(settings(), (service, open) => READERS[service](open), pacing()),
  );

  const store = onFirstUse(() => reportStore(process.env));

  async function run(event: unknown): Promise<OnboardingReport | Paced<OnboardingReport>> {
    const input = parseInput(checkOnboardingInputSchema, event, 'input');
    // Every step before it says what it left: the create steps (the first round), the last check and
    // the invite step since; the lowest level of each bucket counts.
    pacing().adopt([
      ...input.administrator.flatMap((pair) => pair.pacing ?? []),
      ...(input.pacing ?? []),
      ...(input.invited.pacing ?? []),
    ]);
    const report = await checkMembers(input, {
      adapters: adapters(),
      store: store(),
      uniqueId: randomUUID,
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
    // A next round's steps get it in the state; after the last round, the next child execution of
    // this group of Regions reads it (the report is the child's output: it stays out of it).
    if (report.keepPolling) return { ...report, pacing: pacing().carried() };
    if (input.pacingKey) await handOn(input.pacingKey);
    return report;
  }

  async function handOn(key: string): Promise<void> {
    try {
      await store().put(key, JSON.stringify(pacing().carried()), 'application/json');
    } catch (error) {
      // Pacing only: the next child then starts from what Resolve Accounts left, and the SDK retries
      // what AWS throttles.
      logger.warn('could not hand on what the check left of the buckets', { key, error });
    }
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

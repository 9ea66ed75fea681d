import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { perRegion, regionalClient } from '#shared/aws/clients.ts';
import { Pacing } from '#shared/aws/pacing.ts';
import { readClientSettings } from '#shared/config.ts';
import { batchInputSchema, executionIdSchema, parseInput } from '#shared/contracts.ts';
import { sweepWithoutWork } from '#shared/domain/sweep.ts';
import {
  CORRELATION_ID_PATH,
  logger,
  metrics,
  recordCounts,
  recordSweepFinished,
  tracer,
} from '#shared/observability.ts';
import { executionPrefix } from '#shared/report/store.ts';
import { organizationsDirectory, recordingNames } from '#shared/services/organizations.ts';
import { PLANNERS } from '#shared/services/registry.ts';
import { administratorAdapters, onFirstUse, reportStore } from '#shared/wiring.ts';
import { inputNames, loadBatch, storeBatches, storePlan } from './batches.ts';
import { readResolveConfig } from './config.ts';
import { resolveAccounts } from './resolve-accounts.ts';
import { readSweepMemory, writeSweepMemory } from './sweep-memory.ts';

/** What the parent state machine passes: the execution input as given, and the execution's id. */
const parentInputSchema = z.strictObject({ request: z.unknown(), executionId: executionIdSchema });

/** One Lambda container's handler: the settings and clients it makes on first use are its own. */
export function createHandler() {
  const clients = onFirstUse(() => readClientSettings(process.env));
  const organizations = perRegion((region) =>
    organizationsDirectory(
      tracer.captureAWSv3Client(
        regionalClient(OrganizationsClient, region, { maxAttempts: clients().maxAttempts }),
      ),
    ),
  );
  const pacing = onFirstUse(() => new Pacing(clients().callsPerSecond));
  const planners = onFirstUse(() =>
    administratorAdapters(clients(), (service, open) => PLANNERS[service](open), pacing()),
  );

  const store = onFirstUse(() => reportStore(process.env));

  async function run(event: unknown) {
    // A child execution's first state: its batch, as the parent's Resolve Accounts wrote it.
    if (batchInputSchema.safeParse(event).success) {
      const batch = await loadBatch(
        parseInput(batchInputSchema, event, 'input').batchKey,
        store(),
        (message, error) => logger.warn(message, { error }),
      );
      // Every invocation publishes a metric: Powertools warns of one without.
      recordCounts({ BatchAccountsLoaded: batch.accountIds.length });
      return batch;
    }
    // The first step of an execution: its buckets are its own (what it reads is handed to the children).
    pacing().adopt([]);
    const parent = parentInputSchema.safeParse(event);
    const request = parent.success ? parent.data.request : event;
    const config = readResolveConfig(process.env);
    // The names of the accounts it reads go to the batch files, for the report (never the state).
    const named = recordingNames(organizations(config.organizationsRegion));
    const plan = await resolveAccounts(request, {
      administratorId: config.administratorId,
      homeRegion: config.homeRegion,
      defaultRegions: config.defaultRegions,
      defaultServices: config.defaultServices,
      organizations: named.directory,
      settings: config.settings,
      planner: planners(),
      sweepMemory: {
        read: () => readSweepMemory(store()),
        write: (memory) => writeSweepMemory(store(), { sweptAt: new Date().toISOString(), ...memory }),
      },
    });
    recordCounts({ AccountsPlanned: plan.accountIds.length, AccountsSkipped: plan.skipped.length });
    // Counts and ids only: emails are personal data.
    logger.info('accounts resolved', {
      trigger: plan.trigger,
      dryRun: plan.dryRun,
      hasWork: plan.hasWork,
      accounts: plan.accountIds.length,
      skipped: plan.skipped,
      regions: plan.regions,
      services: plan.services,
      homes: plan.homes.map(({ region, service }) => `${service} ${region}`),
      notOffered: plan.notOffered,
      centrallyConfigured: plan.centrallyConfigured.map(({ region, service }) => `${service} ${region}`),
      note: plan.note,
    });
    if (!parent.success) return plan;
    // Merge Reports records a sweep it reports; one with nothing to onboard never reaches it.
    const unreported = sweepWithoutWork(plan);
    if (unreported !== undefined) recordSweepFinished(unreported);
    // The execution carries counts and references: with work to do the accounts go to the report
    // bucket, one object per child execution; without (a dry run), the whole plan is one object there
    // (docs/report-bucket.md). The names go with the accounts, never into the state.
    const prefix = executionPrefix(parent.data.executionId, randomUUID);
    // Organizations' name first; the input's only for an account it does not name (outside it).
    const names = new Map([...inputNames(request), ...named.names]);
    if (!plan.hasWork) return storePlan(plan, store(), prefix, names);
    return storeBatches(plan, store(), prefix, { names, pacing: pacing().carried() });
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

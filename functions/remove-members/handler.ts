import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { perRegion, regionalClient } from '#shared/aws/clients.ts';
import { Pacing } from '#shared/aws/pacing.ts';
import { executionIdSchema } from '#shared/contracts.ts';
import { INACTIVE_STATES } from '#shared/domain/accounts.ts';
import { refuseOtherPartitions } from '#shared/domain/regions.ts';
import { CORRELATION_ID_PATH, logger, metrics, recordCounts, tracer } from '#shared/observability.ts';
import { executionPrefix } from '#shared/report/store.ts';
import { type OrganizationsDirectory, organizationsDirectory } from '#shared/services/organizations.ts';
import { REMOVERS } from '#shared/services/registry.ts';
import { administratorAdapters, onFirstUse, reportStore } from '#shared/wiring.ts';
import { readResolveConfig } from '../resolve-accounts/config.ts';
import { readSweepMemory } from '../resolve-accounts/sweep-memory.ts';
import { parseRemovalTrigger } from '../resolve-accounts/triggers.ts';
import { PAIR_CONCURRENCY, removeMembers } from './remove-members.ts';

/** What the offboarding state machine passes: the execution input as given, and the execution's id. */
const stateInputSchema = z.strictObject({ request: z.unknown(), executionId: executionIdSchema });

/** One Lambda container's handler: the settings and clients it makes on first use are its own. */
export function createHandler() {
  const config = onFirstUse(() => readResolveConfig(process.env));
  const organizations = perRegion((region) =>
    organizationsDirectory(
      tracer.captureAWSv3Client(
        regionalClient(OrganizationsClient, region, { maxAttempts: config().clients.maxAttempts }),
      ),
    ),
  );
  const store = onFirstUse(() => reportStore(process.env));
  const removers = onFirstUse(() =>
    administratorAdapters(
      config().clients,
      (service, open) => REMOVERS[service](open),
      new Pacing(config().clients.callsPerSecond),
    ),
  );

  /**
   * The stale-member removal offboards whatever Organizations calls inactive when it runs, and the
   * departed accounts the last sweep found still members (resolve-accounts/sweep-memory.ts) that
   * Organizations still does not list.
   */
  async function staleAccounts(directory: OrganizationsDirectory): Promise<string[]> {
    const [listed, memory] = await Promise.all([directory.listAccounts(), readSweepMemory(store())]);
    const inOrganization = new Set(listed.map(({ accountId }) => accountId));
    const inactive = listed
      .filter(({ state }) => state !== undefined && INACTIVE_STATES.has(state))
      .map(({ accountId }) => accountId);
    const departed = (memory?.departed ?? []).filter((id) => !inOrganization.has(id));
    return [...new Set([...inactive, ...departed])];
  }

  async function run(event: unknown) {
    const state = stateInputSchema.safeParse(event);
    const trigger = parseRemovalTrigger(state.success ? state.data.request : event);
    const { administratorId, homeRegion, defaultRegions, defaultServices, organizationsRegion } = config();
    if (trigger.regions !== undefined)
      refuseOtherPartitions(trigger.regions, homeRegion, 'input.remove.regions');
    const directory = organizations(organizationsRegion);
    const accountIds =
      trigger.trigger === 'staleMembers' ? await staleAccounts(directory) : trigger.accountIds;
    const output = await removeMembers(
      {
        ...trigger,
        accountIds,
        regions: trigger.regions ?? defaultRegions,
        services: trigger.services ?? defaultServices,
      },
      {
        administratorId,
        remover: removers(),
        describeAccount: (accountId) => directory.describeAccount(accountId),
        concurrency: PAIR_CONCURRENCY,
        store: store(),
        reportPrefix: executionPrefix(state.success ? state.data.executionId : undefined, randomUUID),
      },
    );
    recordCounts({
      MembershipsRemoved: output.counts.REMOVED_FROM_ADMINISTRATOR ?? 0,
      RemovalsNeedingAttention: output.attention.length + output.attentionOmitted,
    });
    // Ids, counts and AWS's texts only: no emails reach an offboarding.
    logger.info('members removed', { ...output });
    return output;
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

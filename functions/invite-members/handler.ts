import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { Pacing } from '#shared/aws/pacing.ts';
import { invitationOptions, readAdministratorConfig } from '#shared/config.ts';
import {
  type InviteOnboardingOutput,
  inviteOnboardingInputSchema,
  type Paced,
  parseInput,
} from '#shared/contracts.ts';
import {
  CORRELATION_ID_PATH,
  logger,
  metrics,
  recordCounts,
  telemetry,
  tracer,
} from '#shared/observability.ts';
import { INVITERS, READERS, RECREATORS } from '#shared/services/registry.ts';
import { administratorAdapters, onFirstUse, reportStore } from '#shared/wiring.ts';
import { inviteMembers } from './invite-members.ts';

/** One Lambda container's handler: the clients it makes on first use are its own. */
export function createHandler() {
  const config = onFirstUse(() => readAdministratorConfig(process.env));
  const pacing = onFirstUse(() => new Pacing(config().clients.callsPerSecond));
  const adapters = onFirstUse(() =>
    administratorAdapters(
      config().clients,
      (service, open) => ({
        ...READERS[service](open),
        ...INVITERS[service](open),
        ...RECREATORS[service](open),
      }),
      pacing(),
    ),
  );

  const store = onFirstUse(() => reportStore(process.env));

  async function run(event: unknown): Promise<Paced<InviteOnboardingOutput>> {
    const input = parseInput(inviteOnboardingInputSchema, event, 'input');
    pacing().adopt(input.pacing ?? []);
    const output = await inviteMembers(input, {
      adapters: adapters(),
      options: (service) => invitationOptions(config(), service),
      telemetry,
      store: store(),
      uniqueId: randomUUID,
    });
    const notSent = output.unfinished.reduce(
      (sum, { pairs, accountIds }) => sum + pairs.length * accountIds.length,
      0,
    );
    recordCounts({ InvitationsNotSent: notSent });
    logger.info('invite members finished', { invitationsNotSent: notSent, unfinished: output.unfinished });
    return { ...output, pacing: pacing().carried() };
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

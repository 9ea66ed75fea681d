import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { readAdministratorConfig } from '../shared/config.ts';
import { administratorStepInputSchema, parseInput } from '../shared/contracts.ts';
import { CORRELATION_ID_PATH, logger, metrics, telemetry, tracer } from '../shared/observability.ts';
import { detectiveCreator, detectiveGraphLocator } from '../shared/services/detective/administrator.ts';
import { securityHubCreator, securityHubLocator } from '../shared/services/securityhub/administrator.ts';
import { administratorAdapters, logStepOutput, onFirstUse } from '../shared/wiring.ts';
import { createMembers, stateOutput } from './create-members.ts';

/** One Lambda container's handler: the settings and clients it makes on first use are its own. */
export function createHandler() {
  const config = onFirstUse(() => readAdministratorConfig(process.env));
  const adapters = onFirstUse(() =>
    administratorAdapters(config().clients, {
      securityhub: (client) => ({ ...securityHubLocator(client), ...securityHubCreator(client) }),
      detective: (client) => ({ ...detectiveGraphLocator(client), ...detectiveCreator(client) }),
    }),
  );

  async function run(event: unknown) {
    const input = parseInput(administratorStepInputSchema, event, 'input');
    const { detectiveDisableEmailNotification, invitationMessage } = config();
    const output = await createMembers(input, {
      adapter: adapters()(input.service, input.region),
      options: {
        disableEmailNotification: detectiveDisableEmailNotification,
        ...(invitationMessage === undefined ? {} : { message: invitationMessage }),
      },
      telemetry,
    });
    logStepOutput('create members', output);
    return stateOutput(input, output);
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { Pacing } from '#shared/aws/pacing.ts';
import { invitationOptions, readAdministratorConfig } from '#shared/config.ts';
import {
  administratorStepInputSchema,
  type CreateStepOutput,
  type Paced,
  parseInput,
} from '#shared/contracts.ts';
import { CORRELATION_ID_PATH, logger, metrics, telemetry, tracer } from '#shared/observability.ts';
import { CREATORS } from '#shared/services/registry.ts';
import { administratorAdapters, logStepOutput, onFirstUse } from '#shared/wiring.ts';
import { createMembers, stateOutput } from './create-members.ts';

/** One Lambda container's handler: the settings and clients it makes on first use are its own. */
export function createHandler() {
  const config = onFirstUse(() => readAdministratorConfig(process.env));
  const pacing = onFirstUse(() => new Pacing(config().clients.callsPerSecond));
  const adapters = onFirstUse(() =>
    administratorAdapters(config().clients, (service, open) => CREATORS[service](open), pacing()),
  );

  async function run(event: unknown): Promise<Paced<CreateStepOutput>> {
    const input = parseInput(administratorStepInputSchema, event, 'input');
    // Its own pair's bucket only: what it hands on joins the other pairs' in the check's input.
    pacing().adopt(
      (input.pacing ?? []).filter(
        ({ service, region }) => service === input.service && region === input.region,
      ),
    );
    const output = await createMembers(input, {
      adapter: adapters()(input.service, input.region),
      options: invitationOptions(config(), input.service),
      telemetry,
    });
    logStepOutput('create members', output);
    return { ...stateOutput(input, output), pacing: pacing().carried() };
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

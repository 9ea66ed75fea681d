import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { readClientSettings } from '../shared/config.ts';
import { administratorStepInputSchema, parseInput } from '../shared/contracts.ts';
import { CORRELATION_ID_PATH, logger, metrics, telemetry, tracer } from '../shared/observability.ts';
import { detectiveReader } from '../shared/services/detective.ts';
import { securityHubInviter, securityHubReader } from '../shared/services/securityhub.ts';
import { administratorAdapters, logStepOutput, onFirstUse } from '../shared/wiring.ts';
import { inviteMembers } from './invite-members.ts';

const adapters = onFirstUse(() =>
  administratorAdapters(readClientSettings(process.env), {
    securityhub: (client) => ({ ...securityHubReader(client), ...securityHubInviter(client) }),
    detective: detectiveReader,
  }),
);

async function run(event: unknown) {
  const input = parseInput(administratorStepInputSchema, event, 'input');
  const output = await inviteMembers(input, { adapter: adapters()(input.service, input.region), telemetry });
  logStepOutput('invite members', output);
  return output;
}

export const handler = middy(run)
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics));

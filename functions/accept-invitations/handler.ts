import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import { regionalClient } from '../shared/aws/clients.ts';
import { memberCredentials, roleSessionName } from '../shared/aws/credentials.ts';
import { parseInput } from '../shared/contracts.ts';
import { countOutcomes } from '../shared/domain/outcomes.ts';
import { readMemberConfig } from '../shared/member-config.ts';
import { CORRELATION_ID_PATH, logger, metrics, tracer } from '../shared/observability.ts';
import { acceptInvitations } from './accept-invitations.ts';
import { acceptInvitationsInputSchema } from './contract.ts';
import { memberAccountOpener } from './member-account.ts';

const config = readMemberConfig(process.env);
// The Lambda's own Region: a Regional STS endpoint, whose tokens work in opt-in Regions (FACTS.md, STS).
const sts = tracer.captureAWSv3Client(regionalClient(STSClient, config.region, config.clients));
const openAccount = memberAccountOpener(
  config.clients,
  { enableDefaultStandards: config.enableDefaultStandards, allowTakeOver: config.allowTakeOver },
  (client) => tracer.captureAWSv3Client(client),
);

async function run(event: unknown) {
  const input = parseInput(acceptInvitationsInputSchema, event, 'input');
  const output = await acceptInvitations(input, {
    administratorId: config.administratorId,
    credentials: memberCredentials(sts, { ...config.role, sessionName: roleSessionName(input.executionId) }),
    openAccount,
    concurrency: config.concurrency,
  });
  logger.info('accept invitations finished', {
    accounts: input.accountIds.length,
    outcomes: Object.fromEntries(Object.entries(countOutcomes(output.results)).filter(([, n]) => n > 0)),
    retryAccountIds: output.retryAccountIds,
    failed: output.results.filter(({ disposition }) => disposition === 'failed'),
  });
  return output;
}

export const handler = middy(run)
  .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(metrics));

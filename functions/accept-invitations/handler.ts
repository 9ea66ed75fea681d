import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import { perRegion, regionalClient } from '#shared/aws/clients.ts';
import { memberSessions, roleSessionName } from '#shared/aws/credentials.ts';
import { readClientSettings } from '#shared/config.ts';
import { parseInput } from '#shared/contracts.ts';
import { readMemberConfig } from '#shared/member-config.ts';
import { CORRELATION_ID_PATH, logger, metrics, recordCounts, tracer } from '#shared/observability.ts';
import { executionPrefix } from '#shared/report/store.ts';
import { onFirstUse, reportStore } from '#shared/wiring.ts';
import { acceptInvitations, carriedOutput } from './accept-invitations.ts';
import { acceptInvitationsInputSchema } from './contract.ts';
import { memberAccountOpener } from './member-account.ts';

/** One Lambda container's handler: the STS clients it makes on first use are its own. */
export function createHandler() {
  const clients = onFirstUse(() => readClientSettings(process.env));
  // The Lambda's own Region: a Regional STS endpoint, whose tokens work in opt-in Regions
  // (docs/aws-facts.md, Getting into member accounts (STS)).
  const sts = perRegion((region) =>
    tracer.captureAWSv3Client(regionalClient(STSClient, region, { maxAttempts: clients().maxAttempts })),
  );

  const store = onFirstUse(() => reportStore(process.env));
  // The container's member sessions: a later poll round of the same execution reuses them.
  const sessions = memberSessions();

  async function run(event: unknown) {
    const config = readMemberConfig(process.env);
    const input = parseInput(acceptInvitationsInputSchema, event, 'input');
    const output = await acceptInvitations(input, {
      administratorId: config.administratorId,
      credentials: sessions(sts(config.region), {
        ...config.role,
        sessionName: roleSessionName(input.executionId),
      }),
      openAccount: memberAccountOpener(
        config.clients,
        { enableDefaultStandards: config.enableDefaultStandards, allowTakeOver: config.allowTakeOver },
        (client) => tracer.captureAWSv3Client(client),
      ),
      concurrency: config.concurrency,
    });
    const step = await carriedOutput(
      output,
      store(),
      `${executionPrefix(input.executionId, randomUUID)}/member/${randomUUID()}.json`,
    );
    recordCounts({
      MembershipsAccepted: step.counts.ENABLED ?? 0,
      MembershipsUnfinished: step.unfinished.reduce((sum, { accountIds }) => sum + accountIds.length, 0),
    });
    logger.info('accept invitations finished', {
      accounts: input.accountIds.length,
      outcomes: step.counts,
      retryAccountIds: step.retryAccountIds,
      failed: output.results.filter(({ disposition }) => disposition === 'failed'),
    });
    return step;
  }

  return middy(run)
    .use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_ID_PATH }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

export const handler = createHandler();

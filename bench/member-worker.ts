import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

/**
 * One accept-invitations "Lambda container" in a worker thread of its own (bench/member-workers.ts):
 * its own event loop, SDK clients, rate limiters and member sessions, as a separate sandbox has. It
 * runs the TypeScript sources, or the function's Lambda bundle when `workerData.bundle` names it.
 */
const port = parentPort;
if (port === null) throw new Error('bench/member-worker.ts runs only as a worker thread');
const { bundle } = workerData as { bundle?: string };

// Loaded before the execution, as deploying loads the code: the SDK, Powertools and middy, whose
// import reads no environment. The handler and observability modules read it, so they load with the
// first batch; so does a bundle, which holds them all.
if (bundle === undefined)
  await Promise.all([
    import('../functions/accept-invitations/accept-invitations.ts'),
    import('../functions/accept-invitations/contract.ts'),
    import('../functions/accept-invitations/member-account.ts'),
    import('../functions/shared/aws/credentials.ts'),
    import('../functions/shared/aws/s3.ts'),
    import('../functions/shared/member-config.ts'),
    import('../functions/shared/report/store.ts'),
    import('@aws-sdk/client-sts'),
    import('@aws-lambda-powertools/logger'),
    import('@aws-lambda-powertools/metrics'),
    import('@aws-lambda-powertools/tracer'),
    import('@middy/core'),
  ]);
port.postMessage({ ready: true });

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let handler: Handler | undefined;

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'muster-accept-invitations',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:muster-accept-invitations',
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/muster-accept-invitations',
  logStreamName: 'local-worker',
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

port.on('message', async ({ env, input }: { env: Record<string, string>; input: unknown }) => {
  try {
    if (handler === undefined) {
      // The function's environment, as the runner gives its own containers.
      Object.assign(process.env, env);
      const code: { createHandler(): Handler } =
        bundle === undefined
          ? await import('../functions/accept-invitations/handler.ts')
          : await import(pathToFileURL(bundle).href);
      handler = code.createHandler();
    }
    port.postMessage({ output: await handler(input, context()) });
  } catch (error) {
    const { name, message } = error as Error;
    port.postMessage({ error: { name, message } });
  }
});

import type { Context } from 'aws-lambda';

/**
 * The context Lambda passes a handler, for calling the real handlers in this process: the local
 * runners (onboarding and offboarding) and the handler tests. Nothing of muster reads more than its
 * names; the rest is what Lambda would give a 1,024 MB function with 15 minutes left.
 */
export function lambdaContext(functionName: string, accountId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

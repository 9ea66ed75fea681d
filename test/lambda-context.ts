import type { Context } from 'aws-lambda';

/** The context Lambda passes a handler, for calling handlers directly in tests. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:999999999999:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: '00000000-0000-0000-0000-000000000000',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

import { describe, expect, it } from 'vitest';
import {
  classifyError,
  classifyUnprocessed,
  describeError,
} from '../../../functions/shared/domain/classify.ts';

describe('classifyUnprocessed', () => {
  it.each([
    [
      'The request is rejected because the given account ID is already a member or associated member of the current account.',
      'already-member',
    ],
    ['Account 111122223333 is already invited', 'already-invited'],
    ['already invited', 'already-invited'],
    ['Maximum number of results exceeded', 'retry'],
    ['Rate exceeded', 'retry'],
    ['ThrottlingException: too many requests', 'retry'],
    ['Internal error', 'retry'],
    ['The account is already a member of another administrator', 'conflict'],
    ['The request is rejected because the given account ID has not enabled this Region.', 'region-disabled'],
    ['The request is rejected because the account has not enabled this Region.', 'region-disabled'],
    ['Account is not in a valid state', 'failed'],
    ['The account ID is not valid', 'failed'],
  ])('classifies %j as %s and keeps the text', (text, kind) => {
    expect(classifyUnprocessed(text)).toEqual({ kind, reason: text });
  });

  it('fails an entry without a reason instead of retrying it forever', () => {
    expect(classifyUnprocessed(undefined)).toEqual({
      kind: 'failed',
      reason: 'AWS returned the account as unprocessed without a reason',
    });
  });
});

describe('classifyError', () => {
  it.each([
    [{ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } }, 'retry'],
    [{ name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } }, 'retry'],
    [{ name: 'TooManyRequestsException' }, 'retry'],
    [{ name: 'InternalException', $metadata: { httpStatusCode: 500 } }, 'retry'],
    [{ name: 'Whatever', $metadata: { httpStatusCode: 503 } }, 'retry'],
    [{ name: 'Error', message: 'read ECONNRESET' }, 'retry'],
    [{ name: 'InvalidAccessException', $metadata: { httpStatusCode: 401 } }, 'service-not-enabled'],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }, 'access-denied'],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'access-denied'],
    // Detective's way of saying the request was bad, not that the caller may not.
    [
      { name: 'AccessDeniedException', ErrorCode: 'INVALID_GRAPH_ARN', $metadata: { httpStatusCode: 403 } },
      'failed',
    ],
    [{ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } }, 'region-disabled'],
    [{ name: 'InvalidClientTokenId' }, 'region-disabled'],
    [{ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }, 'failed'],
    [{ name: 'InvalidInputException', $metadata: { httpStatusCode: 400 } }, 'failed'],
  ])('classifies %j as %s', (error, kind) => {
    expect(classifyError(error)).toBe(kind);
  });

  it('describes an error with its name and AWS message', () => {
    expect(describeError({ name: 'ConflictException', message: 'member status is not INVITED' })).toBe(
      'ConflictException: member status is not INVITED',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  classifyError,
  classifyUnprocessed,
  describeError,
} from '../../../functions/shared/domain/classify.ts';

const ALREADY_MEMBER =
  'The request is rejected because the given account ID is already a member or associated member of the current account.';

describe('classifyUnprocessed', () => {
  // The two texts with a public source (aws-secure-environment-accelerator #814), then look-alikes
  // and texts AWS does not publish: those fail with AWS's words, whatever they resemble.
  it.each([
    [ALREADY_MEMBER, 'already-member'],
    ['Maximum number of results exceeded', 'retry'],
    [
      'The request is rejected because the given account ID is already a member or associated member of the current account. It is associated with a different administrator.',
      'failed',
    ],
    ['The account is associated with a different administrator', 'failed'],
    [
      'The request is rejected because the given account ID is already associated with a different administrator account.',
      'failed',
    ],
    [ALREADY_MEMBER.toLowerCase(), 'failed'],
    ['maximum number of results exceeded', 'failed'],
    ['Maximum number of results exceeded for this administrator', 'failed'],
    ['already invited', 'failed'],
    ['Rate exceeded', 'failed'],
    ['The request is rejected because the given account ID has not enabled this Region.', 'failed'],
    ['Account is not in a valid state', 'failed'],
  ])('classifies %j as %s and keeps the text', (text, kind) => {
    expect(classifyUnprocessed(text)).toEqual({ kind, reason: text });
  });

  it('matches a sourced text with surrounding whitespace trimmed', () => {
    expect(classifyUnprocessed(`  ${ALREADY_MEMBER}\n`)).toEqual({
      kind: 'already-member',
      reason: ALREADY_MEMBER,
    });
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
    [
      { name: 'LimitExceededException', message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } },
      'retry',
    ],
    [
      { name: 'LimitExceededException', message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } },
      'retry',
    ],
    // A spent quota: Security Hub's same exception, words that are not about request rate.
    [
      {
        name: 'LimitExceededException',
        message: 'The request is rejected because the current account cannot create more members.',
        $metadata: { httpStatusCode: 429 },
      },
      'quota',
    ],
    [
      { name: 'LimitExceededException', Code: 'MemberLimitExceeded', $metadata: { httpStatusCode: 429 } },
      'quota',
    ],
    [
      { name: 'LimitExceededException', Code: 'ThrottlingLimit', $metadata: { httpStatusCode: 429 } },
      'retry',
    ],
    [{ name: 'ThrottlingException', message: 'member limit', $metadata: { httpStatusCode: 429 } }, 'retry'],
    [{ name: 'TooManyRequestsException' }, 'retry'],
    // STS and the other query-protocol services: a 400 with the code Throttling.
    [{ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }, 'retry'],
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

  it('describes an error with its code when the message does not already say it', () => {
    expect(
      describeError({ name: 'LimitExceededException', message: 'Limit reached', Code: 'MEMBER_LIMIT' }),
    ).toBe('LimitExceededException: Limit reached (MEMBER_LIMIT)');
  });

  it('describes an error with its name and AWS message', () => {
    expect(describeError({ name: 'ConflictException', message: 'member status is not INVITED' })).toBe(
      'ConflictException: member status is not INVITED',
    );
  });
});

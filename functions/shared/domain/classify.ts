/** What an UnprocessedAccounts entry tells about the account. */
export type UnprocessedKind = 'already-member' | 'retry' | 'failed';

export interface UnprocessedClassification {
  kind: UnprocessedKind;
  reason: string;
}

/**
 * UnprocessedAccounts texts are free text, and AWS publishes none of them. Only texts seen in a
 * public source decide, matched whole and as AWS writes them (docs/aws-facts.md, Security Hub,
 * "Unprocessed-account texts"); anything else, however close, fails with AWS's words, so a
 * look-alike such as "…associated with a different administrator" is never taken for success.
 */
const UNPROCESSED_RULES: ReadonlyMap<string, UnprocessedKind> = new Map([
  [
    'The request is rejected because the given account ID is already a member or associated member of the current account.',
    'already-member',
  ],
  // A 51st account is not an error in Security Hub: it comes back with this text.
  ['Maximum number of results exceeded', 'retry'],
]);

export function classifyUnprocessed(text: string | undefined): UnprocessedClassification {
  const reason = text?.trim() || 'AWS returned the account as unprocessed without a reason';
  return { kind: UNPROCESSED_RULES.get(reason) ?? 'failed', reason };
}

/** What an SDK error means for the accounts of the call it broke. */
export type ErrorKind =
  | 'retry'
  | 'quota'
  | 'service-not-enabled'
  | 'access-denied'
  | 'region-disabled'
  | 'failed';

export interface ErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  /** Detective's AccessDeniedException names a bad request this way (INVALID_GRAPH_ARN, ...). */
  ErrorCode?: string;
  /** Security Hub's errors may say which limit was exceeded here. */
  Code?: string;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  // STS's own code when it throttles, with HTTP 400 (docs/aws-facts.md, STS's throttling code, after the SDK's retries).
  'Throttling',
  'TooManyRequestsException',
  'LimitExceededException',
  'InternalException',
  'InternalServerException',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const REGION_DISABLED_NAMES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'RegionDisabledException',
  'AuthFailure',
]);

const NETWORK_CODES = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|EAI_AGAIN/;

/** How AWS words throttling: "Rate exceeded", "number of requests per second", "Too Many Requests". */
const RATE_WORDS = /\brate\b|throttl|too many requests|requests per second/i;

/**
 * Security Hub's LimitExceededException means throttling or a spent quota, and only its text says
 * which (docs/aws-facts.md, Security Hub, "LimitExceededException: throttling or a spent quota").
 * One that does not speak of request rate is a quota, which no retry can help: neither the SDK nor
 * muster retries it.
 */
export function isQuotaExceeded(error: ErrorLike): boolean {
  return (
    error.name === 'LimitExceededException' && !RATE_WORDS.test(`${error.Code ?? ''} ${error.message ?? ''}`)
  );
}

/**
 * Classifies an error thrown by a Security Hub, Detective or STS call after the SDK's own retries. Security
 * Hub answers InvalidAccessException when the hub is not enabled (docs/aws-facts.md, Security Hub); a Region
 * disabled for the caller answers with an authentication error.
 */
export function classifyError(error: ErrorLike): ErrorKind {
  const name = error.name ?? '';
  const status = error.$metadata?.httpStatusCode;
  if (REGION_DISABLED_NAMES.has(name)) return 'region-disabled';
  if (isQuotaExceeded(error)) return 'quota';
  if (RETRYABLE_NAMES.has(name) || status === 429 || (status !== undefined && status >= 500)) return 'retry';
  if (NETWORK_CODES.test(`${name} ${error.message ?? ''}`)) return 'retry';
  if (name === 'InvalidAccessException') return 'service-not-enabled';
  // Detective also answers a request it cannot use (INVALID_GRAPH_ARN, INVALID_REQUEST_BODY) with
  // AccessDeniedException, an ErrorCode saying which: that is about the request, not permissions.
  if ((name === 'AccessDeniedException' || name === 'AccessDenied') && error.ErrorCode === undefined)
    return 'access-denied';
  return 'failed';
}

/** `Name: message (code)` for reports, so AWS's own words survive. */
export function describeError(error: ErrorLike): string {
  const name = error.name ?? 'Error';
  const text = error.message ? `${name}: ${error.message}` : name;
  return error.Code && !text.includes(error.Code) ? `${text} (${error.Code})` : text;
}

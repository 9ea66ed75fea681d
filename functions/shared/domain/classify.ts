/** What an UnprocessedAccounts entry tells about the account. */
export type UnprocessedKind =
  | 'already-member'
  | 'already-invited'
  | 'region-disabled'
  | 'retry'
  | 'conflict'
  | 'failed';

export interface UnprocessedClassification {
  kind: UnprocessedKind;
  reason: string;
}

/**
 * UnprocessedAccounts texts are free text (docs/aws-facts.md, Security Hub). Known texts decide; anything
 * else is a failure that keeps AWS's words, so nothing is retried forever and nothing is hidden.
 */
const UNPROCESSED_RULES: readonly { pattern: RegExp; kind: UnprocessedKind }[] = [
  {
    pattern: /member of another|another (administrator|master)|already has an? (administrator|master)/i,
    kind: 'conflict',
  },
  // "...the given account ID is already a member or associated member of the current account."
  {
    pattern:
      /already (a|an) (associated )?member|already (a member|associated)|already in the (behavior )?graph/i,
    kind: 'already-member',
  },
  { pattern: /already (been )?invited/i, kind: 'already-invited' },
  // An opt-in Region the member has not enabled is not applicable there, not a failure
  // (docs/aws-facts.md, Regions and partitions).
  {
    pattern: /(not enabled|disabled|not opted in to) (this|the) region|region (is )?(not enabled|disabled)/i,
    kind: 'region-disabled',
  },
  // A 51st account is not an error in Security Hub: it comes back with this text (accelerator #814).
  { pattern: /maximum number of results exceeded/i, kind: 'retry' },
  { pattern: /throttl|rate exceeded|too many requests|limit exceeded/i, kind: 'retry' },
  { pattern: /internal (server )?error|service unavailable|try again/i, kind: 'retry' },
];

export function classifyUnprocessed(text: string | undefined): UnprocessedClassification {
  const reason = text?.trim() || 'AWS returned the account as unprocessed without a reason';
  const rule = UNPROCESSED_RULES.find(({ pattern }) => pattern.test(reason));
  return { kind: rule?.kind ?? 'failed', reason };
}

/** What an SDK error means for the accounts of the call it broke. */
export type ErrorKind = 'retry' | 'service-not-enabled' | 'access-denied' | 'region-disabled' | 'failed';

export interface ErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  /** Detective's AccessDeniedException names a bad request this way (INVALID_GRAPH_ARN, ...). */
  ErrorCode?: string;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
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

/**
 * Classifies an error thrown by a Security Hub, Detective or STS call after the SDK's own retries. Security
 * Hub answers InvalidAccessException when the hub is not enabled (docs/aws-facts.md, Security Hub); a Region
 * disabled for the caller answers with an authentication error.
 */
export function classifyError(error: ErrorLike): ErrorKind {
  const name = error.name ?? '';
  const status = error.$metadata?.httpStatusCode;
  if (REGION_DISABLED_NAMES.has(name)) return 'region-disabled';
  if (RETRYABLE_NAMES.has(name) || status === 429 || (status !== undefined && status >= 500)) return 'retry';
  if (NETWORK_CODES.test(`${name} ${error.message ?? ''}`)) return 'retry';
  if (name === 'InvalidAccessException') return 'service-not-enabled';
  // Detective also answers a request it cannot use (INVALID_GRAPH_ARN, INVALID_REQUEST_BODY) with
  // AccessDeniedException, an ErrorCode saying which: that is about the request, not permissions.
  if ((name === 'AccessDeniedException' || name === 'AccessDenied') && error.ErrorCode === undefined)
    return 'access-denied';
  return 'failed';
}

/** `Name: message` for reports, so AWS's own words survive. */
export function describeError(error: ErrorLike): string {
  const name = error.name ?? 'Error';
  return error.message ? `${name}: ${error.message}` : name;
}

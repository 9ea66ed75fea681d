import { SERVICE_RULES, type ServiceName } from './services.ts';

/**
 * The one vocabulary for the state of a membership (one account, one Region, one service).
 * It is what reports show; the README explains each word.
 */
export const OUTCOMES = [
  'ENABLED',
  'NOT_A_MEMBER',
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'PENDING_VERIFICATION',
  'VERIFICATION_FAILED',
  'ACCEPTED_BUT_DISABLED',
  'REMOVED',
  'RESIGNED',
  'ACCOUNT_SUSPENDED',
  'CONFLICT',
  'MEMBER_ROLE_MISSING',
  'SERVICE_NOT_ENABLED',
  'SERVICE_NOT_OFFERED',
  'FAILED',
  'SKIPPED_ADMINISTRATOR',
  'SKIPPED_REGION_DISABLED',
  'SKIPPED_ACCOUNT_INACTIVE',
  // Offboarding's outcomes: the membership was taken away, or there was none to take.
  'REMOVED_FROM_ADMINISTRATOR',
  'NOT_A_MEMBER_ALREADY',
  // A sweep's: the account is closed, suspended or closing, and still a member of the administrator.
  'STALE_MEMBER',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What one step did for one account: finished its part, wants another go later, or gave up. */
export type Disposition = 'done' | 'retry' | 'failed';

export interface ObservedStatus {
  outcome: Outcome;
  reason?: string;
}

/** Outcomes that will change without our doing anything but waiting or asking the member again. */
export const PENDING_OUTCOMES: ReadonlySet<Outcome> = new Set([
  'PENDING_INVITATION',
  'PENDING_ACCEPTANCE',
  'PENDING_VERIFICATION',
  'MEMBER_ROLE_MISSING',
]);

/**
 * Outcomes that need nobody's attention: the membership works, or the rules say to leave it.
 * SERVICE_NOT_OFFERED is one: AWS does not run the service in that Region, and nobody can change that.
 */
export const SETTLED_OUTCOMES: ReadonlySet<Outcome> = new Set([
  'ENABLED',
  'SERVICE_NOT_OFFERED',
  'SKIPPED_ADMINISTRATOR',
  'SKIPPED_REGION_DISABLED',
  'SKIPPED_ACCOUNT_INACTIVE',
  'REMOVED_FROM_ADMINISTRATOR',
  'NOT_A_MEMBER_ALREADY',
]);

/** The one reason SERVICE_NOT_OFFERED carries, wherever it is decided, so the report shows one group. */
export const SERVICE_NOT_OFFERED_REASON =
  'AWS does not offer the service in this Region (its endpoint does not exist): nothing to onboard there';

/** Status words already folded: a check reads tens of thousands of members, in a handful of words. */
const FOLDED = new Map<string, string>();
/** How many status words FOLDED keeps: AWS's are a handful, so anything past this is folded each time. */
const FOLDED_MAX = 64;

/** The status word without case or separators, as the service rules' tables spell it. */
function statusKey(status: string): string {
  let key = FOLDED.get(status);
  if (key === undefined) {
    key = status.toLowerCase().replace(/[\s_-]/g, '');
    if (FOLDED.size < FOLDED_MAX) FOLDED.set(status, key);
  }
  return key;
}

/**
 * Maps a service's member status word to an outcome. Comparison ignores case and separators because Security
 * Hub's MemberStatus is a free string (docs/aws-facts.md, Security Hub). `undefined` means the administrator
 * has no membership for the account.
 */
export function outcomeOfStatus(
  service: ServiceName,
  status: string | undefined,
  disabledReason?: string,
): ObservedStatus {
  if (status === undefined || status === '') return { outcome: 'NOT_A_MEMBER' };
  const key = statusKey(status);
  const { statuses, reasons } = SERVICE_RULES[service];
  // Own keys only: a status word such as "constructor" must not find Object's.
  const outcome = Object.hasOwn(statuses, key) ? statuses[key] : undefined;
  if (outcome === undefined)
    return { outcome: 'FAILED', reason: `unrecognised ${service} member status "${status}"` };
  const reason = reasons[outcome];
  return reason === undefined ? { outcome } : { outcome, reason: reason(disabledReason) };
}

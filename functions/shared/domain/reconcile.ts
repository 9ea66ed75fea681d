import type { Outcome } from './outcomes.ts';

/**
 * What the administrator does next for one membership, decided from its observed outcome alone,
 * so a re-run of a finished onboarding does nothing and a half-finished one resumes.
 */
export type NextAction = 'create' | 'invite' | 'await-member' | 'wait' | 'done' | 'report';

const NEXT_ACTION: Record<Outcome, NextAction> = {
  NOT_A_MEMBER: 'create',
  PENDING_INVITATION: 'invite',
  // A member that left (Resigned) or was disassociated (Removed) is invited again.
  REMOVED: 'invite',
  RESIGNED: 'invite',
  PENDING_ACCEPTANCE: 'await-member',
  MEMBER_ROLE_MISSING: 'await-member',
  PENDING_VERIFICATION: 'wait',
  ENABLED: 'done',
  SKIPPED_ADMINISTRATOR: 'done',
  SKIPPED_REGION_DISABLED: 'done',
  SKIPPED_ACCOUNT_INACTIVE: 'done',
  SERVICE_NOT_OFFERED: 'done',
  // Offboarding's outcomes never reach an onboarding; if one did, there is nothing to do for it.
  REMOVED_FROM_ADMINISTRATOR: 'done',
  NOT_A_MEMBER_ALREADY: 'done',
  VERIFICATION_FAILED: 'report',
  ACCEPTED_BUT_DISABLED: 'report',
  ACCOUNT_SUSPENDED: 'report',
  CONFLICT: 'report',
  SERVICE_NOT_ENABLED: 'report',
  FAILED: 'report',
  // Offboarding removes it (RemoveStaleMembers), never the onboarding.
  STALE_MEMBER: 'report',
};

export function nextAction(outcome: Outcome): NextAction {
  return NEXT_ACTION[outcome];
}

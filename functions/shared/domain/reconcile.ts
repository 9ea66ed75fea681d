import type { Outcome } from './outcomes.ts';
import { SERVICE_RULES, type ServiceName } from './services.ts';

/**
 * What the administrator does next for one membership, decided from its observed outcome (and, for
 * one that was disassociated or left, how the account joins), so a re-run of a finished onboarding
 * does nothing and a half-finished one resumes.
 */
export type NextAction = 'create' | 'invite' | 'await-member' | 'wait' | 'done' | 'report';

const NEXT_ACTION: Record<Outcome, NextAction> = {
  NOT_A_MEMBER: 'create',
  PENDING_INVITATION: 'invite',
  // A member that left (Resigned) or was disassociated (Removed) is invited again, unless it is an
  // organization account its service brings back only through CreateMembers (nextAction's `origin`).
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

/**
 * Why a membership created again once in the run is found again as it was (`outcome`), with what
 * CreateMembers answered (`answer`, its unprocessed text; none when it took the account): the run
 * creates it again only once, so this is its last word, and the next run tries again.
 */
export function createdAgainReason(outcome: Outcome, answer?: string): string {
  const state = outcome === 'NOT_A_MEMBER' ? 'not a member of the administrator' : `still ${outcome}`;
  const answered = answer === undefined ? 'took it' : `answered "${answer}"`;
  return `${state} after it was created again once in this run (CreateMembers ${answered}) and read again; the next run tries again`;
}

/** How an account joins a service's administrator in a Region, when the step knows (the plan says). */
export interface Origin {
  service: ServiceName;
  /** It is an organization account and the administrator is the service's delegated administrator there. */
  organization: boolean;
}

/**
 * The next action for a membership. Given its `origin`, an organization account in an outcome its
 * service's rule lists (`recreatedInOrganization`: Security Hub's and GuardDuty's Removed) is created
 * again, as AWS refuses to invite it; without it, or for an invited account, such a member is invited.
 */
export function nextAction(outcome: Outcome, origin?: Origin): NextAction {
  if (
    origin?.organization === true &&
    SERVICE_RULES[origin.service].recreatedInOrganization.includes(outcome)
  )
    return 'create';
  return NEXT_ACTION[outcome];
}

/**
 * Whether the plan says an account joins a pair through the organization: the plan located the pair,
 * did not find every account there invitation-based (`inviteCreated`: outside the organization, or
 * the administrator is not the service's delegated administrator in the Region), and does not list
 * the account outside the organization. A pair the plan did not locate says nothing: invited.
 */
export function joinsThroughOrganization(
  pair: { enabled?: boolean; inviteCreated?: boolean },
  outsideOrganization: ReadonlySet<string>,
  accountId: string,
): boolean {
  return pair.enabled === true && pair.inviteCreated !== true && !outsideOrganization.has(accountId);
}

import type { Account } from '../domain/accounts.ts';
import type { ServiceName } from '../domain/services.ts';

/** A member as the administrator sees it, in the service's own words. */
export interface ObservedMember {
  accountId: string;
  status: string;
  disabledReason?: string;
  /** How it became a member, where the service says (Detective's InvitationType: INVITATION or ORGANIZATION). */
  invitationType?: string;
}

/**
 * A member as the administrator's member list shows it, with the email the list keeps (Security Hub's
 * Email, Detective's EmailAddress, GuardDuty's Email): only the first step reads it, to fill a swept
 * invited member's email. Personal data: never logged.
 */
export interface ListedMember extends ObservedMember {
  email?: string;
}

/** The members as `observed` reads them, each with the email its list entry keeps, if any. */
export function withEmails<Entry>(
  entries: readonly Entry[],
  observed: (entries: Entry[]) => ObservedMember[],
  emailOf: (entry: Entry) => string | undefined,
): ListedMember[] {
  return entries.flatMap((entry) =>
    observed([entry]).map((member) => {
      const email = emailOf(entry);
      return email === undefined ? member : { ...member, email };
    }),
  );
}

export interface UnprocessedAccount {
  accountId: string;
  reason?: string;
}

/**
 * Where a service's memberships live in one Region: `home` is what the service names it by (Detective:
 * the behavior graph ARN), absent for a service that has one per Region and names none (Security Hub).
 */
export interface MembershipTarget {
  region: string;
  home?: string;
}

/** How the service words the invitations it emails, from the stack parameters. */
export interface CreateOptions {
  /** Services that email their invitations: do not email the invited accounts. */
  disableEmailNotification: boolean;
  /** Services that email their invitations: text added to the invitation email. */
  message?: string;
}

/**
 * The administrator half of one service, one Region, in capabilities (locate, plan, read, create,
 * invite). The engine's steps speak only these interfaces, so a new service is a new adapter, not
 * a new workflow; each step is wired with just the capabilities it uses (registry.ts), so its
 * bundle and IAM policy hold nothing more.
 * Every call takes at most 50 accounts; the engine chunks.
 */
export interface MembershipLocator {
  readonly service: ServiceName;
  /** The service's home for memberships in this Region, or undefined when the administrator has not enabled it. */
  locate(region: string): Promise<MembershipTarget | undefined>;
}

export interface MembershipReader extends MembershipLocator {
  getMembers(
    target: MembershipTarget,
    accountIds: string[],
  ): Promise<{ members: ObservedMember[]; unprocessed: UnprocessedAccount[] }>;
}

/** Every member the administrator has in one Region, with its status: what `muster coverage` reads. */
export interface MembershipLister extends MembershipLocator {
  /** Whatever its status; each ListMembers page after the last one's token. */
  listMembers(target: MembershipTarget): Promise<ObservedMember[]>;
}

export interface MembershipCreator {
  /** `members` is present when the service reports the new statuses itself (Detective does). */
  createMembers(
    target: MembershipTarget,
    accounts: Account[],
    options: CreateOptions,
  ): Promise<{ members?: ObservedMember[]; unprocessed: UnprocessedAccount[] }>;
}

/** Services whose CreateMembers already invites (Detective) have no inviter. */
export interface MembershipInviter {
  inviteMembers(
    target: MembershipTarget,
    accountIds: string[],
    options: CreateOptions,
  ): Promise<{ unprocessed: UnprocessedAccount[] }>;
}

/** How the administrator's organization settings for a service read in one Region. */
export interface ServiceOrganization {
  /** AWS's own word that the administrator has all the members it may have (docs/aws-facts.md, Security Hub). */
  memberAccountLimitReached: boolean;
  /** CENTRAL: configuration policies decide where the service runs in organization accounts. */
  configurationType?: string;
  /** PENDING | ENABLED | FAILED: whether central configuration took effect. */
  status?: string;
}

/** What the first step reads of a service in one Region, besides its home: for the limits. */
export interface MembershipPlanner extends MembershipLocator {
  /**
   * Every member the administrator has there, whatever its status, with the status its list shows
   * (the limits count them; a sweep creates none of those already enabled), and its email.
   */
  members(target: MembershipTarget): Promise<ListedMember[]>;
  /**
   * The service's organization settings, or undefined when the administrator is not the service's
   * delegated administrator in the Region. Absent for a service that has none to read.
   */
  organization?(target: MembershipTarget): Promise<ServiceOrganization | undefined>;
}

/**
 * What offboarding calls: reads who is a member (to tell "removed" from "was not one"), then takes
 * the memberships away. `unprocessed` are the accounts the service did not remove, with its words.
 * Idempotent: removing an account twice, or one that was never a member, changes nothing.
 */
export interface MembershipRemover extends MembershipReader {
  removeMembers(
    target: MembershipTarget,
    accountIds: string[],
  ): Promise<{ unprocessed: UnprocessedAccount[] }>;
}

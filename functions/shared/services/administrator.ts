import type { Account } from '../domain/accounts.ts';
import type { ServiceName } from '../domain/services.ts';

/** A member as the administrator sees it, in the service's own words. */
export interface ObservedMember {
  accountId: string;
  status: string;
  disabledReason?: string;
}

export interface UnprocessedAccount {
  accountId: string;
  reason?: string;
}

/** Where a service's memberships live in one Region (Detective: the behavior graph). */
export interface MembershipTarget {
  region: string;
  graphArn?: string;
}

export interface CreateOptions {
  /** Detective: do not email the invited accounts. */
  disableEmailNotification: boolean;
  /** Detective: text added to the invitation email. */
  message?: string;
}

/**
 * The administrator half of one service, one Region, in three capabilities. The engine's steps
 * speak only these interfaces, so a new service is a new adapter, not a new workflow; each step
 * is wired with just the capabilities it uses, so its bundle and IAM policy hold nothing more.
 * Every call takes at most 50 accounts; the engine chunks.
 */
export interface MembershipLocator {
  readonly service: ServiceName;
  /** Detective needs the member's root email on CreateMembers; Security Hub does not. */
  readonly requiresEmail: boolean;
  /** The service's home for memberships in this Region, or undefined when the administrator has not enabled it. */
  locate(region: string): Promise<MembershipTarget | undefined>;
}

export interface MembershipReader extends MembershipLocator {
  getMembers(
    target: MembershipTarget,
    accountIds: string[],
  ): Promise<{ members: ObservedMember[]; unprocessed: UnprocessedAccount[] }>;
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
  ): Promise<{ unprocessed: UnprocessedAccount[] }>;
}

import type { ObservedStatus } from '../domain/outcomes.ts';
import type { ServiceName } from '../domain/services.ts';

/** The administrator whose invitation a member accepts, in one Region. */
export interface InvitingAdministrator {
  administratorId: string;
  region: string;
  /** The administrator's home of the service in this Region (Detective: its behavior graph ARN). */
  home?: string;
  /**
   * Security Hub: central configuration decides whether Security Hub runs in this account here, so
   * the member side must never enable it (docs/aws-facts.md, Security Hub).
   */
  centrallyConfigured?: boolean;
}

/**
 * The member half of one service, in one member account and Region. Answers the service gives as
 * part of the dance (no invitation yet, another administrator) come back as an outcome; any other
 * error is thrown as the SDK threw it, for the caller to classify.
 */
export interface MemberService {
  readonly service: ServiceName;
  acceptMembership(administrator: InvitingAdministrator): Promise<ObservedStatus>;
}

/** The member-side services of one account, all signed with that account's one session. */
export interface MemberAccount {
  service(name: ServiceName, region: string): MemberService;
  /** Releases the account's clients once its work is done (their connections are the process's, shared). */
  close(): void;
}

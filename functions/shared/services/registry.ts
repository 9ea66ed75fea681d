import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { RegionalClientClass, RetryingClient } from '../aws/clients.ts';
import type { ServiceName } from '../domain/services.ts';
import type {
  MembershipCreator,
  MembershipInviter,
  MembershipLister,
  MembershipLocator,
  MembershipPlanner,
  MembershipReader,
  MembershipRemover,
} from './administrator.ts';
import {
  detectiveCreator,
  detectiveGraphLocator,
  detectiveLister,
  detectivePlanner,
  detectiveReader,
} from './detective/administrator.ts';
import { detectiveRemover } from './detective/remover.ts';
import {
  guardDutyCreator,
  guardDutyInviter,
  guardDutyLister,
  guardDutyLocator,
  guardDutyPlanner,
  guardDutyReader,
} from './guardduty/administrator.ts';
import { guardDutyRemover } from './guardduty/remover.ts';
import {
  securityHubCreator,
  securityHubInviter,
  securityHubLister,
  securityHubLocator,
  securityHubPlanner,
  securityHubReader,
} from './securityhub/administrator.ts';
import { securityHubRemover } from './securityhub/remover.ts';

/**
 * Makes one client of a service for the caller's Region and credentials: the caller decides how it
 * is signed, paced and traced; the registry only says which client a service needs.
 */
export type OpenClient = <C extends RetryingClient>(Client: RegionalClientClass<C>) => C;

/**
 * One administrator capability of every service, each built on a client `open` makes. A new
 * service is an entry in each record below: the compiler names what it must fill in. The service's
 * rules (statuses, texts, limits) are in domain/services.ts; the member side is member-registry.ts.
 *
 * One record per capability, not one adapter per service: a step imports only the records it uses,
 * and esbuild leaves the others (and their SDK commands) out of its bundle, so each function's IAM
 * policy grants only what its own step calls (test/template/permissions.test.ts checks both).
 */
export type Capability<A> = Readonly<Record<ServiceName, (open: OpenClient) => A>>;

/** What Resolve Accounts reads: each service's home and, for the limits, its members and settings. */
export const PLANNERS: Capability<MembershipPlanner> = {
  securityhub: (open) => securityHubPlanner(open(SecurityHubClient)),
  detective: (open) => detectivePlanner(open(DetectiveClient)),
  guardduty: (open) => guardDutyPlanner(open(GuardDutyClient)),
};

/** What Check Members (and Invite Members, before inviting) reads: the members' statuses. */
export const READERS: Capability<MembershipReader> = {
  securityhub: (open) => securityHubReader(open(SecurityHubClient)),
  detective: (open) => detectiveReader(open(DetectiveClient)),
  guardduty: (open) => guardDutyReader(open(GuardDutyClient)),
};

/**
 * What Create Members calls: it locates the home itself when the plan has none, and invites the
 * members it creates where the plan says every account is invitation-based.
 */
export const CREATORS: Capability<MembershipLocator & MembershipCreator & Partial<MembershipInviter>> = {
  securityhub: (open) => {
    const client = open(SecurityHubClient);
    return { ...securityHubLocator(client), ...securityHubCreator(client), ...securityHubInviter(client) };
  },
  detective: (open) => {
    const client = open(DetectiveClient);
    return { ...detectiveGraphLocator(client), ...detectiveCreator(client) };
  },
  guardduty: (open) => {
    const client = open(GuardDutyClient);
    return { ...guardDutyLocator(client), ...guardDutyCreator(client), ...guardDutyInviter(client) };
  },
};

/** What Invite Members sends; undefined for a service whose CreateMembers already invites (Detective). */
export const INVITERS: Capability<MembershipInviter | undefined> = {
  securityhub: (open) => securityHubInviter(open(SecurityHubClient)),
  detective: () => undefined,
  guardduty: (open) => guardDutyInviter(open(GuardDutyClient)),
};

/**
 * What Invite Members calls to create again a membership a check found not a member, and an
 * organization account its service lists as Removed (SERVICE_RULES' recreatedInOrganization), which
 * AWS refuses to invite: CreateMembers, every service.
 */
export const RECREATORS: Capability<MembershipCreator> = {
  securityhub: (open) => securityHubCreator(open(SecurityHubClient)),
  detective: (open) => detectiveCreator(open(DetectiveClient)),
  guardduty: (open) => guardDutyCreator(open(GuardDutyClient)),
};

/** What Remove Members (offboarding) calls: it reads the members, then takes their memberships away. */
export const REMOVERS: Capability<MembershipRemover> = {
  securityhub: (open) => securityHubRemover(open(SecurityHubClient)),
  detective: (open) => detectiveRemover(open(DetectiveClient)),
  guardduty: (open) => guardDutyRemover(open(GuardDutyClient)),
};

/** What `muster coverage` reads: each service's home in a Region and every member there, with its status. */
export const LISTERS: Capability<MembershipLister> = {
  securityhub: (open) => securityHubLister(open(SecurityHubClient)),
  detective: (open) => detectiveLister(open(DetectiveClient)),
  guardduty: (open) => guardDutyLister(open(GuardDutyClient)),
};

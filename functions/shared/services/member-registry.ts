import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ServiceName } from '../domain/services.ts';
import { detectiveMember } from './detective/member.ts';
import { guardDutyMember } from './guardduty/member.ts';
import type { MemberService } from './member.ts';
import type { OpenClient } from './registry.ts';
import { type SecurityHubMemberOptions, securityHubMember } from './securityhub/member.ts';

/** The member-side settings of every service, from the stack parameters. */
export type MemberOptions = SecurityHubMemberOptions;

/**
 * Each service's member side in one member account and Region, on one client `open` makes with
 * that account's credentials. Apart from the registry (services/registry.ts) so the member-side
 * bundle, and the member role, hold no administrator call.
 */
export const MEMBER_SIDES: Readonly<
  Record<ServiceName, (open: OpenClient, options: MemberOptions) => MemberService>
> = {
  securityhub: (open, options) => securityHubMember(open(SecurityHubClient), options),
  detective: (open) => detectiveMember(open(DetectiveClient)),
  guardduty: (open) => guardDutyMember(open(GuardDutyClient)),
};

import {
  CreateMembersCommand,
  DescribeOrganizationConfigurationCommand,
  GetMembersCommand,
  type GuardDutyClient,
  InviteMembersCommand,
  ListDetectorsCommand,
  ListMembersCommand,
  type Member,
} from '@aws-sdk/client-guardduty';
import { everyPage } from '../../aws/pages.ts';
import {
  type MembershipCreator,
  type MembershipInviter,
  type MembershipLister,
  type MembershipLocator,
  type MembershipPlanner,
  type MembershipReader,
  type MembershipTarget,
  type ObservedMember,
  type UnprocessedAccount,
  withEmails,
} from '../administrator.ts';

/** ListMembers and ListDetectors take at most 50 per page (docs/aws-facts.md, Amazon GuardDuty). */
export const GUARDDUTY_PAGE_SIZE = 50;

function detectorOf(target: MembershipTarget): string {
  if (target.home === undefined) throw new Error(`no GuardDuty detector located in ${target.region}`);
  return target.home;
}

function unprocessed(entries: { AccountId?: string; Result?: string }[] | undefined): UnprocessedAccount[] {
  return (entries ?? []).flatMap(({ AccountId, Result }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, reason: Result }],
  );
}

function observed(members: Member[] | undefined): ObservedMember[] {
  return (members ?? []).flatMap(({ AccountId, RelationshipStatus }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, status: RelationshipStatus ?? '' }],
  );
}

/** Every member of the detector, 50 a page. */
function everyMember(client: GuardDutyClient, target: MembershipTarget): Promise<Member[]> {
  // OnlyAssociated "false": Created, Invited and Removed members count too.
  return everyPage(async (nextToken) => {
    const page = await client.send(
      new ListMembersCommand({
        DetectorId: detectorOf(target),
        OnlyAssociated: 'false',
        MaxResults: GUARDDUTY_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    return { items: page.Members, nextToken: page.NextToken };
  });
}

/** Finds the administrator's detector in the client's Region: every member call names it. */
export function guardDutyLocator(client: GuardDutyClient): MembershipLocator {
  return {
    service: 'guardduty',
    async locate(region) {
      // An account has at most one detector per Region; none means GuardDuty is off there
      // (docs/aws-facts.md, Amazon GuardDuty).
      const { DetectorIds } = await client.send(
        new ListDetectorsCommand({ MaxResults: GUARDDUTY_PAGE_SIZE }),
      );
      const detectorId = DetectorIds?.[0];
      return detectorId === undefined ? undefined : { region, home: detectorId };
    },
  };
}

export function guardDutyReader(client: GuardDutyClient): MembershipReader {
  return {
    ...guardDutyLocator(client),
    async getMembers(target, accountIds) {
      const response = await client.send(
        new GetMembersCommand({ DetectorId: detectorOf(target), AccountIds: accountIds }),
      );
      return { members: observed(response.Members), unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

export function guardDutyCreator(client: GuardDutyClient): MembershipCreator {
  return {
    async createMembers(target, accounts) {
      const response = await client.send(
        new CreateMembersCommand({
          DetectorId: detectorOf(target),
          // Email is required by the API; an account without one is refused before the call (requiresEmail).
          AccountDetails: accounts.map(({ accountId, email }) => ({
            AccountId: accountId,
            Email: email ?? '',
          })),
        }),
      );
      return { unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

export function guardDutyInviter(client: GuardDutyClient): MembershipInviter {
  return {
    async inviteMembers(target, accountIds, options) {
      const response = await client.send(
        new InviteMembersCommand({
          DetectorId: detectorOf(target),
          AccountIds: accountIds,
          DisableEmailNotification: options.disableEmailNotification,
          ...(options.message ? { Message: options.message } : {}),
        }),
      );
      return { unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

/** What the first step reads of the administrator's GuardDuty in one Region: the detector, its members, its organization settings. */
export function guardDutyPlanner(client: GuardDutyClient): MembershipPlanner {
  return {
    ...guardDutyLocator(client),
    async members(target) {
      return withEmails(await everyMember(client, target), observed, ({ Email }) => Email);
    },
    async organization(target) {
      try {
        const response = await client.send(
          new DescribeOrganizationConfigurationCommand({ DetectorId: detectorOf(target) }),
        );
        return { memberAccountLimitReached: response.MemberAccountLimitReached ?? false };
      } catch (error) {
        // Only GuardDuty's delegated administrator may call it; others get BadRequestException
        // (docs/aws-facts.md, Amazon GuardDuty).
        if ((error as Error).name === 'BadRequestException') return undefined;
        throw error;
      }
    },
  };
}

/** Every member of the administrator's detector in the client's Region, with its status (coverage). */
export function guardDutyLister(client: GuardDutyClient): MembershipLister {
  return {
    ...guardDutyLocator(client),
    async listMembers(target) {
      return observed(await everyMember(client, target));
    },
  };
}

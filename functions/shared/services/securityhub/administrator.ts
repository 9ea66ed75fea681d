import {
  CreateMembersCommand,
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  GetMembersCommand,
  InviteMembersCommand,
  ListMembersCommand,
  type Member,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { everyPage } from '../../aws/pages.ts';
import {
  type MembershipCreator,
  type MembershipInviter,
  type MembershipLister,
  type MembershipLocator,
  type MembershipPlanner,
  type MembershipReader,
  type ObservedMember,
  type UnprocessedAccount,
  withEmails,
} from '../administrator.ts';

function unprocessed(
  entries: { AccountId?: string; ProcessingResult?: string }[] | undefined,
): UnprocessedAccount[] {
  return (entries ?? []).flatMap(({ AccountId, ProcessingResult }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, reason: ProcessingResult }],
  );
}

function observed(members: Member[] | undefined): ObservedMember[] {
  return (members ?? []).flatMap(({ AccountId, MemberStatus }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, status: MemberStatus ?? '' }],
  );
}

/** Whether the administrator has Security Hub in the client's Region (the first step needs only this). */
export function securityHubLocator(client: SecurityHubClient): MembershipLocator {
  return {
    service: 'securityhub',
    async locate(region) {
      try {
        await client.send(new DescribeHubCommand({}));
        return { region };
      } catch (error) {
        // DescribeHub answers InvalidAccessException when Security Hub is not enabled
        // (docs/aws-facts.md, Security Hub).
        if ((error as Error).name === 'InvalidAccessException') return undefined;
        throw error;
      }
    },
  };
}

export function securityHubReader(client: SecurityHubClient): MembershipReader {
  return {
    ...securityHubLocator(client),
    async getMembers(_target, accountIds) {
      const response = await client.send(new GetMembersCommand({ AccountIds: accountIds }));
      return { members: observed(response.Members), unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

export function securityHubCreator(client: SecurityHubClient): MembershipCreator {
  return {
    async createMembers(_target, accounts) {
      const response = await client.send(
        new CreateMembersCommand({
          AccountDetails: accounts.map(({ accountId, email }) =>
            email === undefined ? { AccountId: accountId } : { AccountId: accountId, Email: email },
          ),
        }),
      );
      return { unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

export function securityHubInviter(client: SecurityHubClient): MembershipInviter {
  return {
    async inviteMembers(_target, accountIds) {
      const response = await client.send(new InviteMembersCommand({ AccountIds: accountIds }));
      return { unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

/** What the first step reads of Security Hub's members and organization settings in one Region. */
export type SecurityHubMembership = Required<Pick<MembershipPlanner, 'organization' | 'members'>>;

/** ListMembers takes at most 50 per page (docs/aws-facts.md, Security Hub). */
export const LIST_MEMBERS_PAGE_SIZE = 50;

/** Every member in the client's Region, 50 a page. */
function everyMember(client: SecurityHubClient): Promise<Member[]> {
  // OnlyAssociated defaults to true, which would hide Created, Invited and Removed members.
  return everyPage(async (nextToken) => {
    const page = await client.send(
      new ListMembersCommand({
        OnlyAssociated: false,
        MaxResults: LIST_MEMBERS_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    return { items: page.Members, nextToken: page.NextToken };
  });
}

export function securityHubMembership(client: SecurityHubClient): SecurityHubMembership {
  return {
    async organization() {
      try {
        const response = await client.send(new DescribeOrganizationConfigurationCommand({}));
        return {
          memberAccountLimitReached: response.MemberAccountLimitReached ?? false,
          ...(response.OrganizationConfiguration?.ConfigurationType === undefined
            ? {}
            : { configurationType: response.OrganizationConfiguration.ConfigurationType }),
          ...(response.OrganizationConfiguration?.Status === undefined
            ? {}
            : { status: response.OrganizationConfiguration.Status }),
        };
      } catch (error) {
        // Only Security Hub's delegated administrator may call it; others get InvalidAccessException
        // (docs/aws-facts.md, Security Hub).
        if ((error as Error).name === 'InvalidAccessException') return undefined;
        throw error;
      }
    },
    async members() {
      return withEmails(await everyMember(client), observed, ({ Email }) => Email);
    },
  };
}

/** What the first step reads of the administrator's Security Hub in one Region. */
export function securityHubPlanner(client: SecurityHubClient): MembershipPlanner {
  return { ...securityHubLocator(client), ...securityHubMembership(client) };
}

/** Every member of the administrator's Security Hub in the client's Region, with its status (coverage). */
export function securityHubLister(client: SecurityHubClient): MembershipLister {
  return {
    ...securityHubLocator(client),
    async listMembers() {
      return observed(await everyMember(client));
    },
  };
}

import {
  CreateMembersCommand,
  DescribeHubCommand,
  GetMembersCommand,
  InviteMembersCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type {
  MembershipCreator,
  MembershipInviter,
  MembershipLocator,
  MembershipReader,
  UnprocessedAccount,
} from './administrator.ts';

function unprocessed(
  entries: { AccountId?: string; ProcessingResult?: string }[] | undefined,
): UnprocessedAccount[] {
  return (entries ?? []).flatMap(({ AccountId, ProcessingResult }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, reason: ProcessingResult }],
  );
}

/** Whether the administrator has Security Hub in the client's Region (the first step needs only this). */
export function securityHubLocator(client: SecurityHubClient): MembershipLocator {
  return {
    service: 'securityhub',
    requiresEmail: false,
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
      return {
        members: (response.Members ?? []).flatMap(({ AccountId, MemberStatus }) =>
          AccountId === undefined ? [] : [{ accountId: AccountId, status: MemberStatus ?? '' }],
        ),
        unprocessed: unprocessed(response.UnprocessedAccounts),
      };
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

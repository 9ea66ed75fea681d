import {
  CreateMembersCommand,
  type DetectiveClient,
  GetMembersCommand,
  ListGraphsCommand,
  ListMembersCommand,
  type MemberDetail,
} from '@aws-sdk/client-detective';
import { everyPage } from '../../aws/pages.ts';
import {
  type MembershipCreator,
  type MembershipLister,
  type MembershipLocator,
  type MembershipPlanner,
  type MembershipReader,
  type MembershipTarget,
  type ObservedMember,
  type UnprocessedAccount,
  withEmails,
} from '../administrator.ts';

function graphOf(target: MembershipTarget): string {
  if (target.home === undefined) throw new Error(`no Detective behavior graph located in ${target.region}`);
  return target.home;
}

function unprocessed(entries: { AccountId?: string; Reason?: string }[] | undefined): UnprocessedAccount[] {
  return (entries ?? []).flatMap(({ AccountId, Reason }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, reason: Reason }],
  );
}

function observed(members: MemberDetail[] | undefined): ObservedMember[] {
  return (members ?? []).flatMap(({ AccountId, Status, DisabledReason, InvitationType }) =>
    AccountId === undefined
      ? []
      : [
          {
            accountId: AccountId,
            status: Status ?? '',
            ...(DisabledReason ? { disabledReason: DisabledReason } : {}),
            ...(InvitationType ? { invitationType: InvitationType } : {}),
          },
        ],
  );
}

/** Finds the administrator's behavior graph in the client's Region (the first step needs only this). */
export function detectiveGraphLocator(client: DetectiveClient): MembershipLocator {
  return {
    service: 'detective',
    async locate(region) {
      // The administrator has at most one behavior graph per Region; none means Detective is off there.
      const { GraphList } = await client.send(new ListGraphsCommand({}));
      const graphArn = GraphList?.[0]?.Arn;
      return graphArn === undefined ? undefined : { region, home: graphArn };
    },
  };
}

export function detectiveReader(client: DetectiveClient): MembershipReader {
  return {
    ...detectiveGraphLocator(client),
    async getMembers(target, accountIds) {
      const response = await client.send(
        new GetMembersCommand({ GraphArn: graphOf(target), AccountIds: accountIds }),
      );
      return {
        members: observed(response.MemberDetails),
        unprocessed: unprocessed(response.UnprocessedAccounts),
      };
    },
  };
}

/** Detective's CreateMembers also sends the invitation: there is no inviter. */
export function detectiveCreator(client: DetectiveClient): MembershipCreator {
  return {
    async createMembers(target, accounts, options) {
      const response = await client.send(
        new CreateMembersCommand({
          GraphArn: graphOf(target),
          Accounts: accounts.map(({ accountId, email }) => ({ AccountId: accountId, EmailAddress: email })),
          DisableEmailNotification: options.disableEmailNotification,
          ...(options.message ? { Message: options.message } : {}),
        }),
      );
      return { members: observed(response.Members), unprocessed: unprocessed(response.UnprocessedAccounts) };
    },
  };
}

/** Detective's ListMembers takes at most 200 per page (docs/aws-facts.md, Amazon Detective). */
export const DETECTIVE_LIST_MEMBERS_PAGE_SIZE = 200;

/**
 * Every member of the administrator's behavior graph in one Region, invited or organization: the
 * graph's member limit counts them all. Removed members are not listed. Each with the `EmailAddress`
 * the list keeps.
 */
export function detectiveMembers(client: DetectiveClient): MembershipPlanner['members'] {
  return async (target) =>
    withEmails(await everyMember(client, target), observed, ({ EmailAddress }) => EmailAddress);
}

function everyMember(client: DetectiveClient, target: MembershipTarget): Promise<MemberDetail[]> {
  const graphArn = graphOf(target);
  return everyPage(async (nextToken) => {
    const page = await client.send(
      new ListMembersCommand({
        GraphArn: graphArn,
        MaxResults: DETECTIVE_LIST_MEMBERS_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    return { items: page.MemberDetails, nextToken: page.NextToken };
  });
}

/** What the first step reads of the administrator's Detective in one Region: the graph and its members. */
export function detectivePlanner(client: DetectiveClient): MembershipPlanner {
  return { ...detectiveGraphLocator(client), members: detectiveMembers(client) };
}

/** Every member of the administrator's behavior graph in the client's Region, with its status (coverage). */
export function detectiveLister(client: DetectiveClient): MembershipLister {
  return {
    ...detectiveGraphLocator(client),
    async listMembers(target) {
      return observed(await everyMember(client, target));
    },
  };
}

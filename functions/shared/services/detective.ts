import {
  CreateMembersCommand,
  type DetectiveClient,
  GetMembersCommand,
  ListGraphsCommand,
  type MemberDetail,
} from '@aws-sdk/client-detective';
import type { AdministratorService, MembershipTarget, ObservedMember } from './administrator.ts';

function graphOf(target: MembershipTarget): string {
  if (target.graphArn === undefined)
    throw new Error(`no Detective behavior graph located in ${target.region}`);
  return target.graphArn;
}

function observed(members: MemberDetail[] | undefined): ObservedMember[] {
  return (members ?? []).flatMap(({ AccountId, Status, DisabledReason }) =>
    AccountId === undefined
      ? []
      : [
          {
            accountId: AccountId,
            status: Status ?? '',
            ...(DisabledReason ? { disabledReason: DisabledReason } : {}),
          },
        ],
  );
}

export function detectiveAdministrator(client: DetectiveClient): AdministratorService {
  return {
    service: 'detective',
    requiresEmail: true,
    async locate(region) {
      // The administrator has at most one behavior graph per Region; none means Detective is off there.
      const { GraphList } = await client.send(new ListGraphsCommand({}));
      const graphArn = GraphList?.[0]?.Arn;
      return graphArn === undefined ? undefined : { region, graphArn };
    },
    async getMembers(target, accountIds) {
      const response = await client.send(
        new GetMembersCommand({ GraphArn: graphOf(target), AccountIds: accountIds }),
      );
      return {
        members: observed(response.MemberDetails),
        unprocessed: (response.UnprocessedAccounts ?? []).flatMap(({ AccountId, Reason }) =>
          AccountId === undefined ? [] : [{ accountId: AccountId, reason: Reason }],
        ),
      };
    },
    async createMembers(target, accounts, options) {
      const response = await client.send(
        new CreateMembersCommand({
          GraphArn: graphOf(target),
          Accounts: accounts.map(({ accountId, email }) => ({ AccountId: accountId, EmailAddress: email })),
          DisableEmailNotification: options.disableEmailNotification,
          ...(options.message ? { Message: options.message } : {}),
        }),
      );
      return {
        members: observed(response.Members),
        unprocessed: (response.UnprocessedAccounts ?? []).flatMap(({ AccountId, Reason }) =>
          AccountId === undefined ? [] : [{ accountId: AccountId, reason: Reason }],
        ),
      };
    },
  };
}

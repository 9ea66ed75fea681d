import {
  DeleteMembersCommand,
  DisassociateMembersCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { MembershipRemover } from '../administrator.ts';
import { securityHubReader } from './administrator.ts';

/**
 * Security Hub: a member must be disassociated before it can be deleted; DisassociateMembers answers
 * nothing per account, so DeleteMembers' UnprocessedAccounts is the verdict (docs/aws-facts.md,
 * Security Hub, "Removing members").
 */
export function securityHubRemover(client: SecurityHubClient): MembershipRemover {
  return {
    ...securityHubReader(client),
    async removeMembers(_target, accountIds) {
      await client.send(new DisassociateMembersCommand({ AccountIds: accountIds }));
      const response = await client.send(new DeleteMembersCommand({ AccountIds: accountIds }));
      return {
        unprocessed: (response.UnprocessedAccounts ?? []).flatMap(({ AccountId, ProcessingResult }) =>
          AccountId === undefined ? [] : [{ accountId: AccountId, reason: ProcessingResult }],
        ),
      };
    },
  };
}

import { DeleteMembersCommand, type DetectiveClient } from '@aws-sdk/client-detective';
import type { MembershipRemover } from '../administrator.ts';
import { detectiveReader } from './administrator.ts';

/**
 * Detective: DeleteMembers alone takes an account out of the behavior graph; the administrator has no
 * separate disassociate call (docs/aws-facts.md, Amazon Detective, "Removing members").
 */
export function detectiveRemover(client: DetectiveClient): MembershipRemover {
  const reader = detectiveReader(client);
  return {
    ...reader,
    async removeMembers(target, accountIds) {
      if (target.home === undefined)
        throw new Error(`no Detective behavior graph located in ${target.region}`);
      const response = await client.send(
        new DeleteMembersCommand({ GraphArn: target.home, AccountIds: accountIds }),
      );
      return {
        unprocessed: (response.UnprocessedAccounts ?? []).flatMap(({ AccountId, Reason }) =>
          AccountId === undefined ? [] : [{ accountId: AccountId, reason: Reason }],
        ),
      };
    },
  };
}

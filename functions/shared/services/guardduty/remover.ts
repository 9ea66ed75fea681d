import {
  DeleteMembersCommand,
  DisassociateMembersCommand,
  type GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import type { MembershipRemover, UnprocessedAccount } from '../administrator.ts';
import { guardDutyReader } from './administrator.ts';

function unprocessed(entries: { AccountId?: string; Result?: string }[] | undefined): UnprocessedAccount[] {
  return (entries ?? []).flatMap(({ AccountId, Result }) =>
    AccountId === undefined ? [] : [{ accountId: AccountId, reason: Result }],
  );
}

/**
 * GuardDuty: DisassociateMembers, then DeleteMembers, which also drops the member's details
 * (docs/aws-facts.md, Amazon GuardDuty, "Removing members"). DeleteMembers is asked for every account
 * even when the disassociation left it unprocessed (a member already disassociated may be one), so
 * DeleteMembers has the last word; its text is reported with the disassociation's.
 */
export function guardDutyRemover(client: GuardDutyClient): MembershipRemover {
  return {
    ...guardDutyReader(client),
    async removeMembers(target, accountIds) {
      if (target.home === undefined) throw new Error(`no GuardDuty detector located in ${target.region}`);
      const disassociated = await client.send(
        new DisassociateMembersCommand({ DetectorId: target.home, AccountIds: accountIds }),
      );
      const deleted = await client.send(
        new DeleteMembersCommand({ DetectorId: target.home, AccountIds: accountIds }),
      );
      const disassociation = new Map(
        unprocessed(disassociated.UnprocessedAccounts).map(({ accountId, reason }) => [accountId, reason]),
      );
      return {
        unprocessed: unprocessed(deleted.UnprocessedAccounts).map(({ accountId, reason }) => {
          const first = disassociation.get(accountId);
          return {
            accountId,
            reason:
              first === undefined ? reason : `DisassociateMembers: ${first}; DeleteMembers: ${reason ?? ''}`,
          };
        }),
      };
    },
  };
}

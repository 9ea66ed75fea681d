import type { AdministratorStepInput, AdministratorStepOutput } from '../shared/contracts.ts';
import type { Account } from '../shared/domain/accounts.ts';
import { outcomeOfStatus } from '../shared/domain/outcomes.ts';
import { nextAction } from '../shared/domain/reconcile.ts';
import {
  beginStep,
  forEachChunk,
  observe,
  settleObserved,
  settleUnprocessed,
  statusOf,
  type Telemetry,
} from '../shared/engine.ts';
import type { CreateOptions, MembershipCreator, MembershipReader } from '../shared/services/administrator.ts';

export interface CreateMembersDeps {
  adapter: MembershipReader & MembershipCreator;
  options: CreateOptions;
  telemetry: Telemetry;
}

/**
 * Makes every account a member of the administrator in one Region for one service. It observes
 * first and creates only accounts that are not members, so a re-run changes nothing.
 */
export async function createMembers(
  input: AdministratorStepInput,
  deps: CreateMembersDeps,
): Promise<AdministratorStepOutput> {
  const { adapter, options, telemetry } = deps;
  const { results, target, observed } = await beginStep(input, adapter);
  if (target === undefined) return results.output();

  const toCreate: Account[] = [];
  for (const account of results.unsettled) {
    const status = statusOf(observed, account.accountId);
    if (nextAction(status.outcome) !== 'create') settleObserved(results, account.accountId, status);
    else if (adapter.requiresEmail && account.email === undefined) {
      results.fail(
        account.accountId,
        'FAILED',
        `${adapter.service} needs the account's root email address and none was given or found in Organizations`,
      );
    } else toCreate.push(account);
  }

  // Accounts whose status the create call did not report are read back afterwards.
  const readBack: string[] = [];
  await forEachChunk(toCreate, results, async (part) => {
    const { members, unprocessed } = await adapter.createMembers(target, part, options);
    for (const entry of unprocessed) {
      if (settleUnprocessed(results, entry, telemetry) === 'already-member') readBack.push(entry.accountId);
    }
    const reported = new Map((members ?? []).map((member) => [member.accountId, member]));
    const created = part.filter(
      ({ accountId }) => results.isPending(accountId) && !readBack.includes(accountId),
    );
    telemetry.count('MembersCreated', created.length);
    for (const { accountId } of created) {
      const member = reported.get(accountId);
      if (member === undefined) readBack.push(accountId);
      else
        settleObserved(
          results,
          accountId,
          outcomeOfStatus(adapter.service, member.status, member.disabledReason),
        );
    }
  });

  if (readBack.length > 0) {
    const after = await observe(adapter, target, readBack, results);
    for (const accountId of readBack) {
      if (!results.isPending(accountId)) continue;
      const status = statusOf(after, accountId);
      // Reads can lag a write; a member we just created that is not visible yet is asked about again later.
      if (status.outcome === 'NOT_A_MEMBER')
        results.retry(accountId, 'created, but not yet visible in GetMembers');
      else settleObserved(results, accountId, status);
    }
  }
  return results.output(target.graphArn === undefined ? {} : { graphArn: target.graphArn });
}

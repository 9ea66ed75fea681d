import type {
  AdministratorStepInput,
  AdministratorStepOutput,
  CreateStepOutput,
} from '../shared/contracts.ts';
import type { Account } from '../shared/domain/accounts.ts';
import { groupFailures } from '../shared/domain/failures.ts';
import { outcomeOfStatus } from '../shared/domain/outcomes.ts';
import { SERVICE_RULES } from '../shared/domain/services.ts';
import {
  forEachChunk,
  locateStep,
  settleObserved,
  settleUnprocessed,
  type Telemetry,
} from '../shared/engine.ts';
import type {
  CreateOptions,
  MembershipCreator,
  MembershipLocator,
} from '../shared/services/administrator.ts';

export interface CreateMembersDeps {
  adapter: MembershipLocator & MembershipCreator;
  options: CreateOptions;
  telemetry: Telemetry;
}

/**
 * Makes every account a member of the administrator in one Region for one service, 50 per call, without
 * reading first (a sweep skips those its plan's member list showed enabled): CreateMembers answers an existing member as "already a member" and changes nothing
 * (docs/aws-facts.md, Security Hub; Amazon Detective), so a retried or duplicated step is safe, and the one
 * read each membership needs is the check's. Accounts come out CREATED, or with the status Detective reports.
 */
export async function createMembers(
  input: AdministratorStepInput,
  deps: CreateMembersDeps,
): Promise<AdministratorStepOutput> {
  const { adapter, options, telemetry } = deps;
  const { results, target } = await locateStep(input, adapter);
  if (target === undefined) return results.output();

  // A sweep's plan read every member here: the accounts it showed enabled need no call.
  const create = input.located?.create === undefined ? undefined : new Set(input.located.create);
  const toCreate: Account[] = [];
  for (const account of results.unsettled) {
    if (create !== undefined && !create.has(account.accountId)) results.succeed(account.accountId, 'ENABLED');
    else if (SERVICE_RULES[adapter.service].requiresEmail && account.email === undefined) {
      // Were it a member already, the check's read (ENABLED) outranks this record.
      results.fail(
        account.accountId,
        'FAILED',
        `${adapter.service} needs the account's root email address and none was given or found in Organizations`,
      );
    } else toCreate.push(account);
  }

  await forEachChunk(toCreate, results, async (part) => {
    const { members, unprocessed } = await adapter.createMembers(target, part, options);
    for (const entry of unprocessed) {
      if (settleUnprocessed(results, entry, telemetry) === 'already-member')
        results.succeed(entry.accountId, 'CREATED');
    }
    const reported = new Map((members ?? []).map((member) => [member.accountId, member]));
    const created = part.filter(({ accountId }) => results.isPending(accountId));
    telemetry.count('MembersCreated', created.length);
    for (const { accountId } of created) {
      const member = reported.get(accountId);
      if (member === undefined) results.succeed(accountId, 'CREATED');
      else
        settleObserved(
          results,
          accountId,
          outcomeOfStatus(adapter.service, member.status, member.disabledReason),
        );
    }
  });
  return results.output(target.home === undefined ? {} : { home: target.home });
}

/**
 * What the create step hands the state machine: this attempt's failures merged into the earlier
 * attempts' (`input.failed`), grouped and bounded, and the ids to retry (the reasons are in the
 * log), so a pair's share of the state stays small.
 */
export function stateOutput(
  input: AdministratorStepInput,
  output: AdministratorStepOutput,
): CreateStepOutput {
  return {
    ...output,
    failed: groupFailures(input.failed ?? [], output.failed),
    retry: output.retry.map(({ accountId }) => accountId),
  };
}

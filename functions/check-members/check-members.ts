import type { AdministratorStepInput, AdministratorStepOutput } from '../shared/contracts.ts';
import { PENDING_OUTCOMES, SETTLED_OUTCOMES } from '../shared/domain/outcomes.ts';
import { beginStep, statusOf } from '../shared/engine.ts';
import type { MembershipReader } from '../shared/services/administrator.ts';

export interface CheckMembersDeps {
  adapter: MembershipReader;
}

/**
 * Reads each account's membership status. Accounts still on their way (invited, verifying) come
 * back under `retry` with their status as the reason, so the workflow waits and polls again.
 */
export async function checkMembers(
  input: AdministratorStepInput,
  deps: CheckMembersDeps,
): Promise<AdministratorStepOutput> {
  const { adapter } = deps;
  const { results, target, observed } = await beginStep(input, adapter);
  if (target === undefined) return results.output();
  for (const { accountId } of results.unsettled) {
    const status = statusOf(observed, accountId);
    if (PENDING_OUTCOMES.has(status.outcome))
      results.retry(accountId, `still ${status.outcome}`, status.outcome);
    else if (SETTLED_OUTCOMES.has(status.outcome)) results.succeed(accountId, status.outcome);
    else results.fail(accountId, status.outcome, status.reason ?? `the membership is ${status.outcome}`);
  }
  return results.output(target.home === undefined ? {} : { home: target.home });
}

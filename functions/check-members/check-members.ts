import type { AdministratorStepInput, AdministratorStepOutput } from '../shared/contracts.ts';
import { PENDING_OUTCOMES, SETTLED_OUTCOMES } from '../shared/domain/outcomes.ts';
import { locateTarget, observe, StepResults } from '../shared/engine.ts';
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
  const results = new StepResults(input);
  const target = await locateTarget(adapter, input.region, results);
  if (target === undefined) return results.output();

  const observed = await observe(
    adapter,
    target,
    results.unsettled.map(({ accountId }) => accountId),
    results,
  );
  for (const { accountId } of results.unsettled) {
    const status = observed.get(accountId) ?? { outcome: 'NOT_A_MEMBER' };
    if (PENDING_OUTCOMES.has(status.outcome))
      results.retry(accountId, `still ${status.outcome}`, status.outcome);
    else if (SETTLED_OUTCOMES.has(status.outcome)) results.succeed(accountId, status.outcome);
    else results.fail(accountId, status.outcome, status.reason ?? `the membership is ${status.outcome}`);
  }
  return results.output(target.graphArn === undefined ? {} : { graphArn: target.graphArn });
}

import { describe, expect, it } from 'vitest';
import { CHILD_BATCH_ACCOUNTS } from '../../functions/shared/contracts.ts';
import { type LocalRunResult, runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import { organization } from './scenarios.ts';

/**
 * Two child executions of 1,000 accounts, one after another on one pair: each makes 20 CreateMembers
 * and then 20 GetMembers calls, 80 calls against AWS's burst of 30, in four Lambda containers (Create
 * Members, then Check Members, twice), each with buckets of its own as in AWS.
 */
const ACCOUNTS = 2 * CHILD_BATCH_ACCOUNTS;

const scenario = organization({
  regions: ['us-east-1'],
  accounts: Array.from({ length: ACCOUNTS }, (_, n) => {
    const accountId = String(300000000000 + n);
    return { accountId, email: `aws+${accountId}@example.com`, joinedMethod: 'CREATED', name: `a-${n}` };
  }),
  // Security Hub's documented rate, in real time (the time scale compresses only waits and latency).
  faults: { throttle: { securityhub: { ratePerSecond: 10, burst: 30 } } },
});

/** A step's input as if no step before it had said what it left: each container starts full. */
function withoutPacing(input: unknown): unknown {
  const { pacing: _, administrator, ...rest } = input as { pacing?: unknown; administrator?: object[] };
  return administrator === undefined
    ? rest
    : { ...rest, administrator: administrator.map((pair) => withoutPacing(pair)) };
}

function onboard(carry: boolean): Promise<LocalRunResult> {
  return runLocalWorkflow({
    scenario,
    input: { allAccounts: true, regions: ['us-east-1'], services: ['securityhub'] },
    // A deployment of its own: its containers start cold, not warm from the other test's run.
    env: { MUSTER_TEST_DEPLOYMENT: carry ? 'carried' : 'not carried' },
    wrapTask: carry ? undefined : (_, invoke) => (input) => invoke(withoutPacing(input)),
  });
}

describe('pacing carried from step to step, as Lambda containers keep buckets of their own', () => {
  it("keeps AWS's bucket from throttling a step after the one before drained it, across child executions too", async () => {
    const carried = await onboard(true);
    expect(carried.status).toBe('SUCCEEDED');
    expect(carried.children).toHaveLength(2);
    expect(carried.report?.counts).toEqual({ ENABLED: ACCOUNTS, SKIPPED_ADMINISTRATOR: 1 });
    expect(carried.standIn.calls.byOperation['securityhub:CreateMembers']).toBe(ACCOUNTS / 50);
    expect(carried.standIn.calls.byOperation['securityhub:GetMembers']).toBe(ACCOUNTS / 50);
    expect(carried.standIn.throttles.total).toBe(0);
  });

  it('is what keeps it: steps given nothing of it send into a drained bucket and are throttled', async () => {
    const fresh = await onboard(false);
    expect(fresh.status).toBe('SUCCEEDED');
    expect(fresh.report?.counts).toEqual({ ENABLED: ACCOUNTS, SKIPPED_ADMINISTRATOR: 1 });
    expect(fresh.standIn.throttles.byOperation['securityhub:GetMembers']).toBeGreaterThan(0);
  });
});

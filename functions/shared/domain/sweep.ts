import { type Outcome, SETTLED_OUTCOMES } from './outcomes.ts';
import type { ReportStatus } from './report.ts';

/** How a finished sweep ended: every membership settled, or some needing attention. */
export const SWEEP_RESULTS = { covered: 'covered', needsAttention: 'needs-attention' } as const;
export type SweepResult = (typeof SWEEP_RESULTS)[keyof typeof SWEEP_RESULTS];

/** The sweep's result from its report's status, as the state machine's Onboarded? choice reads it. */
export function sweepResult(status: ReportStatus): SweepResult {
  return status === 'SUCCEEDED' ? SWEEP_RESULTS.covered : SWEEP_RESULTS.needsAttention;
}

/**
 * How a sweep with nothing to onboard ended: it stops at Nothing To Do, before Merge Reports, and
 * finished all the same (needing attention when a skipped account's outcome is not settled, as a
 * stale member's). Undefined for anything else: a dry run, a plan with work, or no sweep.
 */
export function sweepWithoutWork(plan: {
  trigger: string;
  dryRun: boolean;
  hasWork: boolean;
  skipped: readonly { outcome: Outcome }[];
}): SweepResult | undefined {
  if (plan.trigger !== 'sweep' || plan.dryRun || plan.hasWork) return undefined;
  return plan.skipped.every(({ outcome }) => SETTLED_OUTCOMES.has(outcome))
    ? SWEEP_RESULTS.covered
    : SWEEP_RESULTS.needsAttention;
}

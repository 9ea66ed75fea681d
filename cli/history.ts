import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { OnboardingReport, Plan, ReportFiles } from '../functions/shared/contracts.ts';
import type { Outcome } from '../functions/shared/domain/outcomes.ts';
import { groupMemberships, type Membership } from '../functions/shared/domain/report.ts';
import type { ReportRow } from '../functions/shared/report/files.ts';
import type { EventLog } from '../local/runner/history.ts';

/** The states of statemachines/onboarding.asl.json the CLI reads; a test checks they exist. */
export const STATES = {
  resolve: 'Resolve Accounts',
  onboard: 'Onboard Each Region',
  regionDone: 'Region Done',
  check: 'Check Members',
  /** The parent's last step: the report of every child execution, as one file. */
  merge: 'Merge Reports',
  nextRound: 'Next Round',
  invite: 'Invite Members',
  accept: 'Accept Invitations',
  acceptBatch: 'Accept Batch',
  batchFailed: 'Batch Failed',
  wait: 'Wait For Members',
  onboarded: 'Onboarded',
  needsAttention: 'Needs Attention',
  rejected: 'Request Rejected',
  nothingToDo: 'Nothing To Do',
} as const;

/** The states of statemachines/offboarding.asl.json the CLI reads; a test checks they exist. */
export const OFFBOARDING_STATES = {
  remove: 'Remove Members',
  offboarded: 'Offboarded',
  needsAttention: 'Offboarding Needs Attention',
  rejected: 'Request Rejected',
} as const;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One step of an execution, the same whether it came from AWS's history or the local runner. */
export type FlowEvent =
  | { type: 'entered'; state: string }
  | { type: 'exited'; state: string; output: unknown }
  | {
      type: 'ended';
      status: Exclude<ExecutionStatus, 'RUNNING'>;
      output?: unknown;
      error?: string;
      cause?: string;
    };

export type PhaseName = 'resolve' | 'administrator' | 'check' | 'member' | 'wait' | 'finished';

const PHASE_OF_STATE: Record<string, PhaseName> = {
  [STATES.resolve]: 'resolve',
  [STATES.onboard]: 'administrator',
  [STATES.check]: 'check',
  [STATES.merge]: 'check',
  // A round's invitations come just before its acceptances.
  [STATES.invite]: 'member',
  [STATES.accept]: 'member',
  [STATES.wait]: 'wait',
  // An offboarding's one task reads, then removes, on the administrator side.
  [OFFBOARDING_STATES.remove]: 'administrator',
};

/** What an execution has done so far. */
export interface Progress {
  status: ExecutionStatus;
  phase?: PhaseName;
  plan?: Plan;
  /** Region × service pairs the administrator side finished, and the memberships it set aside with an outcome. */
  pairsDone: number;
  pairFailures: number;
  /** Member-side batches of the current round. */
  batches: { round: number; total: number; done: number; failed: number };
  /** The last Check Members output. */
  report?: OnboardingReport;
  /** Every membership, from the report file, when the CLI read it (report-file.ts). */
  rows?: ReportRow[];
  /** The terminal state reached (Onboarded, Needs Attention, Request Rejected, Nothing To Do). */
  finalState?: string;
  output?: unknown;
  error?: string;
  cause?: string;
}

export function startProgress(): Progress {
  return {
    status: 'RUNNING',
    pairsDone: 0,
    pairFailures: 0,
    batches: { round: 0, total: 0, done: 0, failed: 0 },
  };
}

function field<T>(value: unknown, key: string): T | undefined {
  return typeof value === 'object' && value !== null
    ? ((value as Record<string, unknown>)[key] as T)
    : undefined;
}

const TERMINAL_STATES: ReadonlySet<string> = new Set([
  STATES.onboarded,
  STATES.needsAttention,
  STATES.rejected,
  STATES.nothingToDo,
]);

/** An offboarding's ends, as the onboarding ends the CLI already prints (render.ts reads finalState). */
const SAME_END: Readonly<Record<string, string>> = {
  [OFFBOARDING_STATES.offboarded]: STATES.onboarded,
  [OFFBOARDING_STATES.needsAttention]: STATES.needsAttention,
};

/**
 * An offboarding's Remove Members output as the report the CLI prints: its counts, the memberships it
 * lists as needing attention, and its report file (every membership), which status then reads.
 */
export function removalReport(output: unknown): OnboardingReport | undefined {
  const counts = field<Partial<Record<Outcome, number>>>(output, 'counts');
  if (counts === undefined) return undefined;
  const attention = field<Membership[]>(output, 'attention') ?? [];
  const files = field<ReportFiles>(output, 'files');
  const needsAttention = field<boolean>(output, 'needsAttention') === true;
  return {
    status: needsAttention ? 'NEEDS_ATTENTION' : 'SUCCEEDED',
    keepPolling: false,
    counts,
    pendingAccountIds: [],
    invitations: [],
    round: 0,
    total: field<number>(output, 'total') ?? 0,
    cause: '',
    notEnabled: groupMemberships(attention),
    notEnabledComplete: (field<number>(output, 'attentionOmitted') ?? 0) === 0 && files === undefined,
    omitted: { groups: 0, memberships: field<number>(output, 'attentionOmitted') ?? 0 },
    carriedKey: '',
    ...(files === undefined ? {} : { files }),
    memberBatchSize: 0,
    invitationsKey: null,
  };
}

/** Applies one event; pure. */
export function advance(progress: Progress, event: FlowEvent): Progress {
  if (event.type === 'ended') {
    const { type: _, ...end } = event;
    return { ...progress, ...end, phase: 'finished' };
  }
  if (event.type === 'entered') {
    const phase = PHASE_OF_STATE[event.state];
    if (phase !== undefined) return { ...progress, phase };
    if (TERMINAL_STATES.has(event.state)) return { ...progress, finalState: event.state };
    const end = SAME_END[event.state];
    if (end !== undefined) return { ...progress, finalState: end };
    return progress;
  }
  switch (event.state) {
    case STATES.resolve: {
      const plan = field<Plan>(event.output, 'plan');
      return plan === undefined ? progress : { ...progress, plan };
    }
    case STATES.regionDone:
      return {
        ...progress,
        pairsDone: progress.pairsDone + 1,
        pairFailures:
          progress.pairFailures +
          (field<{ count?: number }[]>(event.output, 'failed') ?? []).reduce(
            (sum, { count = 1 }) => sum + count,
            0,
          ),
      };
    case OFFBOARDING_STATES.remove: {
      const report = removalReport(event.output);
      return report === undefined ? progress : { ...progress, report };
    }
    case STATES.check:
    case STATES.merge: {
      const report = field<OnboardingReport>(event.output, 'report');
      return report === undefined ? progress : { ...progress, report };
    }
    case STATES.nextRound: {
      const poll = field<unknown>(event.output, 'poll');
      return {
        ...progress,
        batches: {
          round: field<number>(poll, 'round') ?? progress.batches.round + 1,
          total: field<unknown[]>(poll, 'batches')?.length ?? 0,
          done: 0,
          failed: 0,
        },
      };
    }
    case STATES.acceptBatch:
      // A caught failure leaves with the error in its output; Batch Failed counts that one.
      if (field<unknown>(event.output, 'error') !== undefined) return progress;
      return { ...progress, batches: { ...progress.batches, done: progress.batches.done + 1 } };
    case STATES.batchFailed:
      return {
        ...progress,
        batches: {
          ...progress.batches,
          done: progress.batches.done + 1,
          failed: progress.batches.failed + 1,
        },
      };
    default:
      return progress;
  }
}

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One Step Functions history event as a flow event; undefined for the ones progress ignores. */
export function fromHistoryEvent(event: HistoryEvent): FlowEvent | undefined {
  const type = event.type ?? '';
  if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name !== undefined) {
    return { type: 'entered', state: event.stateEnteredEventDetails.name };
  }
  if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name !== undefined) {
    return {
      type: 'exited',
      state: event.stateExitedEventDetails.name,
      output: json(event.stateExitedEventDetails.output),
    };
  }
  switch (type) {
    case 'ExecutionSucceeded':
      return {
        type: 'ended',
        status: 'SUCCEEDED',
        output: json(event.executionSucceededEventDetails?.output),
      };
    case 'ExecutionFailed':
      return { type: 'ended', status: 'FAILED', ...errorOf(event.executionFailedEventDetails) };
    case 'ExecutionTimedOut':
      return { type: 'ended', status: 'TIMED_OUT', ...errorOf(event.executionTimedOutEventDetails) };
    case 'ExecutionAborted':
      return { type: 'ended', status: 'ABORTED', ...errorOf(event.executionAbortedEventDetails) };
    default:
      return undefined;
  }
}

function errorOf(details: { error?: string; cause?: string } | undefined): {
  error?: string;
  cause?: string;
} {
  return {
    ...(details?.error === undefined ? {} : { error: details.error }),
    ...(details?.cause === undefined ? {} : { cause: details.cause }),
  };
}

/** One event of the local runner's log as a flow event. */
export function fromLocalEvent(event: EventLog): FlowEvent | undefined {
  switch (event.type) {
    case 'StateEntered':
      return { type: 'entered', state: event.state.name };
    case 'StateExited':
      return { type: 'exited', state: event.state.name, output: event.state.output };
    case 'ExecutionSucceeded':
      return { type: 'ended', status: 'SUCCEEDED', output: event.output };
    case 'ExecutionFailed':
      return { type: 'ended', status: 'FAILED', error: event.Error, cause: String(event.Cause ?? '') };
    case 'ExecutionAborted':
      return { type: 'ended', status: 'ABORTED' };
    case 'ExecutionTimeout':
      return { type: 'ended', status: 'TIMED_OUT' };
    default:
      return undefined;
  }
}

/** Progress from a whole execution history, oldest event first. */
export function readHistory(events: readonly HistoryEvent[]): Progress {
  return events.reduce((progress, event) => {
    const flow = fromHistoryEvent(event);
    return flow === undefined ? progress : advance(progress, flow);
  }, startProgress());
}

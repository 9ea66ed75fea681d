import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  advance,
  fromLocalEvent,
  OFFBOARDING_STATES,
  readHistory,
  STATES,
  startProgress,
} from '../../cli/history.ts';
import type { EventLog } from '../../local/runner/history.ts';
import { HistoryBuilder, samplePlan, sampleReport, settledReport } from './helpers.ts';

function stateNames(
  states: Record<string, { ItemProcessor?: { States: Record<string, unknown> } }>,
): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    name,
    ...(state.ItemProcessor === undefined ? [] : stateNames(state.ItemProcessor.States as never)),
  ]);
}

describe('STATES', () => {
  it('returns only names the onboarding state machine or its child has', () => {
    const names = ['onboarding', 'batch'].flatMap((file) =>
      stateNames(
        JSON.parse(readFileSync(new URL(`../../statemachines/${file}.asl.json`, import.meta.url), 'utf8'))
          .States,
      ),
    );
    expect(names).toEqual(expect.arrayContaining(Object.values(STATES)));
  });
});

describe('OFFBOARDING_STATES', () => {
  it('returns only names the offboarding state machine has', () => {
    const names = stateNames(
      JSON.parse(readFileSync(new URL('../../statemachines/offboarding.asl.json', import.meta.url), 'utf8'))
        .States,
    );
    expect(names).toEqual(expect.arrayContaining(Object.values(OFFBOARDING_STATES)));
  });
});

describe('readHistory', () => {
  it('returns the plan, every finished pair and the last report when the execution succeeded', () => {
    const plan = samplePlan();
    const report = settledReport();
    const history = HistoryBuilder.throughFirstCheck(
      plan,
      sampleReport({ status: 'PENDING', keepPolling: true }),
    );
    history.state('Choice', 'Keep Polling?').task('Check Members', { report });
    history.entered('Succeed', 'Onboarded').succeeded(report);

    const progress = readHistory(history.events);
    expect(progress).toMatchObject({
      status: 'SUCCEEDED',
      phase: 'finished',
      finalState: 'Onboarded',
      plan,
      pairsDone: 4,
      pairFailures: 0,
      report,
    });
  });

  it('returns the member-side batches of the current round, a failed batch counted once', () => {
    const history = HistoryBuilder.throughFirstCheck(samplePlan(), sampleReport({ status: 'PENDING' }));
    history.state('Pass', 'Next Round', {
      poll: { round: 1, batches: [['200000000001'], ['200000000002']] },
    });
    history.entered('Map', 'Accept Invitations').task('Accept Batch', { unfinished: [] });
    history.task('Accept Batch', { error: { Error: 'States.TaskFailed' } }).state('Pass', 'Batch Failed');

    expect(readHistory(history.events)).toMatchObject({
      status: 'RUNNING',
      phase: 'member',
      batches: { round: 1, total: 2, done: 2, failed: 1 },
    });
  });

  it('returns the error and cause when the request was rejected', () => {
    const history = new HistoryBuilder().started({ accounts: [] });
    history.entered('Task', 'Resolve Accounts').entered('Fail', 'Request Rejected');
    history.failed('InvalidInputError', 'input.accounts: Too small');

    expect(readHistory(history.events)).toMatchObject({
      status: 'FAILED',
      finalState: 'Request Rejected',
      error: 'InvalidInputError',
      cause: 'input.accounts: Too small',
    });
    expect(readHistory(history.events).plan).toBeUndefined();
  });

  it('counts the pair failures the administrator side recorded, grouped or not', () => {
    const progress = advance(startProgress(), {
      type: 'exited',
      state: 'Region Done',
      output: {
        region: 'eu-west-1',
        service: 'detective',
        failed: [
          { outcome: 'FAILED', reason: 'The account is suspended', count: 1000 },
          {
            outcome: 'CONFLICT',
            reason: 'another administrator',
            count: 2,
            accountIds: ['200000000001', '200000000002'],
          },
        ],
      },
    });
    expect(progress).toMatchObject({ pairsDone: 1, pairFailures: 1002 });
  });
});

describe('fromLocalEvent', () => {
  it('returns flow events for the local runner events progress reads, and undefined for the rest', () => {
    const state = { name: 'Check Members', type: 'Task' as const, input: {}, output: { report: {} } };
    expect(fromLocalEvent({ type: 'StateExited', timestamp: 0, state } as EventLog)).toEqual({
      type: 'exited',
      state: 'Check Members',
      output: { report: {} },
    });
    expect(
      fromLocalEvent({
        type: 'ExecutionFailed',
        timestamp: 0,
        Error: 'OnboardingNeedsAttention',
        Cause: 'x',
      } as EventLog),
    ).toEqual({ type: 'ended', status: 'FAILED', error: 'OnboardingNeedsAttention', cause: 'x' });
    expect(fromLocalEvent({ type: 'ExecutionTimeout', timestamp: 0 } as EventLog)).toEqual({
      type: 'ended',
      status: 'TIMED_OUT',
    });
    expect(fromLocalEvent({ type: 'MapIterationStarted', timestamp: 0 } as EventLog)).toBeUndefined();
  });
});

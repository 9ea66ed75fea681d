import { describe, expect, it } from 'vitest';
import {
  type Container,
  MEMBER_MAP,
  makespan,
  memberAlone,
  modelMemberSide,
  renderMemberAlone,
} from '../../bench/member-alone.ts';
import { MEMBER_STATE } from '../../bench/member-workers.ts';
import { nextTurn } from '../../functions/shared/concurrency.ts';
import type { EventLog } from '../../local/runner/history.ts';

describe('makespan', () => {
  it.each([
    { case: 'no batch', durations: [], concurrency: 10, seconds: 0, slots: [] },
    { case: 'one batch', durations: [4], concurrency: 10, seconds: 4, slots: [0] },
    {
      case: 'as many slots as batches: the longest batch',
      durations: [5, 8, 6],
      concurrency: 3,
      seconds: 8,
      slots: [0, 1, 2],
    },
    {
      case: 'more slots than batches: the longest batch',
      durations: [5, 8, 6],
      concurrency: 10,
      seconds: 8,
      slots: [0, 1, 2],
    },
    { case: 'one slot: the sum', durations: [5, 8, 6], concurrency: 1, seconds: 19, slots: [0, 0, 0] },
    {
      // Slot 0 frees at 2, slot 1 at 7: batch 3 takes slot 0 (2 + 3 = 5), batch 4 slot 0 again (5 < 7).
      case: 'waves: each batch in start order takes the first slot to be free',
      durations: [2, 7, 3, 1],
      concurrency: 2,
      seconds: 7,
      slots: [0, 1, 0, 0],
    },
    {
      // In start order, not sorted: the long batch last ends at 3 + 10 = 13, where longest-first would give 10.
      case: 'waves: a long batch started last ends last',
      durations: [3, 3, 3, 10],
      concurrency: 3,
      seconds: 13,
      slots: [0, 1, 2, 0],
    },
    {
      case: 'waves: equal free slots go to the lowest-numbered',
      durations: [4, 4, 4, 4, 4],
      concurrency: 2,
      seconds: 12,
      slots: [0, 1, 0, 1, 0],
    },
    {
      case: '10 batches at MaxConcurrency 10: the longest of the round',
      durations: [8.4, 8.46, 9.95, 8.47, 12.63, 8.68, 8.66, 8.46, 13.6, 14.03],
      concurrency: 10,
      seconds: 14.03,
      slots: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
  ])('returns $seconds s for $case', ({ durations, concurrency, seconds, slots }) => {
    const schedule = makespan(durations, concurrency);

    expect(schedule.seconds).toBeCloseTo(seconds, 9);
    expect(schedule.slots).toEqual(slots);
  });

  it.each([
    [[1], 0, 'concurrency must be a positive integer, got 0'],
    [[1], 1.5, 'concurrency must be a positive integer, got 1.5'],
    [[1, -1], 2, "a batch's seconds must be 0 or more, got -1"],
    [[Number.NaN], 2, "a batch's seconds must be 0 or more, got NaN"],
  ])('refuses %j at concurrency %d, naming the bad value', (durations, concurrency, message) => {
    expect(() => makespan(durations, concurrency)).toThrow(message);
  });
});

const batch = (seconds: number, cpuSeconds = seconds * 0.9) => ({ seconds, cpuSeconds });

describe('modelMemberSide', () => {
  it('replaces each round of Accept Invitations as measured by its batches side by side, every other state as measured', () => {
    const rounds = [
      { stateSeconds: 30.5, batches: [batch(10), batch(12), batch(8)] },
      { stateSeconds: 6.2, batches: [batch(6)] },
    ];

    const model = modelMemberSide(40, rounds, 10, false);

    expect(model.rounds.map(({ longestSeconds }) => longestSeconds)).toEqual([12, 6]);
    expect(model.rounds.map(({ modelledSeconds }) => modelledSeconds)).toEqual([12, 6]);
    expect(model.measuredStateSeconds).toBeCloseTo(36.7, 9);
    expect(model.modelledStateSeconds).toBe(18);
    // 40 − 36.7 + 18
    expect(model.modelledWallSeconds).toBeCloseTo(21.3, 9);
  });

  it('models more batches than MaxConcurrency as waves', () => {
    const model = modelMemberSide(
      25,
      [{ stateSeconds: 20, batches: [batch(5), batch(5), batch(5), batch(5)] }],
      3,
      false,
    );

    expect(model.rounds[0]?.longestSeconds).toBe(5);
    expect(model.rounds[0]?.modelledSeconds).toBe(10);
    expect(model.modelledWallSeconds).toBe(15);
  });

  it('gives no execution figure when rounds of different children overlapped', () => {
    const model = modelMemberSide(25, [{ stateSeconds: 20, batches: [batch(5)] }], 10, true);

    expect(model.modelledStateSeconds).toBe(5);
    expect(model.modelledWallSeconds).toBeNull();
  });
});

describe('renderMemberAlone', () => {
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const target = { seconds: 9.96, label: '9.96 s' };

  it('says the execution figure is modelled, from what, and judges it against the target', () => {
    const model = modelMemberSide(
      80,
      [{ stateSeconds: 75, batches: [batch(6.5, 6), batch(7.25, 6.8)] }],
      10,
      false,
    );

    const { rows, lines } = renderMemberAlone(model, target, verdict);

    expect(rows).toEqual([
      '| wall time as AWS runs the member side, MODELLED from measured parts: the measured 80 s − Accept Invitations as measured, one batch at a time (75 s) + as modelled, each batch its measured time with up to MaxConcurrency 10 at once (7.25 s) | 12.25 s | 9.96 s | | MISSED |',
    ]);
    expect(lines).toEqual([
      'Accept Invitations, visit 1: 2 batches one at a time in 75 s (each 6.5, 7.25 s; CPU 12.8 s in all); longest 7.25 s (CPU 6.8 s); modelled in AWS 7.25 s',
    ]);
  });

  it('says met when the modelled figure is within the target', () => {
    const model = modelMemberSide(60, [{ stateSeconds: 55, batches: [batch(4)] }], 10, false);

    expect(renderMemberAlone(model, target, verdict).rows[0]).toMatch(/\| 9 s \| 9\.96 s \| \| met \|$/);
  });

  it('says why there is no execution figure when rounds overlapped', () => {
    const model = modelMemberSide(60, [{ stateSeconds: 55, batches: [batch(4)] }], 10, true);

    expect(renderMemberAlone(model, target, verdict).rows[0]).toContain('not modelled');
  });
});

describe('memberAlone', () => {
  const regions = ['us-east-1', 'eu-west-1'];
  const event = (
    type: 'StateEntered' | 'StateExited',
    timestamp: number,
    regionList = regions,
  ): EventLog => ({
    type,
    timestamp,
    state: { name: MEMBER_MAP, type: 'Map', input: { plan: { regions: regionList } } },
  });

  /**
   * Containers that answer each batch on the event loop's next turn, after the seconds `took` gives
   * its first account on the clock `now`, and say what ran where.
   */
  function containers(took: Record<string, number>) {
    const clock = { ms: 1_000 };
    const ran: string[] = [];
    const ended: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    let started = 0;
    const startContainer = async (): Promise<Container> => {
      const id = started;
      started += 1;
      return {
        invoke: async (input) => {
          const { accountIds } = input as { accountIds: string[] };
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          ran.push(`${id} ${accountIds.join(',')}`);
          await nextTurn();
          clock.ms += 1000 * (took[accountIds[0] ?? ''] ?? 0);
          running -= 1;
          return { container: id };
        },
        end: async () => ended.push(id),
      };
    };
    return { startContainer, now: () => clock.ms, clock, ran, ended, mostAtOnce: () => mostAtOnce };
  }
  const runner = () => Promise.reject(new Error("the runner's own invocation ran"));

  it('runs the batches one at a time in the order the Map started them, each batch of a round on a container of its own, and reuses them next round', async () => {
    const { startContainer, now, clock, ran, ended, mostAtOnce } = containers({ a: 6, c: 8, d: 7, e: 3 });
    const alone = memberAlone(10, { startContainer, now });
    const invoke = alone.wrap(MEMBER_STATE, runner);

    alone.record(event('StateEntered', clock.ms));
    const first = await Promise.all(
      [['a', 'b'], ['c'], ['d']].map((accountIds) => invoke({ regions, accountIds })),
    );
    alone.record(event('StateExited', clock.ms + 50));
    clock.ms += 10_000;
    alone.record(event('StateEntered', clock.ms));
    const second = await Promise.all([['a'], ['e']].map((accountIds) => invoke({ regions, accountIds })));
    alone.record(event('StateExited', clock.ms + 50));
    const model = alone.model(60);
    const workers = alone.workers();
    await alone.close();

    expect(mostAtOnce()).toBe(1);
    expect(ran).toEqual(['0 a,b', '1 c', '2 d', '0 a', '1 e']);
    expect([...first, ...second]).toEqual([0, 1, 2, 0, 1].map((container) => ({ container })));
    expect(model.rounds.map(({ batches }) => batches.map(({ seconds }) => seconds))).toEqual([
      [6, 8, 7],
      [6, 3],
    ]);
    expect(model.rounds.map(({ stateSeconds }) => stateSeconds)).toEqual([21.05, 9.05]);
    expect(model.rounds.map(({ modelledSeconds }) => modelledSeconds)).toEqual([8, 6]);
    expect(model.overlapped).toBe(false);
    // 60 − (21.05 + 9.05) + (8 + 6)
    expect(model.modelledWallSeconds).toBeCloseTo(43.9, 9);
    expect(workers).toBe(3);
    expect(ended.sort()).toEqual([0, 1, 2]);
  });

  it('gives each batch the container of the slot the Map would use in AWS when a round has more batches than MaxConcurrency', async () => {
    const { startContainer, now, clock, ran } = containers({ a: 5, b: 2, c: 1 });
    const alone = memberAlone(2, { startContainer, now });
    const invoke = alone.wrap(MEMBER_STATE, runner);

    alone.record(event('StateEntered', clock.ms));
    await Promise.all(['a', 'b', 'c'].map((account) => invoke({ regions, accountIds: [account] })));
    alone.record(event('StateExited', clock.ms));
    const model = alone.model(20);
    await alone.close();

    // Slot 1 frees at 2 s, slot 0 at 5 s: c takes slot 1's container.
    expect(ran).toEqual(['0 a', '1 b', '1 c']);
    expect(model.rounds[0]?.modelledSeconds).toBe(5);
  });

  it('leaves the other Task states to the runner', async () => {
    const alone = memberAlone(10, {
      startContainer: () => Promise.reject(new Error('no container may start')),
    });
    const own = async () => "the runner's";

    expect(alone.wrap('Check Members', own)).toBe(own);
    await alone.close();
  });

  it('gives no execution figure when rounds of children of different Regions overlapped', async () => {
    const alone = memberAlone(10, {
      startContainer: () => Promise.reject(new Error('no container may start')),
    });

    alone.record(event('StateEntered', 1_000, ['us-east-1']));
    alone.record(event('StateEntered', 2_000, ['eu-west-1']));
    alone.record(event('StateExited', 3_000, ['us-east-1']));
    alone.record(event('StateExited', 4_000, ['eu-west-1']));

    expect(alone.model(10).overlapped).toBe(true);
    expect(alone.model(10).modelledWallSeconds).toBeNull();
    await alone.close();
  });
});

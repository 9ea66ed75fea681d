import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { z } from 'zod';
import type { EventLog } from '../local/runner/history.ts';
import type { TaskWrapper } from '../local/runner/sandbox.ts';
import { bundleFunction } from '../scripts/build.ts';
import { invokeMemberWorker, MEMBER_STATE, MEMBER_WORKER, startMemberWorker } from './member-workers.ts';

/** The Map state whose iterations are the Accept Batch invocations: one visit per poll round. */
export const MEMBER_MAP = 'Accept Invitations';

/** One Accept Batch invocation, run alone: from handing its input to its worker to its answer. */
export interface BatchRun {
  seconds: number;
  /** CPU of the bench's process meanwhile: the batch's worker, since every other state waits for the Map. */
  cpuSeconds: number;
}

/** One visit of the Accept Invitations state (a poll round of one child execution). */
export interface RoundRun {
  /** From entering the state to leaving it, the batches run one at a time. */
  stateSeconds: number;
  /** In start order. */
  batches: BatchRun[];
}

/**
 * The Map's duration as Step Functions runs it: the batches in start order, each taken by the first
 * of `concurrency` slots to be free (the lowest-numbered of equals), each for its measured seconds.
 * `slots[i]` is the slot that takes batch i.
 */
export function makespan(
  durations: readonly number[],
  concurrency: number,
): { seconds: number; slots: number[] } {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const bad = durations.find((seconds) => !Number.isFinite(seconds) || seconds < 0);
  if (bad !== undefined) throw new RangeError(`a batch's seconds must be 0 or more, got ${bad}`);
  const freeAt = Array.from({ length: Math.min(concurrency, durations.length) }, () => 0);
  const slots = durations.map((seconds) => {
    const slot = freeAt.indexOf(Math.min(...freeAt));
    freeAt[slot] = (freeAt[slot] ?? 0) + seconds;
    return slot;
  });
  return { seconds: Math.max(0, ...freeAt), slots };
}

export interface RoundModel extends RoundRun {
  longestSeconds: number;
  /** The state's duration in AWS, modelled: the batches' makespan at MaxConcurrency. */
  modelledSeconds: number;
}

/** The execution as AWS would run it, from the parts measured with the batches one at a time. */
export interface MemberAloneModel {
  maxConcurrency: number;
  rounds: RoundModel[];
  /** Poll rounds of different children overlapped (groups of Regions side by side): no execution figure. */
  overlapped: boolean;
  measuredWallSeconds: number;
  measuredStateSeconds: number;
  modelledStateSeconds: number;
  /** measured wall − the Accept Invitations visits as measured + as modelled; null when rounds overlapped. */
  modelledWallSeconds: number | null;
}

const round2 = (seconds: number) => Math.round(seconds * 100) / 100;

/**
 * What the execution's wall time would be with each batch in a Lambda of its own: the measured wall
 * time with each Accept Invitations visit's measured (one batch at a time) duration replaced by its
 * batches' makespan. Only the Map's time changes: every other state is as measured.
 */
export function modelMemberSide(
  wallSeconds: number,
  rounds: readonly RoundRun[],
  maxConcurrency: number,
  overlapped: boolean,
): MemberAloneModel {
  const modelled = rounds.map((round) => ({
    ...round,
    longestSeconds: Math.max(0, ...round.batches.map(({ seconds }) => seconds)),
    modelledSeconds: makespan(
      round.batches.map(({ seconds }) => seconds),
      maxConcurrency,
    ).seconds,
  }));
  const measuredStateSeconds = modelled.reduce((sum, { stateSeconds }) => sum + stateSeconds, 0);
  const modelledStateSeconds = modelled.reduce((sum, { modelledSeconds }) => sum + modelledSeconds, 0);
  return {
    maxConcurrency,
    rounds: modelled,
    overlapped,
    measuredWallSeconds: wallSeconds,
    measuredStateSeconds,
    modelledStateSeconds,
    modelledWallSeconds: overlapped ? null : wallSeconds - measuredStateSeconds + modelledStateSeconds,
  };
}

/** What a run with `--member-alone` reports beside the one-process figures. */
export function renderMemberAlone(
  model: MemberAloneModel,
  target: { seconds: number; label: string },
  verdict: (met: boolean) => string,
): { rows: string[]; lines: string[] } {
  const s = (seconds: number) => `${round2(seconds)} s`;
  const rows =
    model.modelledWallSeconds === null
      ? [
          `| wall time as AWS runs the member side, modelled | not modelled: poll rounds of child executions side by side overlapped | ${target.label} | | |`,
        ]
      : [
          `| wall time as AWS runs the member side, MODELLED from measured parts: the measured ${s(model.measuredWallSeconds)} − Accept Invitations as measured, one batch at a time (${s(model.measuredStateSeconds)}) + as modelled, each batch its measured time with up to MaxConcurrency ${model.maxConcurrency} at once (${s(model.modelledStateSeconds)}) | ${s(model.modelledWallSeconds)} | ${target.label} | | ${verdict(model.modelledWallSeconds <= target.seconds)} |`,
        ];
  const lines = model.rounds.map((round, index) => {
    const longest = round.batches.reduce<BatchRun | undefined>(
      (top, batch) => (top === undefined || batch.seconds > top.seconds ? batch : top),
      undefined,
    );
    const cpu = round.batches.reduce((sum, { cpuSeconds }) => sum + cpuSeconds, 0);
    return (
      `Accept Invitations, visit ${index + 1}: ${round.batches.length} batches one at a time in ${s(round.stateSeconds)} ` +
      `(each ${round.batches.map(({ seconds }) => round2(seconds)).join(', ')} s; CPU ${s(cpu)} in all); ` +
      `longest ${s(round.longestSeconds)} (CPU ${s(longest?.cpuSeconds ?? 0)}); modelled in AWS ${s(round.modelledSeconds)}`
    );
  });
  return { rows, lines };
}

/** The Map's input, and each batch's, name the child's Regions: they tell a child's rounds from another's. */
const mapInputSchema = z.object({ plan: z.object({ regions: z.array(z.string()) }) });
const batchInputSchema = z.object({ regions: z.array(z.string()) });
const keyOf = (regions: string[]) => regions.join(' ');

/** One Lambda container of a slot. */
export interface Container {
  invoke(input: unknown): Promise<unknown>;
  end(): Promise<unknown>;
}

/**
 * Containers as AWS runs the function: member-worker.ts, compiled to JavaScript, in a worker thread of
 * its own, running the function's Lambda bundle, built by `npm run build`'s own code into a folder of
 * its own: minified, without tsx's loader hook (which answers each dynamic import from another
 * thread), with the build's stand-ins such as the Tracer without the X-Ray SDK (whose async hooks tax
 * every promise of the TypeScript sources' run).
 */
export async function bundledContainers(): Promise<{
  start: () => Promise<Container>;
  /** Removes the bundle's folder. */
  remove: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'muster-member-alone-'));
  const { outdir } = await bundleFunction('accept-invitations', root);
  const worker = join(root, 'member-worker.mjs');
  const { code } = await transform(await readFile(MEMBER_WORKER, 'utf8'), { loader: 'ts', format: 'esm' });
  await writeFile(worker, code);
  const bundled = { bundle: join(outdir, 'index.mjs'), worker };
  return {
    start: async () => {
      const worker = await startMemberWorker(bundled);
      return { invoke: (input) => invokeMemberWorker(worker, input), end: () => worker.terminate() };
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

interface Started {
  key: string;
  /** When the Map handed the batch over, on the clock of the runner's events. */
  at: number;
  run: BatchRun;
}

/**
 * `--member-alone`: every Accept Batch invocation runs alone, one after another in the order the Map
 * started them, each in a worker thread of its own running the Lambda bundle, so each has a core while
 * the stand-in has the other. A batch takes the worker of the slot the Map would give it in AWS (makespan above), so the
 * batches of one round never share a container, and a later round finds its containers warm.
 * `record` takes the runner's events; `model` turns the measured parts into the execution as AWS
 * would run it.
 */
export function memberAlone(
  maxConcurrency: number,
  {
    startContainer,
    now = Date.now,
  }: {
    /** Without it, bundledContainers(), made at the first start. */
    startContainer?: () => Promise<Container>;
    /** Milliseconds, on the clock the runner stamps its events with. */
    now?: () => number;
  } = {},
): {
  wrap: TaskWrapper;
  record: (event: EventLog) => void;
  /** Starts one worker per slot a round uses and waits until each has loaded its code, as deploying warms sandboxes. */
  warm: (count: number) => Promise<void>;
  workers: () => number;
  model: (wallSeconds: number) => MemberAloneModel;
  close: () => Promise<void>;
} {
  let bundled: ReturnType<typeof bundledContainers> | undefined;
  const start =
    startContainer ??
    (async () => {
      bundled ??= bundledContainers();
      return (await bundled).start();
    });
  const bySlot = new Map<number, Promise<Container>>();
  const containerOf = (slot: number) => {
    let container = bySlot.get(slot);
    if (container === undefined) {
      container = start();
      bySlot.set(slot, container);
    }
    return container;
  };
  const batches: Started[] = [];
  // Per child (its Regions): batches queued or running, and the seconds of the round's batches done.
  // The Map hands a round's next batch over before the last one handed over ends (with MaxConcurrency
  // 1 there is one slot anyway), so a child's queue empties only between rounds.
  const pending = new Map<string, number>();
  const roundSoFar = new Map<string, number[]>();
  const visits: { key: string; entered: number; exited?: number }[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const runAlone = async (key: string, at: number, input: unknown): Promise<unknown> => {
    const done = roundSoFar.get(key) ?? [];
    const slot = makespan([...done, 0], maxConcurrency).slots.at(-1) ?? 0;
    const container = await containerOf(slot);
    const cpu = process.cpuUsage();
    const start = now();
    try {
      return await container.invoke(input);
    } finally {
      const seconds = (now() - start) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      roundSoFar.set(key, [...done, seconds]);
      batches.push({ key, at, run: { seconds, cpuSeconds: (user + system) / 1e6 } });
    }
  };

  const wrap: TaskWrapper = (state, invoke) =>
    state !== MEMBER_STATE
      ? invoke
      : (input) => {
          const key = keyOf(batchInputSchema.parse(input).regions);
          const at = now();
          pending.set(key, (pending.get(key) ?? 0) + 1);
          // One at a time, in the order the Map started them.
          const turn = queue.then(() => runAlone(key, at, input));
          queue = turn.catch(() => undefined);
          return turn.finally(() => {
            const left = (pending.get(key) ?? 1) - 1;
            pending.set(key, left);
            if (left === 0) roundSoFar.delete(key);
          });
        };

  return {
    wrap,
    record: (event) => {
      if (event.type !== 'StateEntered' && event.type !== 'StateExited' && event.type !== 'StateFailed')
        return;
      if (event.state.name !== MEMBER_MAP || event.index !== undefined) return;
      const key = keyOf(mapInputSchema.parse(event.state.input).plan.regions);
      if (event.type === 'StateEntered') visits.push({ key, entered: event.timestamp });
      else {
        const visit = visits.find((open) => open.key === key && open.exited === undefined);
        if (visit !== undefined) visit.exited = event.timestamp;
      }
    },
    warm: async (count) => {
      await Promise.all(Array.from({ length: count }, (_, slot) => containerOf(slot)));
    },
    workers: () => bySlot.size,
    model: (wallSeconds) => {
      const closed = visits.filter((visit) => visit.exited !== undefined);
      const overlapped = closed.some((a, i) =>
        closed.some((b, j) => i !== j && a.entered < (b.exited ?? 0) && b.entered < (a.exited ?? 0)),
      );
      // A batch belongs to the round of its child that was open when the Map handed it over (the
      // last one entered, should two share a millisecond).
      const roundOf = ({ key, at }: Started) =>
        closed.findLast((visit) => visit.key === key && visit.entered <= at && at <= (visit.exited ?? at));
      const rounds = closed.map((visit) => ({
        stateSeconds: ((visit.exited ?? visit.entered) - visit.entered) / 1000,
        batches: batches.filter((batch) => roundOf(batch) === visit).map(({ run }) => run),
      }));
      return modelMemberSide(wallSeconds, rounds, maxConcurrency, overlapped);
    },
    close: async () => {
      const containers = [...bySlot.values()];
      bySlot.clear();
      // A container that failed to start has stopped already.
      await Promise.allSettled(containers.map(async (container) => (await container).end()));
      await bundled?.then(
        ({ remove }) => remove(),
        () => undefined,
      );
    },
  };
}

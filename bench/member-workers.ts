import { Worker } from 'node:worker_threads';
import type { TaskWrapper } from '../local/runner/sandbox.ts';

/** The member side's Task state: each of its invocations runs in a worker thread of its own. */
export const MEMBER_STATE = 'Accept Batch';

/** The worker's own code, TypeScript: member-worker.ts. */
export const MEMBER_WORKER = new URL('./member-worker.ts', import.meta.url);

/**
 * Starts one accept-invitations "container" (member-worker.ts) and resolves once it has loaded its
 * code: the TypeScript sources through tsx, as the bench itself runs; or, with `bundled`, the
 * function's Lambda bundle (its index.mjs), as deployed, from member-worker.ts compiled to JavaScript
 * (`worker`), so no tsx loader hook stands between the bundle and Node. A worker that fails to load
 * has stopped with its error.
 */
export function startMemberWorker(bundled?: { bundle: string; worker: string }): Promise<Worker> {
  return new Promise<Worker>((resolve, reject) => {
    const worker =
      bundled === undefined
        ? new Worker(
            `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(MEMBER_WORKER.href)}); });`,
            { eval: true, workerData: {} },
          )
        : new Worker(bundled.worker, { workerData: { bundle: bundled.bundle } });
    worker.once('error', reject);
    worker.once('message', () => {
      worker.off('error', reject);
      resolve(worker);
    });
  });
}

/** One Accept Batch invocation in `worker`: its output, or its error by name and message. */
export function invokeMemberWorker(worker: Worker, input: unknown): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    worker.once('error', failed);
    worker.once('message', (reply: { output?: unknown; error?: { name: string; message: string } }) => {
      worker.off('error', failed);
      if (reply.error === undefined) resolve(reply.output);
      else reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    // The environment the runner set for its functions (endpoints, role name, log level).
    worker.postMessage({ env: { ...process.env }, input });
  });
}

/**
 * Runs every Accept Batch invocation in a worker thread, as separate Lambda sandboxes would run them:
 * an idle worker serves the next batch (a warm container), a new one starts while all are busy, and
 * each has its own event loop instead of sharing the workflow's. The other Task states run as before.
 * `close()` ends every worker.
 */
export function memberWorkers(): {
  wrap: TaskWrapper;
  /** Starts `count` workers and waits until each has loaded its code, as deploying warms sandboxes. */
  warm: (count: number) => Promise<void>;
  workers: () => number;
  close: () => Promise<void>;
} {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const start = async () => {
    const worker = await startMemberWorker();
    all.push(worker);
    return worker;
  };
  const wrap: TaskWrapper = (state, run) =>
    state !== MEMBER_STATE
      ? run
      : async (input) => {
          const worker = idle.pop() ?? (await start());
          try {
            return await invokeMemberWorker(worker, input);
          } finally {
            idle.push(worker);
          }
        };
  return {
    wrap,
    warm: async (count) => {
      idle.push(...(await Promise.all(Array.from({ length: count }, start))));
    },
    workers: () => all.length,
    close: async () => {
      await Promise.all(all.splice(0).map((worker) => worker.terminate()));
      idle.length = 0;
    },
  };
}

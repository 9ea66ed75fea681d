import { Worker } from 'node:worker_threads';
import type { TaskWrapper } from '../local/runner/sandbox.ts';

/** The member side's Task state: each of its invocations runs in a worker thread of its own. */
export const MEMBER_STATE = 'Accept Batch';

const ENTRY = new URL('./member-worker.ts', import.meta.url).href;

/**
 * Starts one accept-invitations "container" (member-worker.ts) and resolves once it has loaded its
 * code. A worker that fails to load has stopped with its error.
 */
export function startMemberWorker(): Promise<Worker> {
  return new Promise<Worker>((resolve, reject) => {
    // A worker loads TypeScript through tsx, as the bench itself does.
    const worker = new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(ENTRY)}); });`,
      { eval: true },
    );
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

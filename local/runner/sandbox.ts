import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/** What Step Functions reports when a Lambda sandbox dies or times out (FACTS.md, "Step Functions and SAM"). */
export type SandboxFailure = 'Lambda.Unknown' | 'Sandbox.Timedout' | 'Runtime.ExitError';

/** One Task invocation, as the runner calls it: the state's input in, the Lambda's result out. */
export type TaskInvoke = (input: unknown) => Promise<unknown>;

/** Wraps the invocation of a Task state, e.g. to inject a fault; return `invoke` to leave a state alone. */
export type TaskWrapper = (state: string, invoke: TaskInvoke) => TaskInvoke;

interface Sandbox {
  /** `METHOD /path` of the AWS call whose answer kills the sandbox. */
  killer: string;
  dead: boolean;
}

const sandboxes = new AsyncLocalStorage<Sandbox>();

/** The error a dead sandbox's later calls fail with, before any byte leaves the process; the SDK does not retry it. */
class SandboxGoneError extends Error {
  constructor() {
    super('the Lambda sandbox that made this call is dead');
    this.name = 'SandboxGoneError';
  }
}

let listening = false;

/** The http diagnostics channels run in the calling invocation's async context, so they know its sandbox. */
function listen(): void {
  if (listening) return;
  listening = true;
  subscribe('http.client.request.start', (message) => {
    if (sandboxes.getStore()?.dead)
      (message as { request: ClientRequest }).request.destroy(new SandboxGoneError());
  });
  subscribe('http.client.response.finish', (message) => {
    const sandbox = sandboxes.getStore();
    const { request } = message as { request: ClientRequest };
    if (sandbox !== undefined && `${request.method} ${request.path.split('?')[0]}` === sandbox.killer)
      sandbox.dead = true;
  });
}

/** True inside an invocation whose sandbox died: its container must not serve another invocation. */
export function sandboxDied(): boolean {
  return sandboxes.getStore()?.dead ?? false;
}

export interface CrashOptions {
  /** The Task state whose Lambda dies, e.g. 'Create Members'. */
  state: string;
  /** The AWS call after whose answer it dies, as `METHOD /path`: 'POST /members' is Security Hub CreateMembers. */
  after: string;
  /** How many invocations die (default 1); later ones run normally. */
  times?: number;
  /** What Step Functions sees (default Lambda.Unknown). */
  failure?: SandboxFailure;
}

export interface Crash {
  wrap: TaskWrapper;
  /** Invocations that died so far. */
  readonly crashes: number;
}

/**
 * A Lambda that dies right after AWS answered a given call: the call's effect stays, the rest of the
 * invocation never reaches AWS, its result is lost, and Step Functions sees `failure` and retries.
 */
export function crashAfterCall(options: CrashOptions): Crash {
  listen();
  const times = options.times ?? 1;
  const failure = options.failure ?? 'Lambda.Unknown';
  let crashes = 0;
  const wrap: TaskWrapper = (state, invoke) =>
    state !== options.state
      ? invoke
      : async (input) => {
          if (crashes >= times) return invoke(input);
          const sandbox: Sandbox = { killer: options.after, dead: false };
          // The handler runs on after the death, but each later call fails at once: waiting for it leaves nothing behind.
          const outcome = await sandboxes.run(sandbox, () =>
            invoke(input).then(
              (output) => ({ output }),
              (error: unknown) => ({ error }),
            ),
          );
          if (sandbox.dead) {
            crashes += 1;
            throw Object.assign(new Error(`the sandbox died after ${options.after}`), { name: failure });
          }
          if ('error' in outcome) throw outcome.error;
          return outcome.output;
        };
  return {
    wrap,
    get crashes() {
      return crashes;
    },
  };
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { Agent, type ClientRequest } from 'node:http';
import { Socket } from 'node:net';

/**
 * What Step Functions reports when a Lambda sandbox dies or times out (docs/aws-facts.md, Step Functions).
 */
export type SandboxFailure = 'Lambda.Unknown' | 'Sandbox.Timedout' | 'Runtime.ExitError';

/** One Task invocation, as the runner calls it: the state's input in, the Lambda's result out. */
export type TaskInvoke = (input: unknown) => Promise<unknown>;

/** Wraps the invocation of a Task state, e.g. to inject a fault; return `invoke` to leave a state alone. */
export type TaskWrapper = (state: string, invoke: TaskInvoke) => TaskInvoke;

interface Sandbox {
  /** `METHOD /path` of the AWS call whose answer kills the sandbox. */
  killer: string;
  dead: boolean;
  /** Asked when the killer call is answered: false once the crash has happened as often as it should. */
  mayDie(): boolean;
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

// Node internals that @types/node does not declare.
interface AgentInternals {
  addRequest(request: ClientRequest, ...rest: unknown[]): void;
}
interface RequestInternals {
  onSocket(socket: Socket, error?: Error): void;
}

/**
 * The SDK's agent takes each request in the calling invocation's async context, so it knows the
 * sandbox: a dead one's request gets a socket that never connected and fails before any byte is sent
 * (http.client.request.start comes too late for that: Node publishes it once the request is written).
 * The response channel tells when the call that kills the sandbox was answered.
 */
function listen(): void {
  if (listening) return;
  listening = true;
  const agent = Agent.prototype as unknown as AgentInternals;
  const addRequest = agent.addRequest;
  agent.addRequest = function (this: AgentInternals, request, ...rest) {
    if (sandboxes.getStore()?.dead)
      (request as unknown as RequestInternals).onSocket(new Socket(), new SandboxGoneError());
    else addRequest.call(this, request, ...rest);
  };
  subscribe('http.client.response.finish', (message) => {
    const sandbox = sandboxes.getStore();
    const { request } = message as { request: ClientRequest };
    if (
      sandbox !== undefined &&
      !sandbox.dead &&
      `${request.method} ${request.path.split('?')[0]}` === sandbox.killer &&
      sandbox.mayDie()
    )
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
          const sandbox: Sandbox = {
            killer: options.after,
            dead: false,
            mayDie: () => {
              if (crashes >= times) return false;
              crashes += 1;
              return true;
            },
          };
          // The handler runs on after the death, but each later call fails at once: waiting for it leaves nothing behind.
          const outcome = await sandboxes.run(sandbox, () =>
            invoke(input).then(
              (output) => ({ output }),
              (error: unknown) => ({ error }),
            ),
          );
          if (sandbox.dead) {
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

import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { nextTurn } from '../../functions/shared/concurrency.ts';
import { sandboxDied } from './sandbox.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** What each functions/<name>/handler.ts exports besides `handler`: a fresh container's handler. */
interface HandlerModule {
  createHandler(): Handler;
}

/**
 * The Lambda containers of one deployment (one endpoint and environment). An idle container serves the
 * next invocation (a warm start keeps its SDK clients and rate limiters); while all are busy a new one
 * starts, as Lambda scales out, so concurrent invocations never share a container's state.
 */
export class Containers {
  readonly #idle = new Map<string, Handler[]>();
  readonly #code = new Map<string, Promise<HandlerModule>>();

  constructor(private readonly root: string) {}

  /**
   * Loads the functions' code, as deploying them does. In AWS each sandbox loads its own copy, in
   * parallel; here every container shares one load, which would otherwise be charged to whichever
   * invocation came first. A cold start here is a fresh handler with nothing made yet.
   */
  async deploy(folders: Iterable<string>): Promise<void> {
    for (const folder of new Set(folders)) await this.#module(folder);
  }

  async invoke(folder: string, event: unknown, context: Context): Promise<unknown> {
    const handler = this.#idle.get(folder)?.pop() ?? (await this.#module(folder)).createHandler();
    // Each invocation starts on a turn of its own, as in a sandbox of its own: invocations started
    // together would otherwise advance in lockstep, a microtask each, and none would send its first
    // call before all were set up.
    await nextTurn();
    try {
      return await handler(event, context);
    } finally {
      if (!sandboxDied()) this.#idle.set(folder, [...(this.#idle.get(folder) ?? []), handler]);
    }
  }

  #module(folder: string): Promise<HandlerModule> {
    let code = this.#code.get(folder);
    if (code === undefined) {
      code = import(
        pathToFileURL(`${this.root}functions/${folder}/handler.ts`).href
      ) as Promise<HandlerModule>;
      this.#code.set(folder, code);
    }
    return code;
  }
}

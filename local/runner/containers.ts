import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { nextTurn } from '../../functions/shared/concurrency.ts';
import { sandboxDied } from './sandbox.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

let loaded = 0;

/**
 * The Lambda containers of one deployment (one endpoint and environment). An idle container serves the
 * next invocation (a warm start keeps its module-level SDK clients and rate limiters); while all are busy
 * a new one is loaded, as Lambda scales out, so concurrent invocations never share module state.
 */
export class Containers {
  readonly #idle = new Map<string, Handler[]>();

  constructor(private readonly root: string) {}

  async invoke(folder: string, event: unknown, context: Context): Promise<unknown> {
    const handler = this.#idle.get(folder)?.pop() ?? (await this.#load(folder));
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

  async #load(folder: string): Promise<Handler> {
    loaded += 1;
    // The query makes a fresh instance of handler.ts (its module state); the modules it imports stay shared.
    const url = `${pathToFileURL(`${this.root}functions/${folder}/handler.ts`).href}?container=${loaded}`;
    return ((await import(url)) as { handler: Handler }).handler;
  }
}

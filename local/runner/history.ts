import type { StateMachine } from 'aws-local-stepfunctions';

/** One event of the local runner's log (the library does not export the type). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/**
 * Step Functions history events a state adds in AWS, from the event types AWS documents for a
 * Standard workflow (HistoryEvent in the API reference): TaskStateEntered, LambdaFunctionScheduled,
 * -Started, -Succeeded (or -Failed, -TimedOut), TaskStateExited; MapStateEntered, MapStateStarted,
 * MapStateSucceeded, MapStateExited; WaitStateEntered, WaitStateExited; FailStateEntered; ...
 */
const EVENTS_PER_STATE: Record<string, number> = {
  Task: 5,
  Map: 4,
  Pass: 2,
  Choice: 2,
  Wait: 2,
  Succeed: 2,
  Fail: 1,
};

/** Counts what an execution would cost in AWS, from the local runner's event log. */
export class HistoryMeter {
  stateTransitions = 0;
  historyEvents = 2; // ExecutionStarted and ExecutionSucceeded/Failed
  readonly invocations = new Map<string, number>();
  // Each payload is sized as it passes and dropped: kept until asked, the Map's 34 iterations' inputs
  // (each with the batch's account list) stayed alive for the whole child, and the collector copied them.
  readonly #sized: { state: string; bytes: number }[] = [];
  // A state's output is the next state's input, the same object, and a state without paths hands its
  // input on as it is: about 70 % of the bytes passing were objects already sized (19 MB of JSON in
  // the default bench). Each object is sized once: a payload is a value once it has passed (the
  // library clones a state's input before running the state, and no handler changes its event).
  readonly #bytesOf = new WeakMap<object, number>();

  record(event: EventLog): void {
    switch (event.type) {
      case 'StateEntered':
        this.stateTransitions += 1;
        this.historyEvents += EVENTS_PER_STATE[event.state.type] ?? 2;
        if (event.state.type === 'Task')
          this.invocations.set(event.state.name, (this.invocations.get(event.state.name) ?? 0) + 1);
        this.#size(event.state.name, event.state.input);
        break;
      case 'StateExited':
        this.#size(event.state.name, event.state.output);
        break;
      case 'StateRetried':
        // LambdaFunctionFailed, then Scheduled and Started again.
        this.historyEvents += 3;
        if (event.state.type === 'Task')
          this.invocations.set(event.state.name, (this.invocations.get(event.state.name) ?? 0) + 1);
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.historyEvents += 1;
        break;
      default:
        break;
    }
  }

  get lambdaInvocations(): number {
    return [...this.invocations.values()].reduce((sum, count) => sum + count, 0);
  }

  /** The largest state input or output so far, in bytes of JSON, and the state it was. */
  get maxPayloadBytes(): number {
    return this.#largestPayload().bytes;
  }

  get maxPayloadState(): string {
    return this.#largestPayload().state;
  }

  /** The first state input or output, in the order they passed, above `limit` bytes of JSON. */
  firstAbove(limit: number): { bytes: number; state: string } | undefined {
    return this.#sized.find(({ bytes }) => bytes > limit);
  }

  #size(state: string, payload: unknown): void {
    if (payload === undefined) return;
    if (typeof payload !== 'object' || payload === null) {
      this.#sized.push({ state, bytes: Buffer.byteLength(JSON.stringify(payload)) });
      return;
    }
    let bytes = this.#bytesOf.get(payload);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(JSON.stringify(payload));
      this.#bytesOf.set(payload, bytes);
    }
    this.#sized.push({ state, bytes });
  }

  #largestPayload(): { bytes: number; state: string } {
    return this.#sized.reduce((largest, sized) => (sized.bytes > largest.bytes ? sized : largest), {
      bytes: 0,
      state: '',
    });
  }
}

/** Waits for a turn of its own; see `turns`. */
export type TakeTurn = () => Promise<void>;

/**
 * Hands out turns of the event loop, one waiter per turn. What a waiter does when its turn comes
 * (parsing an answer, sending the next request) runs alone in that turn, and between two turns Node
 * reads the sockets and runs whatever answer arrived meanwhile: work that does not wait for a turn
 * is never queued behind more than one waiter's.
 */
export function turns(): TakeTurn {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const next = () => {
    const go = waiting.shift();
    // Queued from inside this turn, so Node polls its sockets before the next one.
    if (waiting.length > 0) setImmediate(next);
    else scheduled = false;
    go?.();
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
}

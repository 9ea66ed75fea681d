/**
 * Maps `items` through `fn` with at most `limit` calls in flight, results in input order.
 * After a call rejects no new call starts; the first error is thrown once the running calls settle,
 * so nothing keeps working in the background after the caller has moved on.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  }
  const results = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (errors.length === 0 && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        errors.push(error);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}

/** Resolves on the event loop's next turn, after pending I/O: what runs after it starts afresh. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

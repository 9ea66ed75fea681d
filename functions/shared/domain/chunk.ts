/**
 * Security Hub and Detective accept at most 50 accounts per membership call (docs/aws-facts.md, Security Hub;
 * Amazon Detective).
 */
export const MAX_ACCOUNTS_PER_CALL = 50;

/** Splits `items` into consecutive chunks of at most `size` (order kept, nothing dropped). */
export function chunk<T>(items: readonly T[], size: number = MAX_ACCOUNTS_PER_CALL): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

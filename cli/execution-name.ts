import { createHash } from 'node:crypto';

/** Object keys sorted at every depth, so the same input in any key order hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** `muster-<8 hex>-`: the part of an execution name that is the same for the same input. */
export function executionPrefix(input: unknown): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');
  return `muster-${hash.slice(0, 8)}-`;
}

/**
 * `muster-<8 hex of the input>-<UTC yyyymmddThhmmss>`: a repeated start of the same input shares
 * the prefix, and the time keeps names unique (Step Functions refuses a reused name for 90 days).
 */
export function executionName(input: unknown, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '');
  return `${executionPrefix(input)}${stamp}`;
}

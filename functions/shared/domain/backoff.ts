/** Seconds to wait before retry `attempt + 1`: exponential from 5 s, capped at 5 minutes. */
export function backoffSeconds(attempt: number, baseSeconds = 5, capSeconds = 300): number {
  return Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
}

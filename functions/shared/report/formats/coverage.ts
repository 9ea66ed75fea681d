import { pairKey } from '../../domain/keys.ts';
import { type Outcome, SETTLED_OUTCOMES } from '../../domain/outcomes.ts';
import type { ServiceName } from '../../domain/services.ts';

/** How much of one Region and service is covered. */
export interface PairCoverage {
  region: string;
  service: ServiceName;
  enabled: number;
  /** Memberships that should exist: every requested one but those the rules skip (settled, not ENABLED). */
  expected: number;
  /** enabled ÷ expected × 100; undefined when nothing is expected (every account skipped by rule). */
  percent?: number;
}

export interface Coverage {
  pairs: PairCoverage[];
  outcomes: Partial<Record<Outcome, number>>;
}

const skippedByRule = (outcome: Outcome) => outcome !== 'ENABLED' && SETTLED_OUTCOMES.has(outcome);

export function coveragePercent(enabled: number, expected: number): number | undefined {
  return expected === 0 ? undefined : (100 * enabled) / expected;
}

/** Coverage per Region and service, and counts per outcome, of one membership per row. */
export function coverageOf(
  rows: Iterable<{ region: string; service: ServiceName; outcome: Outcome }>,
): Coverage {
  const pairs = new Map<string, PairCoverage>();
  const outcomes: Partial<Record<Outcome, number>> = {};
  // Rows come one pair after another: the last row's pair is found without making its key.
  let last: PairCoverage | undefined;
  for (const { region, service, outcome } of rows) {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    let pair = last !== undefined && last.region === region && last.service === service ? last : undefined;
    if (pair === undefined) {
      const key = pairKey(region, service);
      pair = pairs.get(key);
      if (pair === undefined) {
        pair = { region, service, enabled: 0, expected: 0 };
        pairs.set(key, pair);
      }
      last = pair;
    }
    if (outcome === 'ENABLED') pair.enabled += 1;
    if (!skippedByRule(outcome)) pair.expected += 1;
  }
  return {
    pairs: [...pairs.values()].map((pair) => {
      const percent = coveragePercent(pair.enabled, pair.expected);
      return percent === undefined ? pair : { ...pair, percent };
    }),
    outcomes,
  };
}

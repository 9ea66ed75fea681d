import { describe, expect, it } from 'vitest';
import { coverageLowerBoundSeconds, listingLowerBoundSeconds } from '../../bench/coverage.ts';

describe('the coverage bench bounds', () => {
  it.each([
    // accounts, members, latency, OUs, the listing's own chain, coverage's bound
    [1000, 1000, 0.02, 0, 1.02, 1.02], // 51 ListAccounts pages are the longest chain
    [1000, 1000, 0.1, 0, 5.1, 5.1],
    [1000, 1000, 0.02, 50, 0.18, 0.42], // the tree walk: 1 + 3 + 5 × 1; a Security Hub pair: 1 + 20
    // 40 accounts an OU take 2 pages; a pair of 41 calls: 30 in the burst, 11 at 10 a second
    [2000, 2000, 0.02, 50, 0.28, 1.7],
  ])(
    '%i accounts, %i members, %f s a call, %i OUs: listing %f s, bound %f s',
    (accounts, members, latency, units, listing, bound) => {
      expect(listingLowerBoundSeconds(accounts, latency, units)).toBeCloseTo(listing, 9);
      expect(coverageLowerBoundSeconds(accounts, members, latency, units)).toBeCloseTo(bound, 9);
    },
  );
});

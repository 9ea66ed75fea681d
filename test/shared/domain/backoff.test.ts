import { describe, expect, it } from 'vitest';
import { backoffSeconds } from '../../../functions/shared/domain/backoff.ts';

describe('backoffSeconds', () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [5, 80],
    [7, 300],
    [30, 300],
  ])('waits after attempt %i for %i seconds', (attempt, seconds) => {
    expect(backoffSeconds(attempt)).toBe(seconds);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunk, MAX_ACCOUNTS_PER_CALL } from '../../../functions/shared/domain/chunk.ts';

describe('chunk', () => {
  it.each([
    [0, []],
    [1, [1]],
    [50, [50]],
    [51, [50, 1]],
    [100, [50, 50]],
    [1000, Array.from({ length: 20 }, () => 50)],
    [1001, [...Array.from({ length: 20 }, () => 50), 1]],
  ])('returns chunks of sizes %s → %j by default', (count, sizes) => {
    const items = Array.from({ length: count }, (_, index) => index);
    expect(chunk(items).map((part) => part.length)).toEqual(sizes);
  });

  it('keeps every item once, in order, with no chunk over the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 60 }), (items, size) => {
        const parts = chunk(items, size);
        expect(parts.flat()).toEqual(items);
        expect(parts.every((part) => part.length >= 1 && part.length <= size)).toBe(true);
      }),
    );
    expect(MAX_ACCOUNTS_PER_CALL).toBe(50);
  });

  it.each([0, -1, 1.5, Number.NaN])('throws when the size is %s', (size) => {
    expect(() => chunk([1], size)).toThrow(RangeError);
  });
});

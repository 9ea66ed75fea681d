import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../functions/shared/concurrency.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('returns every result in input order with never more than the limit in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(3), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, limit) => {
          let running = 0;
          let peak = 0;
          const results = await mapWithConcurrency(delays, limit, async (delay, index) => {
            running += 1;
            peak = Math.max(peak, running);
            for (let step = 0; step < delay; step += 1) await tick();
            running -= 1;
            return index * 10;
          });
          expect(results).toEqual(delays.map((_, index) => index * 10));
          expect(peak).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('returns an empty list for no items without calling fn', async () => {
    await expect(mapWithConcurrency([], 3, async () => 1)).resolves.toEqual([]);
  });

  it('throws the first error after the running calls settle and starts no new call', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 0) throw new Error('first');
      await tick();
      finished.push(item);
      return item;
    });

    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });

  it.each([0, -1, 1.5, Number.NaN])('throws RangeError for a limit of %s', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async (item) => item)).rejects.toThrow(RangeError);
  });
});

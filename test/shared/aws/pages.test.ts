import { describe, expect, it } from 'vitest';
import { everyPage } from '../../../functions/shared/aws/pages.ts';

describe('everyPage', () => {
  it('returns the items of every page, empty pages included, until NextToken is absent', async () => {
    const pages: Record<string, { items: number[]; nextToken: string | undefined }> = {
      start: { items: [1, 2], nextToken: 'b' },
      b: { items: [], nextToken: 'c' },
      c: { items: [3], nextToken: undefined },
    };
    const asked: (string | undefined)[] = [];

    const items = await everyPage(async (token) => {
      asked.push(token);
      return pages[token ?? 'start'] ?? { items: [], nextToken: undefined };
    });

    expect(items).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'b', 'c']);
  });

  it('returns instead of looping when a service hands back the token it was given', async () => {
    let calls = 0;
    const items = await everyPage(async () => {
      calls += 1;
      return { items: ['x'], nextToken: 'same' };
    });

    expect(calls).toBe(2);
    expect(items).toEqual(['x', 'x']);
  });
});

import { describe, expect, it } from 'vitest';
import { clipText } from '../../../functions/shared/domain/text.ts';

describe('clipText', () => {
  it.each([
    ['', 5, ''],
    ['short', 5, 'short'],
    ['longer', 5, 'long…'],
    ['abc', 1, '…'],
    ['a', 1, 'a'],
    ['An error occurred (InternalException): We encountered an internal error', 20, 'An error occurred (…'],
  ])('clips %j to %i characters as %j', (text, length, clipped) => {
    expect(clipText(text, length)).toBe(clipped);
    expect(clipText(text, length).length).toBeLessThanOrEqual(length);
  });

  it.each([0, -1])('refuses a length of %i, naming it', (length) => {
    expect(() => clipText('text', length)).toThrow(`not ${length}`);
  });
});

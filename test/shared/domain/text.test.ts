import { describe, expect, it } from 'vitest';
import { clipMiddle, clipText } from '../../../functions/shared/domain/text.ts';

/** Half of a surrogate pair without its other half: what a cut by UTF-16 units can leave. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('clipText', () => {
  it.each([
    ['', 5, ''],
    ['short', 5, 'short'],
    ['longer', 5, 'long…'],
    ['abc', 1, '…'],
    ['a', 1, 'a'],
    ['An error occurred (InternalException): We encountered an internal error', 20, 'An error occurred (…'],
    // An emoji is two UTF-16 units: a cut by units would keep half of one, or clip what fits.
    ['a😀bc', 3, 'a😀…'],
    ['ab😀cd', 3, 'ab…'],
    ['😀😀', 2, '😀😀'],
    ['😀😀😀', 2, '😀…'],
    ['payments-😀', 10, 'payments-😀'],
  ])('clips %j to %i characters as %j', (text, length, clipped) => {
    expect(clipText(text, length)).toBe(clipped);
    expect([...clipText(text, length)].length).toBeLessThanOrEqual(length);
    expect(clipText(text, length)).not.toMatch(LONE_SURROGATE);
  });

  it.each([0, -1])('refuses a length of %i, naming it', (length) => {
    expect(() => clipText('text', length)).toThrow(`not ${length}`);
  });
});

describe('clipMiddle', () => {
  it.each([
    ['', 5, ''],
    ['short', 5, 'short'],
    ['abcdefghij', 6, 'abc…ij'],
    ['abcdefghij', 2, 'a…'],
    ['abcdefghij', 1, '…'],
    [
      'AccessDenied: not authorized to perform sts:AssumeRole on arn:aws:iam::123456789012:role/MusterMemberRole',
      40,
      'AccessDenied: not author…usterMemberRole',
    ],
    ['ab😀de😀gh', 5, 'ab😀…h'],
    ['abcde😀gh', 5, 'abc…h'],
    ['abcdef😀h', 6, 'abc…😀h'],
    ['😀😀😀', 3, '😀😀😀'],
  ])('clips %j to %i characters as %j, keeping both ends', (text, length, clipped) => {
    expect(clipMiddle(text, length)).toBe(clipped);
    expect([...clipMiddle(text, length)].length).toBeLessThanOrEqual(length);
    expect(clipMiddle(text, length)).not.toMatch(LONE_SURROGATE);
  });

  it.each([0, -1])('refuses a length of %i for a text to clip, naming it', (length) => {
    expect(() => clipMiddle('text', length)).toThrow(`not ${length}`);
  });
});

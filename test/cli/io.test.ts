import { describe, expect, it } from 'vitest';
import { coloursFor } from '../../cli/io.ts';
import { MemoryStream } from './helpers.ts';

describe('coloursFor', () => {
  it.each([
    ['a terminal', true, {}, true],
    ['a pipe', false, {}, false],
    ['a terminal with NO_COLOR set', true, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR empty', true, { NO_COLOR: '' }, true],
    ['a pipe with FORCE_COLOR', false, { FORCE_COLOR: '1' }, true],
    ['a terminal with FORCE_COLOR=0', true, { FORCE_COLOR: '0' }, false],
  ])('returns colours only when they are wanted, for %s', (_, tty, env, coloured) => {
    const c = coloursFor(new MemoryStream(tty), env);
    expect(c.red('x') !== 'x').toBe(coloured);
  });
});

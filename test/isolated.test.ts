import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED, isIsolated } from './isolated.ts';

const ROOT = resolve(import.meta.dirname, '..');

const testFiles = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => relative(ROOT, join(ROOT, 'test', name)));

describe('the test files that run in a process of their own', () => {
  it('include every file that replaces a module, which a shared worker would keep replaced for the next file', () => {
    const mocking = testFiles.filter((file) =>
      /\bvi\.(do)?mock\(/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(mocking.length).toBeGreaterThan(0);
    expect(mocking.filter((file) => !isIsolated(file))).toEqual([]);
  });

  it('name only paths that exist, each matching a test file', () => {
    for (const entry of ISOLATED)
      expect(
        testFiles.some((file) => isIsolated(file) && file.startsWith(entry)),
        entry,
      ).toBe(true);
  });
});

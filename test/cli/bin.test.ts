import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bin/muster.mjs', () => {
  it('returns the usage with exit code 0 when run with --help from the clone', async () => {
    const bin = new URL('../../bin/muster.mjs', import.meta.url).pathname;

    const { stdout, stderr } = await run(process.execPath, [bin, '--help']);

    expect(stdout).toMatch(/^Usage: muster \[options\] \[command\]/);
    expect(stdout).toContain('run [options]');
    expect(stderr).toBe('');
  });
});

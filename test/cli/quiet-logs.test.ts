import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * `npm start` prints the run, not the Lambdas' JSON logs: the runner sets their log level, which holds
 * only if nothing the CLI imports makes the logger first (the service registry once did, through the
 * tracer).
 */
describe('muster run --local in a process of its own', () => {
  it('prints no Lambda log line or metric document, only the run', async () => {
    const env = { ...process.env };
    delete env.POWERTOOLS_LOG_LEVEL;

    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'run', '--local'],
      {
        env,
        maxBuffer: 16 * 1024 * 1024,
      },
    );

    expect(stdout).toContain('SUCCEEDED');
    for (const text of [stdout, stderr])
      expect(text.split('\n').filter((line) => /^\{"(level|_aws)"/.test(line))).toEqual([]);
  }, 60_000);
});

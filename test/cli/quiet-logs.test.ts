import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** What a Lambda would write to its log that the CLI's user must not see: JSON lines, Powertools' warnings. */
function lambdaLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^\{"(level|_aws)"/.test(line) || line.startsWith('No application metrics to publish'));
}

/**
 * `npm start` prints the run, not the Lambdas' JSON logs: the runner sets their log level, which holds
 * only if nothing the CLI imports makes the logger first (the service registry once did, through the
 * tracer). Every invocation publishes a metric, so Powertools never warns of one without (child
 * executions' Load Batch once did not).
 */
describe('the local commands in a process of their own', () => {
  const env = { ...process.env };
  delete env.POWERTOOLS_LOG_LEVEL;

  it('muster run --local prints no Lambda log line, metric document or Powertools warning, only the run', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'run', '--local'],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );

    expect(stdout).toContain('SUCCEEDED');
    expect(lambdaLines(stdout)).toEqual([]);
    expect(lambdaLines(stderr)).toEqual([]);
  }, 60_000);

  it('muster remove --local prints no Lambda log line, metric document or Powertools warning', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        ...['--import', 'tsx', 'cli/main.ts', 'remove', '--local', '--accounts', '200000000001'],
        ...['--include-active-organization-accounts', '--yes'],
      ],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );

    expect(stdout).toContain('SUCCEEDED');
    expect(lambdaLines(stdout)).toEqual([]);
    expect(lambdaLines(stderr)).toEqual([]);
  }, 60_000);
});

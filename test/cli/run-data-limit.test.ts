import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { HistoryMeter } from '../../local/runner/history.ts';
import { memoryIo, settledReport } from './helpers.ts';

// The engine ends the run, then the runner finds a state past 256 KiB and fails it (run-workflow.ts).
vi.mock('../../local/runner/run-workflow.ts', async (original) => ({
  ...(await original<typeof import('../../local/runner/run-workflow.ts')>()),
  runLocalWorkflow: vi.fn(async (options: { onEvent?: (event: unknown) => void }) => {
    options.onEvent?.({
      type: 'StateExited',
      state: { name: 'Check Members', output: { report: settledReport() } },
    });
    options.onEvent?.({ type: 'ExecutionSucceeded', output: settledReport() });
    return {
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
      cause:
        'Check Members: a state input or output of 300000 bytes, more than the 262144 Step Functions allows',
      history: new HistoryMeter(),
      wallSeconds: 1,
    };
  }),
}));

describe('muster run --local when a state passes 256 KiB', () => {
  it('returns 1 with States.DataLimitExceeded and no report, as AWS would have failed the run', async () => {
    const io = memoryIo({ cwd: new URL('../../', import.meta.url).pathname });

    expect(await main(['run', '--local', '--json'], io)).toBe(1);

    const output = JSON.parse(io.stdout.text);
    expect(output).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(output.cause).toContain('Check Members: a state input or output of 300000 bytes');
    expect(output).toMatchObject({ counts: {}, total: 0, memberships: [] });
  });
});

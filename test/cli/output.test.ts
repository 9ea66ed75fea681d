import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  EXECUTION_ARN,
  HistoryBuilder,
  memoryIo,
  STATE_MACHINE_ARN,
  samplePlan,
  sampleReport,
} from './helpers.ts';

const sfn = mockClient(SFNClient);
let folder: string;

beforeEach(async () => {
  sfn.reset();
  const report = sampleReport();
  const history = HistoryBuilder.throughFirstCheck(samplePlan(), report)
    .entered('Fail', 'Needs Attention')
    .failed('OnboardingNeedsAttention', report.cause);
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION_ARN,
    name: 'muster-0a1b2c3d-20250304T050607',
    stateMachineArn: STATE_MACHINE_ARN,
    status: 'FAILED',
    error: 'OnboardingNeedsAttention',
    startDate: new Date('2025-03-04T05:06:07Z'),
    stopDate: new Date('2025-03-04T05:36:07Z'),
  });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: history.events });
  folder = await mkdtemp(join(tmpdir(), 'muster-output-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

// sampleReport: 3 accounts and the administrator × 2 Regions × 2 services = 16 memberships.
const MEMBERSHIPS = 16;

describe('muster status --output', () => {
  it('writes JSON that parses back to one row per membership', async () => {
    const io = memoryIo();
    expect(await main(['status', EXECUTION_ARN, '--output', 'json'], io)).toBe(1);
    const json = JSON.parse(io.stdout.text);
    expect(json.memberships).toHaveLength(MEMBERSHIPS);
    expect(json.memberships).toContainEqual({
      accountId: '200000000002',
      accountName: null,
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'CONFLICT',
      reason: 'already a member of Security Hub administrator 999999999999',
    });
  });

  it('writes CSV that parses back to one row per membership, with the counts of the report', async () => {
    const io = memoryIo();
    expect(await main(['status', EXECUTION_ARN, '--output', 'csv'], io)).toBe(1);
    const rows = parse(io.stdout.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(MEMBERSHIPS);
    expect(rows.filter((row) => row.outcome === 'ENABLED')).toHaveLength(11);
    expect(rows.filter((row) => row.outcome === 'SKIPPED_ADMINISTRATOR')).toHaveLength(4);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'account',
      'accountId',
      'accountName',
      'region',
      'service',
      'outcome',
      'reason',
    ]);
  });

  it('writes Markdown with a table row per membership', async () => {
    const io = memoryIo();
    expect(await main(['status', EXECUTION_ARN, '--output', 'md'], io)).toBe(1);
    const rows = io.stdout.text.split('\n').filter((line) => /^\| \d{12} /.test(line));
    expect(rows).toHaveLength(MEMBERSHIPS);
    expect(io.stdout.text).toContain('| CONFLICT | 1 |');
  });

  it('writes the HTML to --output-file and still prints the table with where the file is', async () => {
    const io = memoryIo();
    const file = join(folder, 'report.html');
    expect(await main(['status', EXECUTION_ARN, '--output', 'html', '--output-file', file], io)).toBe(1);
    const html = await readFile(file, 'utf8');
    expect(html.match(/<td class="[a-z]+" data-outcome=/g)).toHaveLength(MEMBERSHIPS);
    expect(io.stdout.text).toContain('NEEDS ATTENTION');
    expect(io.stdout.text).toContain(`Report (html) written to ${file}`);
  });

  it('refuses an unknown format and --output with --json, before any AWS call', async () => {
    for (const args of [
      ['--output', 'xml'],
      ['--output', 'csv', '--json'],
    ]) {
      const io = memoryIo();
      expect(await main(['status', EXECUTION_ARN, ...args], io)).toBe(2);
      expect(io.stderr.text).toMatch(/xml|cannot be used with/);
    }
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 0);
  });

  it('refuses an --output-file it could not write, naming it, before any AWS call', async () => {
    const file = join(folder, 'report.csv');
    await writeFile(file, 'not a folder');
    for (const [path, problem] of [
      [folder, 'is a folder'],
      [join(file, 'report.csv'), 'is not a folder'],
      [join(file, 'deeper', 'report.csv'), 'is not a folder'],
    ] as const) {
      const io = memoryIo();
      expect(await main(['status', EXECUTION_ARN, '--output', 'csv', '--output-file', path], io)).toBe(2);
      expect(io.stderr.text).toContain(
        `--output-file: ${problem === 'is a folder' ? path : file} ${problem}`,
      );
    }
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 0);
  });
});

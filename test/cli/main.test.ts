import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { memoryIo } from './helpers.ts';

describe('main', () => {
  it('returns 0 and prints every subcommand when --help is given', async () => {
    const io = memoryIo();

    expect(await main(['--help'], io)).toBe(0);
    for (const command of ['plan', 'start', 'status', 'run'])
      expect(io.stdout.text).toContain(`  ${command} `);
  });

  it.each([
    ['no subcommand is given', []],
    ['an option is unknown', ['plan', '--acounts', '200000000001']],
    ['two account sources are given', ['plan', '--accounts', '200000000001', '--all-accounts']],
    ['--input is combined with --regions', ['start', '--input', 'x.json', '--regions', 'eu-west-1']],
    ['status has no execution ARN', ['status']],
    ['--interval is not a number', ['status', 'arn', '--interval', 'soon']],
    ['--local is combined with --profile', ['plan', '--local', '--all-accounts', '--profile', 'x']],
  ])('returns 2 with commander’s message when %s', async (_, argv) => {
    const io = memoryIo();

    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.text).not.toBe('');
  });
});

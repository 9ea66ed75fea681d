import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { main } from '../../cli/main.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { memoryIo } from './helpers.ts';

describe('main', () => {
  it('returns 0 and prints every subcommand when --help is given', async () => {
    const io = memoryIo();

    expect(await main(['--help'], io)).toBe(0);
    for (const command of ['plan', 'start', 'status', 'run'])
      expect(io.stdout.text).toContain(`  ${command} `);
  });

  it.each([['--version'], ['-V']])(
    'returns 0 and prints the version of package.json for %s',
    async (flag) => {
      const io = memoryIo();

      expect(await main([flag], io)).toBe(0);
      expect(io.stdout.text).toBe(`${packageJson.version}\n`);
    },
  );

  it('returns the help with every exit code, the defaults and examples', async () => {
    const io = memoryIo();

    expect(await main(['--help'], io)).toBe(0);
    for (const code of Object.values(EXIT))
      expect(io.stdout.text).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    expect(io.stdout.text).toContain(
      'a flag beats the environment (MUSTER_STACK_NAME, AWS_REGION, AWS_PROFILE)',
    );
    expect(io.stdout.text).toContain('./.muster.json, else $XDG_CONFIG_HOME/muster/config.json');
    expect(io.stdout.text).toMatch(/Examples:\n {2}muster run --local/);
  });

  it('says in the help that an unconfirmed remove exits 5 too, as an unconfirmed start does', async () => {
    const io = memoryIo();

    expect(await main(['--help'], io)).toBe(0);
    const line = io.stdout.text.split('\n').find((text) => text.startsWith(`  ${EXIT.notConfirmed}  `));
    expect(line).toMatch(/start .*remove|remove .*start/);
  });

  it("gives --batch-size's default as the most one execution takes", async () => {
    const io = memoryIo();

    expect(await main(['plan', '--help'], io)).toBe(0);
    expect(io.stdout.text.replace(/\s+/g, ' ')).toContain(
      'accounts per batch with --split (default: the most one execution takes, 10000; 1200 with Detective, 1000 when Security Hub or GuardDuty invites)',
    );
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

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { realCommand, shellWord } from '../../cli/command-line.ts';
import { STATE_MACHINE_ARN } from './helpers.ts';

/** The words a POSIX shell makes of a command line, without running it. */
function shellWords(line: string): string[] {
  const out = execFileSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  "it's",
  '$(touch muster-pwned)',
  '`id`',
  'a b\tc',
  'x;y|z&',
  '"q"',
  '*',
  '~',
  'line\nbreak',
  '',
];

describe('shellWord', () => {
  it.each(HOSTILE.map((word) => [word]))('returns %j quoted so the shell reads it back as it was', (word) => {
    expect(shellWords(shellWord(word))).toEqual([word]);
  });

  it('returns safe words as they are', () => {
    expect(shellWord('eu-west-1,us-east-1')).toBe('eu-west-1,us-east-1');
  });
});

describe('realCommand', () => {
  it.each([
    [
      'a local plan',
      { accounts: ['200000000001', '200000000002'], regions: ['eu-west-1'], scenario: 'my scenario.json' },
      'local' as const,
      "muster run --local --accounts 200000000001,200000000002 --regions eu-west-1 --scenario 'my scenario.json'",
    ],
    [
      'an AWS plan without a stack, and the dry run dropped',
      { allAccounts: true, services: ['detective'], dryRun: true, region: 'eu-west-1' },
      'aws' as const,
      'muster start --all-accounts --services detective --region eu-west-1 --stack-name STACK',
    ],
    [
      'a start by state machine ARN from standard input',
      { csv: '-', stateMachineArn: STATE_MACHINE_ARN, profile: 'admin' },
      'aws' as const,
      `muster start --csv - --profile admin --state-machine-arn ${STATE_MACHINE_ARN}`,
    ],
  ])('returns the command for %s', (_, options, where, expected) => {
    expect(realCommand(options, where)).toBe(expected);
  });

  it('returns a line the shell splits back into the very values given, however hostile', () => {
    for (const hostile of HOSTILE) {
      const line = realCommand(
        { csv: hostile, profile: hostile, stackName: hostile, regions: [hostile] },
        'aws',
      );

      expect(shellWords(line.replace(/^muster start /, ''))).toEqual([
        '--csv',
        hostile,
        '--regions',
        hostile,
        '--profile',
        hostile,
        '--stack-name',
        hostile,
      ]);
    }
  });
});

import type { StateMachineOptions } from './aws.ts';
import type { InputOptions } from './input.ts';

/** A word quoted for a POSIX shell when it has anything but safe characters, so a line can be pasted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export interface ReplayOptions extends InputOptions, StateMachineOptions {
  scenario?: string;
}

/** The options that say which accounts, Regions and services, as words (unquoted). */
function inputWords(options: InputOptions): string[] {
  return [
    ...(options.input !== undefined ? ['--input', options.input] : []),
    ...(options.csv !== undefined ? ['--csv', options.csv] : []),
    ...(options.accounts !== undefined ? ['--accounts', options.accounts.join(',')] : []),
    ...(options.allAccounts === true ? ['--all-accounts'] : []),
    ...(options.regions === undefined ? [] : ['--regions', options.regions.join(',')]),
    ...(options.services === undefined ? [] : ['--services', options.services.join(',')]),
  ];
}

/**
 * The command that runs what a plan or a dry run showed, for real: `muster run --local …` on the
 * stand-in, `muster start …` in AWS. Without a stack or state machine it says STACK, to be filled in.
 */
export function realCommand(options: ReplayOptions, where: 'local' | 'aws'): string {
  const words =
    where === 'local'
      ? [...inputWords(options), ...(options.scenario === undefined ? [] : ['--scenario', options.scenario])]
      : [
          ...inputWords(options),
          ...(options.region === undefined ? [] : ['--region', options.region]),
          ...(options.profile === undefined ? [] : ['--profile', options.profile]),
          ...(options.stateMachineArn !== undefined
            ? ['--state-machine-arn', options.stateMachineArn]
            : ['--stack-name', options.stackName ?? 'STACK']),
        ];
  const head = where === 'local' ? 'muster run --local' : 'muster start';
  return [head, ...words.map(shellWord)].join(' ');
}

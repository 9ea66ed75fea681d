import { type OnboardingRequest, parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import type { AwsOptions, StateMachineOptions } from '../aws.ts';
import { realCommand } from '../command-line.ts';
import { EXIT } from '../exit-codes.ts';
import { checkExecutionInput, type InputOptions, loadInput, NO_ACCOUNTS_MESSAGE } from '../input.ts';
import { coloursFor, type Io } from '../io.ts';
import { terminalJson, terminalText } from '../terminal.ts';
import { startExecution, stateMachineClient, type WatchOptions, watchExecution } from './status.ts';

export interface StartOptions extends InputOptions, AwsOptions, StateMachineOptions, WatchOptions {
  /** Start without asking, even when more than one account would change. */
  yes?: boolean;
}

/** After a dry run: the same start without --dry-run. */
function dryRunNote(options: StartOptions): string {
  return options.input === undefined
    ? `A dry run changes nothing. To run it for real:\n  ${terminalText(realCommand(options, 'aws'))}\n`
    : 'A dry run changes nothing: start the input again without "dryRun" to run it for real.\n';
}

/** How many accounts a request may change: every account of the organization, or a count (0 for a dry run). */
export function accountsChanged(request: OnboardingRequest): number | 'all' {
  if (request.dryRun || request.nothingToDo !== undefined) return 0;
  if (request.accounts === 'all') return 'all';
  return new Set(request.accounts.map(({ accountId }) => accountId)).size;
}

/**
 * Whether to go on with a start that changes more than one account, as `aws-nuke` and `terraform
 * apply` ask: on a terminal, the user says yes; without one (CI), only --yes does.
 */
async function confirmed(request: OnboardingRequest, options: StartOptions, io: Io): Promise<boolean> {
  const changed = accountsChanged(request);
  if (options.yes === true || (changed !== 'all' && changed <= 1)) return true;
  const what = changed === 'all' ? 'every account of the organization' : `${changed} accounts`;
  const where = `${request.regions?.join(', ') ?? "the workflow's default Regions"}, ${request.services?.join(' and ') ?? "the workflow's default services"}`;
  if (!io.stdin.isTTY) {
    io.stderr.write(
      `muster: this start would change ${what} (${terminalText(where)}) and there is no terminal to confirm on: pass --yes to start it anyway. Nothing was started.\n`,
    );
    return false;
  }
  const answer = await io.stdin.ask(`Start an onboarding of ${what} (${terminalText(where)})? [y/N] `);
  if (/^\s*y(es)?\s*$/i.test(answer)) return true;
  io.stderr.write('Nothing was started.\n');
  return false;
}

/**
 * `muster start`: StartExecution named `muster-<hash of the input>-<time>`, so the executions
 * of one input share a prefix in the console and in ListExecutions.
 */
export async function startCommand(options: StartOptions, io: Io): Promise<number> {
  // Without --follow there is no report to write, only the started execution.
  if (
    options.follow !== true &&
    (options.outputFile !== undefined || (options.output ?? 'table') !== 'table')
  )
    throw new InvalidInputError('--output and --output-file write the report: add --follow');
  const input = await loadInput(options, io.cwd, io.stdin);
  if (input === undefined) throw new InvalidInputError(NO_ACCOUNTS_MESSAGE);
  // The first step's own parser, so a bad input is refused here and no execution starts.
  const request = parseTrigger(input);
  checkExecutionInput(input, options);
  if (!(await confirmed(request, options, io))) return EXIT.notConfirmed;
  const { arn, sfn } = await stateMachineClient(options);
  try {
    const { name, executionArn, startDate } = await startExecution(sfn, arn, input, io.now());
    if (options.follow === true) {
      if (options.json !== true)
        io.stderr.write(`Started ${name}\n${request.dryRun ? dryRunNote(options) : ''}`);
      return await watchExecution(sfn, executionArn, options, io);
    }
    if (options.json === true) {
      io.stdout.write(
        terminalJson({
          executionArn,
          name,
          stateMachineArn: arn,
          startDate: startDate?.toISOString() ?? null,
          input,
        }),
      );
    } else {
      const c = coloursFor(io.stdout, io.env);
      io.stdout.write(
        `Started ${c.bold(name)}\n  ${terminalText(executionArn)}\nFollow it: muster status ${terminalText(executionArn)} --follow\n`,
      );
      if (request.dryRun) io.stdout.write(dryRunNote(options));
    }
    return EXIT.ok;
  } finally {
    sfn.destroy();
  }
}

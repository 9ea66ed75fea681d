import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { ConfigurationError, InvalidInputError } from '../../functions/shared/errors.ts';
import { type AwsOptions, awsTarget, describeStack, resolveRegion, stateMachineOf } from '../aws.ts';
import { executionName } from '../execution-name.ts';
import { EXIT } from '../exit-codes.ts';
import { type InputOptions, loadInput, NO_ACCOUNTS_MESSAGE } from '../input.ts';
import { coloursFor, type Io } from '../io.ts';
import { terminalJson, terminalText } from '../terminal.ts';
import { sfnClient, type WatchOptions, watchExecution } from './status.ts';

export interface StartOptions extends InputOptions, AwsOptions, WatchOptions {
  stateMachineArn?: string;
  stackName?: string;
}

async function stateMachineArn(options: StartOptions): Promise<string> {
  if (options.stateMachineArn !== undefined) return options.stateMachineArn;
  if (options.stackName === undefined) {
    throw new ConfigurationError(
      'say which state machine: --state-machine-arn ARN, or --stack-name NAME (the muster stack; its StateMachineArn output)',
    );
  }
  const region = await resolveRegion(options);
  return stateMachineOf(
    await describeStack(options.stackName, awsTarget(options), region),
    options.stackName,
  );
}

/**
 * `muster start`: StartExecution named `muster-<hash of the input>-<time>`, so the executions
 * of one input share a prefix in the console and in ListExecutions.
 */
export async function startCommand(options: StartOptions, io: Io): Promise<number> {
  const input = await loadInput(options, io.cwd);
  if (input === undefined) throw new InvalidInputError(NO_ACCOUNTS_MESSAGE);
  // The first step's own parser, so a bad input is refused here and no execution starts.
  parseTrigger(input);
  const arn = await stateMachineArn(options);
  const sfn = sfnClient(
    arn,
    'stateMachine',
    options.stateMachineArn === undefined ? 'StateMachineArn output' : '--state-machine-arn',
    options.profile,
  );
  try {
    const name = executionName(input, io.now());
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }),
    );
    const executionArn = started.executionArn ?? '';
    if (options.follow === true) {
      if (options.json !== true) io.stderr.write(`Started ${name}\n`);
      return await watchExecution(sfn, executionArn, options, io);
    }
    if (options.json === true) {
      io.stdout.write(
        terminalJson({
          executionArn,
          name,
          stateMachineArn: arn,
          startDate: started.startDate?.toISOString() ?? null,
          input,
        }),
      );
    } else {
      const c = coloursFor(io.stdout, io.env);
      io.stdout.write(
        `Started ${c.bold(name)}\n  ${terminalText(executionArn)}\nFollow it: muster status ${terminalText(executionArn)} --follow\n`,
      );
    }
    return EXIT.ok;
  } finally {
    sfn.destroy();
  }
}

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXECUTION_ACCOUNT_LIMIT } from '../functions/resolve-accounts/resolve-accounts.ts';
import { DEFAULT_SERVICES, SERVICE_NAMES, SERVICE_RULES } from '../functions/shared/domain/services.ts';
import { OUTPUT_FORMATS } from '../functions/shared/report/formats/index.ts';
import packageJson from '../package.json' with { type: 'json' };
import { COVERAGE_READ_CALLS, coverageCommand } from './commands/coverage.ts';
import { planCommand } from './commands/plan.ts';
import { removeCommand } from './commands/remove.ts';
import { runCommand } from './commands/run.ts';
import { startCommand } from './commands/start.ts';
import { executionsCommand, statusCommand } from './commands/status.ts';
import { CSV_FORMAT, CSV_HEADER } from './csv.ts';
import { type Defaults, loadDefaults } from './defaults.ts';
import { EXIT, EXIT_CODE_HELP, failureOf } from './exit-codes.ts';
import { commaList } from './input.ts';
import { coloursFor, type Io, processIo } from './io.ts';
import { checkOutputFile } from './report-output.ts';
import { terminalLines } from './terminal.ts';

const INPUT_SOURCES = ['accounts', 'csv', 'allAccounts', 'input'];

/**
 * Each registry member limit below one execution's, as --batch-size's help gives it: "1200 with
 * Detective" for a limit that counts every member, "1000 when Security Hub or GuardDuty invites" for
 * the services that share a limit on the members they invite.
 */
const BATCH_LIMITS = [
  ...SERVICE_NAMES.filter((name) => SERVICE_RULES[name].memberLimit.counts === 'all').map(
    (name) => `${SERVICE_RULES[name].memberLimit.limit} with ${SERVICE_RULES[name].label}`,
  ),
  ...[
    ...new Set(
      SERVICE_NAMES.filter((name) => SERVICE_RULES[name].memberLimit.counts === 'invited').map(
        (name) => SERVICE_RULES[name].memberLimit.limit,
      ),
    ),
  ].map((limit) => {
    const labels = SERVICE_NAMES.filter(
      (name) =>
        SERVICE_RULES[name].memberLimit.counts === 'invited' &&
        SERVICE_RULES[name].memberLimit.limit === limit,
    ).map((name) => SERVICE_RULES[name].label);
    return `${limit} when ${labels.join(' or ')} invites`;
  }),
].join(', ');

/** "a, b and c": the registry's labels or names in a sentence. */
const inWords = (words: readonly string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a number above 0');
  return number;
}

/** The input options plan, start and run share: together they make the manual input document. */
function withInputOptions(command: Command): Command {
  const others = (name: string) => INPUT_SOURCES.filter((source) => source !== name);
  return command
    .addOption(
      new Option('--accounts <ids>', 'account ids, comma-separated (repeatable); --csv also gives emails')
        .argParser(commaList)
        .conflicts(others('accounts')),
    )
    .addOption(
      new Option(
        '--csv <file>',
        `accounts from a CSV in ${CSV_FORMAT}: "${CSV_HEADER.slice(0, 2).join(',')}" (and optionally ",${CSV_HEADER[2]}")`,
      ).conflicts(others('csv')),
    )
    .addOption(
      new Option('--all-accounts', 'every account of the organization').conflicts(others('allAccounts')),
    )
    .addOption(
      new Option('--regions <regions>', "Regions, comma-separated (default: the workflow's default Regions)")
        .argParser(commaList)
        .conflicts('input'),
    )
    .addOption(
      new Option(
        '--services <services>',
        `any of ${SERVICE_NAMES.join(', ')}, comma-separated (default: the workflow's)`,
      )
        .argParser(commaList)
        .conflicts('input'),
    )
    .addOption(new Option('--dry-run', 'resolve the plan and stop; change nothing').conflicts('input'))
    .addOption(
      new Option(
        '--input <file>',
        'a manual input document or an EventBridge event (JSON), exactly as the state machine receives it',
      ).conflicts(others('input')),
    );
}

function withAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', "AWS Region (default: AWS_REGION, the config file's, or the profile's)")
    .option(
      '--profile <name>',
      "AWS profile (default: AWS_PROFILE, the config file's, or the default chain)",
    );
}

const STACK_NAME_HELP = "the muster stack (default: MUSTER_STACK_NAME or the config file's stackName)";

/** Options that name the deployed state machine: start, executions and status --latest. */
function withStateMachineOptions(command: Command, stackNameHelp: string): Command {
  return command
    .addOption(new Option('--state-machine-arn <arn>', 'the onboarding state machine').conflicts('stackName'))
    .option('--stack-name <name>', stackNameHelp);
}

/** Fills the options not given on the command line from the environment, then the config file. */
function withDefaults<T extends Defaults & { stateMachineArn?: string }>(options: T, defaults: Defaults): T {
  return {
    ...options,
    region: options.region ?? defaults.region,
    profile: options.profile ?? defaults.profile,
    // A state machine named by its ARN needs no stack.
    stackName: options.stateMachineArn === undefined ? (options.stackName ?? defaults.stackName) : undefined,
  };
}

const HELP_AFTER = `
Defaults: a flag beats the environment (MUSTER_STACK_NAME, AWS_REGION, AWS_PROFILE), which beats a
config file: ./.muster.json, else $XDG_CONFIG_HOME/muster/config.json (~/.config/muster/config.json),
e.g. {"stackName": "muster", "region": "eu-west-1", "profile": "security-admin"}.

Exit codes:
${EXIT_CODE_HELP.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}

Examples:
  muster run --local                                  the whole workflow on the stand-in, no AWS account
  muster plan --all-accounts --stack-name muster      what an onboarding of the organization would do
  muster start --csv accounts.csv --follow --yes      start and follow it, without asking (CI)
  cut -d, -f1,2 export.csv | muster start --csv - --yes
  muster executions                                   the newest executions, with status and trigger
  muster status --latest --follow                     attach to the newest execution
  muster coverage --regions us-east-1,eu-west-1 --output html --output-file coverage.html
                                                      read-only audit, with the HTML matrix for an auditor
`;

function withFollowOptions(command: Command): Command {
  return command
    .option('--follow', 'stay attached until the execution ends, showing progress')
    .addOption(
      new Option('--interval <seconds>', 'seconds between polls with --follow')
        .argParser(positiveNumber)
        .default(10),
    );
}

/** --output and --output-file: one row per (account, Region, service) in a file format. */
function withOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--output <format>', 'table (the text), json, csv, md or html: one row per membership')
        .choices(OUTPUT_FORMATS)
        .conflicts('json'),
    )
    .option(
      '--output-file <path>',
      'write the report in the --output format to this file; the table still prints',
    );
}

function program(io: Io, done: (code: number) => void, used: { profile?: string }): Command {
  const c = coloursFor(io.stderr, io.env);
  /** The options with their defaults, keeping the profile in use for an error message to name. */
  const defaulted = async <T extends Defaults & { stateMachineArn?: string }>(options: T): Promise<T> => {
    const filled = withDefaults(options, await loadDefaults(io));
    used.profile = filled.profile;
    return filled;
  };
  const root = new Command('muster')
    .description(
      `Makes AWS accounts members of your ${inWords(SERVICE_NAMES.map((name) => SERVICE_RULES[name].label))} administrator, in every Region, and reports each membership.`,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(c.red(terminalLines(text))),
    })
    .showHelpAfterError('(muster <command> --help lists the options)')
    .version(packageJson.version, '-V, --version', 'print the version of muster')
    .addHelpText('after', HELP_AFTER)
    // The report file is written at the end: a path that cannot be written is refused before any call.
    .hook('preAction', async (_, action) => {
      const { outputFile } = action.opts<{ outputFile?: string }>();
      if (outputFile !== undefined) await checkOutputFile(io.cwd, outputFile);
    });

  withAwsOptions(
    withInputOptions(
      root
        .command('plan')
        .description(
          "Resolve and validate the input exactly as the workflow's first step does, and print the plan. Changes nothing.",
        ),
    ),
  )
    .option('--administrator-id <id>', "the administrator account (default: the caller's account)")
    .option(
      '--stack-name <name>',
      "read the default Regions and services from the muster stack's parameters (default: MUSTER_STACK_NAME or the config file's)",
    )
    .addOption(
      new Option('--local', 'plan against the local stand-in instead of AWS').conflicts([
        'region',
        'profile',
        'administratorId',
        'stackName',
      ]),
    )
    .option('--scenario <file>', 'the stand-in scenario with --local (default: local/scenarios/healthy.json)')
    .option('--json', 'print the plan as JSON')
    .addOption(
      new Option(
        '--split <folder>',
        'write the accounts to <folder> as CSV batches, one execution each (for more than one execution takes)',
      ).conflicts('input'),
    )
    .addOption(
      new Option(
        '--batch-size <n>',
        `accounts per batch with --split (default: the most one execution takes, ${EXECUTION_ACCOUNT_LIMIT}; ` +
          `${BATCH_LIMITS})`,
      ).argParser(positiveNumber),
    )
    .action(async (options) =>
      done(await planCommand(options.local === true ? options : await defaulted(options), io)),
    );

  const start = withFollowOptions(
    withStateMachineOptions(
      withAwsOptions(
        withInputOptions(
          root.command('start').description('Start an onboarding on the deployed state machine.'),
        ),
      ),
      `find the state machine in this stack's StateMachineArn output (default: MUSTER_STACK_NAME or the config file's)`,
    ),
  )
    .option(
      '--yes',
      'start without asking, even when more than one account changes (needed without a terminal)',
    )
    .option('--json', 'print the execution (with --follow: the report) as JSON')
    .action(async (options) => done(await startCommand(await defaulted(options), io)));
  withOutputOptions(start);

  withOutputOptions(
    withFollowOptions(
      withStateMachineOptions(
        root
          .command('status')
          .description('Progress by phase from the execution history, then the report.')
          .argument('[execution-arn]', 'the execution (its Region is taken from the ARN)')
          .option('--latest', "the state machine's newest execution instead of an ARN"),
        `with --latest: ${STACK_NAME_HELP}`,
      ),
    ),
  )
    .option(
      '--region <region>',
      "with --latest: the stack's Region (default: AWS_REGION, the config file's, or the profile's)",
    )
    .option('--profile <name>', "AWS profile (default: AWS_PROFILE, the config file's, or the default chain)")
    .option('--json', 'print the report as JSON')
    .action(async (executionArn: string | undefined, options) =>
      done(await statusCommand(executionArn, await defaulted(options), io)),
    );

  withStateMachineOptions(
    withAwsOptions(
      root
        .command('executions')
        .description("The state machine's newest executions: start time, status, trigger and name."),
    ),
    STACK_NAME_HELP,
  )
    .addOption(
      new Option('--limit <n>', 'how many, newest first (at most 1000)')
        .argParser((value) => {
          const number = positiveNumber(value);
          if (!Number.isInteger(number) || number > 1000)
            throw new InvalidArgumentError('expected a whole number from 1 to 1000');
          return number;
        })
        .default(10),
    )
    .option('--json', 'print them as JSON, with their ARNs')
    .action(async (options) => done(await executionsCommand(await defaulted(options), io)));

  withOutputOptions(
    withInputOptions(
      root
        .command('run')
        .description(
          'Run the whole workflow locally against a stand-in for AWS (no AWS account needed): what npm start does.',
        ),
    ),
  )
    .option('--local', 'required: run locally')
    .option('--scenario <file>', 'the stand-in scenario (default: local/scenarios/healthy.json)')
    .addOption(
      new Option('--time-scale <factor>', 'multiplies every wait; 0.01 turns a minute into 0.6 s')
        .argParser(positiveNumber)
        .default(0.01),
    )
    .option('--json', 'print the report as JSON')
    .action(async (options) => done(await runCommand(options, io)));

  withOutputOptions(
    withAwsOptions(
      root
        .command('coverage')
        .description(
          `Read-only audit: every membership of every ACTIVE organization account in every Region and service, coverage in percent, and what is not covered. Calls only ${COVERAGE_READ_CALLS.join(', ')}.`,
        ),
    ),
  )
    .option(
      '--regions <regions>',
      "Regions, comma-separated (default: the CLI's Region, or the scenario's with --local)",
      commaList,
    )
    .option(
      '--services <services>',
      `any of ${inWords(SERVICE_NAMES)}, comma-separated (default: ${DEFAULT_SERVICES.join(',')})`,
      commaList,
    )
    .option('--administrator-id <id>', "the administrator account (default: the caller's account)")
    .option(
      '--diff',
      "also show what an onboarding would change per membership: create, invite, accept, wait, report or nothing (it assumes the administrator is each service's delegated administrator, which coverage does not read)",
    )
    .option(
      '--ous',
      "also show each account's organizational unit: walks the OU tree instead of ListAccounts (about 2 calls more per OU)",
    )
    .addOption(
      new Option('--local', 'read the local stand-in instead of AWS').conflicts([
        'region',
        'profile',
        'administratorId',
      ]),
    )
    .option('--scenario <file>', 'the stand-in scenario with --local (default: local/scenarios/healthy.json)')
    .option('--json', 'print the coverage as JSON (as --output json)')
    .action(async (options) =>
      done(await coverageCommand(options.local === true ? options : await defaulted(options), io)),
    );

  const remove = withFollowOptions(
    withStateMachineOptions(
      withAwsOptions(
        root
          .command('remove')
          .description(
            'Offboard accounts: remove every membership they have with the administrator, in every Region and service. Plans first; refuses ACTIVE organization accounts unless told.',
          ),
      ),
      "find the offboarding state machine in this stack's OffboardingStateMachineArn output",
    ),
  )
    .addOption(
      new Option('--accounts <ids>', 'account ids, comma-separated (repeatable)')
        .argParser(commaList)
        .conflicts('csv'),
    )
    .option('--csv <file>', 'accounts from a CSV with an "Account ID" column (- for standard input)')
    .option('--regions <regions>', "Regions, comma-separated (default: the stack's Regions)", commaList)
    .option('--services <services>', "services, comma-separated (default: the stack's Services)", commaList)
    .option('--dry-run', 'show the plan and stop; change nothing')
    .option(
      '--include-active-organization-accounts',
      'also remove accounts the organization still has ACTIVE (refused without it)',
    )
    .addOption(
      new Option('--local', 'run the offboarding locally against the stand-in').conflicts([
        'region',
        'profile',
        'stateMachineArn',
        'stackName',
      ]),
    )
    .option('--scenario <file>', 'the stand-in scenario with --local (default: local/scenarios/healthy.json)')
    .option('--yes', 'remove without asking (needed without a terminal)')
    .option('--json', 'print the plan or the result (with --follow: the report) as JSON')
    .action(async (options) =>
      done(await removeCommand(options.local === true ? options : await defaulted(options), io)),
    );
  withOutputOptions(remove);

  return root;
}

/** Runs the CLI in-process and returns the exit code; nothing here calls process.exit. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  // The SDK's Node 20 deprecation notice is not the operator's business on every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let code: number = EXIT.ok;
  const used: { profile?: string } = {};
  try {
    await program(
      io,
      (result) => {
        code = result;
      },
      used,
    ).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help exits 0; everything else commander refuses (already printed) is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    const failure = failureOf(error, used);
    io.stderr.write(`${coloursFor(io.stderr, io.env).red('muster:')} ${terminalLines(failure.message)}\n`);
    return failure.code;
  }
  return code;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));

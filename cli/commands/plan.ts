import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { readResolveConfig } from '../../functions/resolve-accounts/config.ts';
import {
  type ResolveAccountsDeps,
  resolveAccounts,
} from '../../functions/resolve-accounts/resolve-accounts.ts';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import type { Env } from '../../functions/shared/config.ts';
import type { Plan } from '../../functions/shared/contracts.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import type { AccountNames } from '../../functions/shared/report/formats/records.ts';
import { organizationsDirectory, recordingNames } from '../../functions/shared/services/organizations.ts';
import { PLANNERS } from '../../functions/shared/services/registry.ts';
import { HEALTHY_SCENARIO } from '../../local/runner/run-workflow.ts';
import { startStandIn } from '../../local/standin/index.ts';
import {
  type AwsOptions,
  administratorAccount,
  awsTarget,
  type ClientTarget,
  clientConfig,
  describeStack,
  resolveRegion,
} from '../aws.ts';
import { type BatchFile, checkBatchSize, overLimits, splitPlan } from '../batches.ts';
import { realCommand, shellWord } from '../command-line.ts';
import { EXIT } from '../exit-codes.ts';
import { type InputOptions, loadInput, type ManualInput, NO_ACCOUNTS_MESSAGE } from '../input.ts';
import { coloursFor, type Io } from '../io.ts';
import { planJson, planText } from '../render.ts';
import { terminalJson, terminalLines } from '../terminal.ts';
import { loadLocalScenario } from './local.ts';

export interface PlanOptions extends InputOptions, AwsOptions {
  administratorId?: string;
  stackName?: string;
  local?: boolean;
  scenario?: string;
  json?: boolean;
  /** A folder to write the plan's accounts to as CSV batches, one execution each. */
  split?: string;
  batchSize?: number;
}

/** A batch file name this command writes. */
const BATCH_NAME = /^batch-\d+\.csv$/;

/**
 * Refuses a folder that has batches already, so two splits never mix, or that is a file. Runs
 * before anything is read from AWS; a missing folder is made when the batches are written.
 */
async function checkFolder(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new InvalidInputError(`${folder}: not a folder`);
    if (code === 'EACCES') throw new InvalidInputError(`${folder}: not allowed to read it`);
    throw error;
  }
  const earlier = names.filter((name) => BATCH_NAME.test(name)).sort();
  if (earlier.length > 0) {
    throw new InvalidInputError(
      `${folder} has batches already (${earlier.slice(0, 3).join(', ')}${earlier.length > 3 ? ', …' : ''}): choose an empty folder`,
    );
  }
}

/** Writes the batches, the folder and files readable by their owner only: they hold root emails. */
async function writeBatches(folder: string, batches: readonly BatchFile[]): Promise<void> {
  if (batches.length === 0) return;
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    for (const { name, text } of batches)
      await writeFile(join(folder, name), text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new InvalidInputError(
        `${folder}: a batch appeared while writing; is another split writing there?`,
      );
    if (code === 'ENOTDIR') throw new InvalidInputError(`${folder}: not a folder`);
    if (code === 'EACCES') throw new InvalidInputError(`${folder}: not allowed to write there`);
    throw error;
  }
}

/** What a split wrote and how to run it, after the plan. */
function splitText(plan: Plan, folder: string, batches: readonly BatchFile[], options: PlanOptions): string {
  if (batches.length === 0) return `No account to onboard: nothing was written to ${folder}.\n`;
  // The same Regions and services, and the same stack or stand-in, as this plan. `start` needs a
  // stack (or the state machine's ARN): without one here, the line says where it goes.
  const local = options.local === true;
  const several = batches.length > 1;
  const words = [
    ...(local ? ['muster', 'run', '--local'] : ['muster', 'start']),
    '--csv',
    // With several, a shell loop takes them in order: --follow waits for each to finish.
    several ? '"$batch"' : shellWord(join(folder, batches[0]?.name ?? '')),
    ...[
      ...(options.regions === undefined ? [] : ['--regions', options.regions.join(',')]),
      ...(options.services === undefined ? [] : ['--services', options.services.join(',')]),
      ...(local
        ? options.scenario === undefined
          ? []
          : ['--scenario', options.scenario]
        : [
            ...(options.region === undefined ? [] : ['--region', options.region]),
            ...(options.profile === undefined ? [] : ['--profile', options.profile]),
          ]),
    ].map(shellWord),
    ...(local
      ? []
      : [
          '--stack-name',
          options.stackName === undefined ? 'STACK' : shellWord(options.stackName),
          '--follow',
        ]),
  ];
  const command = words.join(' ');
  const lines = [
    `Wrote ${batches.length} batch${several ? 'es' : ''} of at most ${Math.max(...batches.map((b) => b.accounts))} accounts to ${folder} (root emails included: keep them private):`,
    ...batches.map(({ name, accounts }) => `  ${join(folder, name)}  ${accounts} accounts`),
    '',
    // Executions at once would share each Region's quota and slow one another down.
    several ? 'Start them one after another, each when the previous one has finished:' : 'Start it:',
    several ? `  for batch in ${shellWord(folder)}/batch-*.csv; do ${command}; done` : `  ${command}`,
    ...(!local && options.stackName === undefined
      ? ["  (STACK: your muster stack's name, or --state-machine-arn ARN)"]
      : []),
  ];
  const over = overLimits(plan);
  if (over.length > 0) lines.push('', ...over);
  return `${lines.join('\n')}\n`;
}

/** The first step's dependencies over real SDK clients, aimed at AWS or at the stand-in. */
function resolveDeps(env: Env, target: ClientTarget): { deps: ResolveAccountsDeps; names: AccountNames } {
  const config = readResolveConfig(env);
  // The plan reads the organization anyway: the names it reads are shown beside the ids.
  const { directory, names } = recordingNames(
    organizationsDirectory(new OrganizationsClient(clientConfig(target, config.organizationsRegion))),
  );
  const deps: ResolveAccountsDeps = {
    administratorId: config.administratorId,
    homeRegion: config.homeRegion,
    defaultRegions: config.defaultRegions,
    defaultServices: config.defaultServices,
    organizations: directory,
    settings: config.settings,
    planner: (service, region) => PLANNERS[service]((Client) => new Client(clientConfig(target, region))),
  };
  return { deps, names };
}

/**
 * The stack parameters that shape a plan, as the Lambda's environment (template.yaml): without a
 * stack, an input without Regions plans the CLI's own Region.
 */
async function awsEnv(options: PlanOptions, target: ClientTarget): Promise<Env> {
  const region = await resolveRegion(options);
  const administratorId = await administratorAccount(options.administratorId, target, region);
  const parameters =
    options.stackName === undefined
      ? {}
      : (await describeStack(options.stackName, target, region)).parameters;
  return {
    AWS_REGION: region,
    ADMINISTRATOR_ACCOUNT_ID: administratorId,
    DEFAULT_REGIONS: parameters.Regions ?? region,
    DEFAULT_SERVICES: parameters.Services,
    MAX_CONCURRENCY: parameters.MaxConcurrency,
    POLL_TIMEOUT_MINUTES: parameters.PollTimeoutMinutes,
  };
}

/**
 * `muster plan`: the workflow's first step, run here. It only reads: STS, Organizations, each named
 * service's administrator settings and members, and the stack with --stack-name (docs/cli.md lists the calls).
 */
export async function planCommand(options: PlanOptions, io: Io): Promise<number> {
  if (options.batchSize !== undefined && options.split === undefined)
    throw new InvalidInputError('--batch-size goes with --split <folder>');
  checkBatchSize(options.batchSize);
  const loaded = await loadInput(options, io.cwd, io.stdin);
  if (loaded === undefined) throw new InvalidInputError(NO_ACCOUNTS_MESSAGE);
  // Splitting plans as a dry run: all the batches together may be more than one execution takes.
  // (--split takes no --input, so this is always a manual input.)
  const input = options.split === undefined ? loaded : { ...(loaded as ManualInput), dryRun: true };
  // resolveAccounts parses it again; this first pass refuses a bad input before any credentials are needed.
  parseTrigger(input);
  const folder = options.split === undefined ? undefined : resolve(io.cwd, options.split);
  if (folder !== undefined) await checkFolder(folder);
  let plan: Awaited<ReturnType<typeof resolveAccounts>>;
  let names: AccountNames;
  if (options.local === true) {
    const scenario = await loadLocalScenario(resolve(io.cwd, options.scenario ?? HEALTHY_SCENARIO));
    const standIn = await startStandIn({ scenario, timeScale: 0.01 });
    try {
      const env = {
        AWS_REGION: scenario.regions[0],
        ADMINISTRATOR_ACCOUNT_ID: scenario.administratorAccountId,
        DEFAULT_REGIONS: scenario.regions.join(','),
      };
      const target = {
        endpoint: standIn.endpoint,
        credentials: {
          accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: standIn.env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      };
      const resolved = resolveDeps(env, target);
      plan = await resolveAccounts(input, resolved.deps);
      names = resolved.names;
    } finally {
      await standIn.stop();
    }
  } else {
    const target = awsTarget(options);
    const resolved = resolveDeps(await awsEnv(options, target), target);
    plan = await resolveAccounts(input, resolved.deps);
    names = resolved.names;
  }
  if (folder !== undefined) {
    const batches = splitPlan(plan, options.batchSize);
    await writeBatches(folder, batches);
    io.stdout.write(
      options.json === true
        ? terminalJson({
            ...planJson(plan, names),
            batches: batches.map(({ name, accounts }) => ({ file: join(folder, name), accounts })),
          })
        : `${planText(plan, coloursFor(io.stdout, io.env), names)}\n${terminalLines(splitText(plan, folder, batches, options))}`,
    );
    return EXIT.ok;
  }
  io.stdout.write(
    options.json === true
      ? terminalJson(planJson(plan, names))
      : `${planText(plan, coloursFor(io.stdout, io.env), names)}\nNothing was changed. To run it for real:\n  ${terminalLines(realCommand(options, options.local === true ? 'local' : 'aws'))}\n`,
  );
  return EXIT.ok;
}

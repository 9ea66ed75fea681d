import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { type Plan, withCentrallyConfigured } from '../../functions/shared/contracts.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { type AccountNames, namesOfRows } from '../../functions/shared/report/formats/records.ts';
import { type ReportStore, readParsed, s3ReportStore } from '../../functions/shared/report/store.ts';
import {
  type AwsOptions,
  awsTarget,
  clientConfig,
  regionOfArn,
  type StateMachineOptions,
  stateMachineArn,
} from '../aws.ts';
import { executionName } from '../execution-name.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import {
  advance,
  type ExecutionStatus,
  fromHistoryEvent,
  type Progress,
  STATES,
  startProgress,
} from '../history.ts';
import { coloursFor, type Io } from '../io.ts';
import { quietView, viewFor } from '../progress.ts';
import { dryRunPlanText, type ExecutionSummary, phasesText, reportFilesText, reportText } from '../render.ts';
import {
  type ReportFileReader,
  storedPlanPlaceSchema,
  storedPlanSchema,
  withReportFile,
} from '../report-file.ts';
import {
  emitReport,
  executionDocument,
  executionJson,
  type OutputOptions,
  quietStdout,
} from '../report-output.ts';
import { terminalJson, terminalSafe, terminalText } from '../terminal.ts';

export interface WatchOptions extends OutputOptions {
  follow?: boolean;
  /** The AWS profile the report file is read with (the execution's own Region). */
  profile?: string;
  /** Seconds between polls with --follow. */
  interval: number;
}

export interface StatusOptions extends WatchOptions, StateMachineOptions {
  /** The newest execution of the state machine instead of an ARN. */
  latest?: boolean;
}

/** Every event of the execution, oldest first, following nextToken. */
async function readEvents(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

function summary(execution: DescribeExecutionCommandOutput, executionArn: string): ExecutionSummary {
  return {
    executionArn,
    ...(execution.name === undefined ? {} : { name: execution.name }),
    ...(execution.status === undefined ? {} : { status: execution.status }),
    ...(execution.startDate === undefined ? {} : { startDate: execution.startDate.toISOString() }),
    ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate.toISOString() }),
  };
}

const ENDED: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * Reads an execution's history into progress and prints the phases and the report; with `follow`,
 * polls until the execution ends, showing progress as it goes.
 */
export async function watchExecution(
  sfn: SFNClient,
  executionArn: string,
  options: WatchOptions,
  io: Io,
): Promise<number> {
  const view = options.follow === true ? viewFor(io, quietStdout(options)) : quietView();
  let progress: Progress = startProgress();
  let seen = 0;
  let execution: DescribeExecutionCommandOutput;
  try {
    for (;;) {
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const events = await readEvents(sfn, executionArn);
      for (const event of events.slice(seen)) {
        const flow = fromHistoryEvent(event);
        if (flow === undefined) continue;
        progress = advance(progress, flow);
        view.update(progress, flow);
      }
      seen = events.length;
      if (options.follow !== true || execution.status !== 'RUNNING') break;
      await io.sleep(options.interval * 1000);
    }
  } finally {
    view.stop();
  }
  // DescribeExecution is the authority on how the execution ended, should the history be cut short.
  if (progress.status === 'RUNNING' && execution.status !== undefined && ENDED.has(execution.status)) {
    progress = {
      ...progress,
      status: execution.status as ExecutionStatus,
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  }
  progress = await withReportFile(progress, s3ReportReader(executionArn, options.profile));
  const dryRun = progress.finalState === STATES.nothingToDo && progress.plan?.dryRun === true;
  const stored = dryRun ? await storedPlan(progress.plan, executionArn, options.profile) : undefined;
  if (stored !== undefined) progress = { ...progress, plan: stored.plan };
  const about = summary(execution, executionArn);
  // Merge Reports wrote each account's name into the report file, from the batch files; a dry run's
  // are in its stored plan.
  const names = stored?.names ?? namesOfRows(progress.rows ?? []);
  const final = progress;
  await emitReport(io, options, {
    json: () => executionJson(final, names, about),
    document: () => executionDocument(final, names, about),
    table: () => {
      const c = coloursFor(io.stdout, io.env);
      const shown = terminalSafe(about);
      return (
        `${c.bold(shown.name ?? shown.executionArn)}  ${shown.status ?? ''}${shown.startDate === undefined ? '' : `  started ${shown.startDate}`}${shown.stopDate === undefined ? '' : `, stopped ${shown.stopDate}`}\n` +
        `${phasesText(final, c)}\n\n` +
        // A dry run's result is its plan, as `muster plan` prints it.
        (dryRun && final.plan !== undefined ? `${dryRunPlanText(final.plan, c, names)}\n` : '') +
        reportText(final, c, names) +
        reportFilesText(final.report?.files, c) +
        (final.status === 'RUNNING'
          ? c.dim(`Still running: muster status ${shown.executionArn} --follow\n`)
          : '')
      );
    },
  });
  return exitCodeOf(progress);
}

/** One read of the report bucket with GetObject, in the execution's Region (the stack's, where its bucket is). */
async function readBucket<T>(
  executionArn: string,
  profile: string | undefined,
  bucket: string,
  read: (store: ReportStore) => Promise<T>,
): Promise<T> {
  const client = new S3Client(
    clientConfig(
      awsTarget(profile === undefined ? {} : { profile }),
      regionOfArn(executionArn, 'execution', 'execution-arn'),
    ),
  );
  try {
    return await read(s3ReportStore(client, bucket));
  } finally {
    client.destroy();
  }
}

function s3ReportReader(executionArn: string, profile: string | undefined): ReportFileReader {
  return (files) => readBucket(executionArn, profile, files.bucket, (store) => store.get(files.jsonl));
}

/**
 * A dry run's whole plan and its accounts' names, from the plan.json Resolve Accounts wrote: the state
 * has no names, and no account lists past 100 entries (docs/report-bucket.md). Undefined when the
 * execution's output does not say where it is (an execution from before the bucket was handed on).
 */
async function storedPlan(
  plan: Plan | undefined,
  executionArn: string,
  profile: string | undefined,
): Promise<{ plan: Plan; names: AccountNames } | undefined> {
  const place = storedPlanPlaceSchema.safeParse(plan);
  if (!place.success) return undefined;
  const { planKey, planBucket } = place.data;
  const { accountNames, ...whole } = await readBucket(executionArn, profile, planBucket, (store) =>
    readParsed(store, planKey, storedPlanSchema).then(withCentrallyConfigured),
  );
  return { plan: whole, names: new Map(Object.entries(accountNames)) };
}

export function sfnClient(arn: string, kind: 'execution' | 'stateMachine', option: string, profile?: string) {
  return new SFNClient(
    clientConfig(awsTarget(profile === undefined ? {} : { profile }), regionOfArn(arn, kind, option)),
  );
}

/** The state machine the options name (its ARN, or its stack's output) and a client in its Region. */
export async function stateMachineClient(
  options: StateMachineOptions & Pick<AwsOptions, 'profile'>,
): Promise<{ arn: string; sfn: SFNClient }> {
  const arn = await stateMachineArn(options);
  const option = options.stateMachineArn === undefined ? 'StateMachineArn output' : '--state-machine-arn';
  return { arn, sfn: sfnClient(arn, 'stateMachine', option, options.profile) };
}

/** Starts one execution of the input under its name (executionName): what `start` and `remove` send. */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: unknown,
  now: Date,
): Promise<{ name: string; executionArn: string; startDate: Date | undefined }> {
  const name = executionName(input, now);
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  return { name, executionArn: started.executionArn ?? '', startDate: started.startDate };
}

/**
 * The newest `limit` executions of a state machine, newest first. ListExecutions sorts them so and may
 * return fewer than maxResults with a nextToken (docs/aws-facts.md, Step Functions), hence the loop.
 */
async function recentExecutions(sfn: SFNClient, arn: string, limit: number): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: limit - found.length, nextToken }),
    );
    found.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken && found.length < limit);
  return found.slice(0, limit);
}

/** The execution `status` reads: the ARN given, or with --latest the state machine's newest. */
async function executionToRead(executionArn: string | undefined, options: StatusOptions): Promise<string> {
  if (options.latest === true) {
    if (executionArn !== undefined)
      throw new InvalidInputError(`give an execution ARN or --latest, not both (${executionArn})`);
    const arn = await stateMachineArn(options);
    const sfn = sfnClient(arn, 'stateMachine', '--state-machine-arn', options.profile);
    try {
      const [newest] = await recentExecutions(sfn, arn, 1);
      if (newest?.executionArn === undefined)
        throw new InvalidInputError(`${arn} has no execution yet: start one with \`muster start\``);
      return newest.executionArn;
    } finally {
      sfn.destroy();
    }
  }
  if (executionArn === undefined)
    throw new InvalidInputError(
      'say which execution: its ARN (from `muster start` or `muster executions`), or --latest',
    );
  return executionArn;
}

/** `muster status <execution-arn> [--follow]`, or `muster status --latest`. */
export async function statusCommand(
  executionArn: string | undefined,
  options: StatusOptions,
  io: Io,
): Promise<number> {
  const arn = await executionToRead(executionArn, options);
  const sfn = sfnClient(arn, 'execution', 'execution-arn', options.profile);
  try {
    return await watchExecution(sfn, arn, options, io);
  } finally {
    sfn.destroy();
  }
}

export interface ExecutionsOptions extends StateMachineOptions {
  limit: number;
  json?: boolean;
}

/** What started an execution, from its input as the workflow's first step reads it. */
function triggerOf(input: string | undefined): string {
  if (input === undefined) return 'unknown';
  try {
    const request = parseTrigger(JSON.parse(input));
    return request.dryRun ? `${request.trigger} (dry run)` : request.trigger;
  } catch {
    // The workflow refused it too: the execution ended REJECTED.
    return 'rejected input';
  }
}

interface ExecutionRow {
  name: string;
  status: string;
  startDate: string | null;
  stopDate: string | null;
  trigger: string;
  executionArn: string;
}

/** `muster executions`: the newest executions with status, start time and trigger. */
export async function executionsCommand(options: ExecutionsOptions, io: Io): Promise<number> {
  const { arn, sfn } = await stateMachineClient(options);
  let rows: ExecutionRow[];
  try {
    const listed = await recentExecutions(sfn, arn, options.limit);
    rows = [];
    // One DescribeExecution each, for the input that says what started it.
    for (const item of listed) {
      const executionArn = item.executionArn ?? '';
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      rows.push({
        name: item.name ?? '',
        status: item.status ?? '',
        startDate: item.startDate?.toISOString() ?? null,
        stopDate: item.stopDate?.toISOString() ?? null,
        trigger: triggerOf(described.input),
        executionArn,
      });
    }
  } finally {
    sfn.destroy();
  }
  if (options.json === true) {
    io.stdout.write(terminalJson(rows));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.stdout.write(`No execution of ${terminalText(arn)} yet.\n`);
    return EXIT.ok;
  }
  const table = [
    ['STARTED', 'STATUS', 'TRIGGER', 'NAME'],
    ...rows.map((row) => [row.startDate ?? '', row.status, row.trigger, row.name].map(terminalText)),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((row) => row[column]?.length ?? 0)));
  const c = coloursFor(io.stdout, io.env);
  io.stdout.write(
    `${table
      .map((row, index) => {
        const line = row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd();
        return index === 0 ? c.bold(line) : line;
      })
      .join('\n')}\nDetails: muster status <ARN>, or muster status --latest; --json lists the ARNs.\n`,
  );
  return EXIT.ok;
}

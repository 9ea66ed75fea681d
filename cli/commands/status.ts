import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { s3ReportStore } from '../../functions/shared/report/store.ts';
import { type AwsOptions, awsTarget, clientConfig, regionOfArn } from '../aws.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { advance, type ExecutionStatus, fromHistoryEvent, type Progress, startProgress } from '../history.ts';
import { coloursFor, type Io } from '../io.ts';
import { quietView, viewFor } from '../progress.ts';
import { type ExecutionSummary, phasesText, reportText } from '../render.ts';
import { type ReportFileReader, withReportFile } from '../report-file.ts';
import {
  emitReport,
  executionDocument,
  executionJson,
  type OutputOptions,
  quietStdout,
} from '../report-output.ts';
import { terminalSafe } from '../terminal.ts';

export interface WatchOptions extends OutputOptions {
  follow?: boolean;
  /** The AWS profile the report file is read with (the execution's own Region). */
  profile?: string;
  /** Seconds between polls with --follow. */
  interval: number;
}

export interface StatusOptions extends WatchOptions, Pick<AwsOptions, 'profile'> {}

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
  const about = summary(execution, executionArn);
  const names = new Map<string, string>();
  const final = progress;
  await emitReport(io, options, {
    json: () => executionJson(final, names, about),
    document: () => executionDocument(final, names, about),
    table: () => {
      const c = coloursFor(io.stdout, io.env);
      const shown = terminalSafe(about);
      return (
        `${c.bold(shown.name ?? shown.executionArn)}  ${shown.status ?? ''}${shown.startDate === undefined ? '' : `  started ${shown.startDate}`}${shown.stopDate === undefined ? '' : `, stopped ${shown.stopDate}`}\n` +
        `${phasesText(final, c)}\n\n${reportText(final, c)}` +
        (final.status === 'RUNNING'
          ? c.dim(`Still running: muster status ${shown.executionArn} --follow\n`)
          : '')
      );
    },
  });
  return exitCodeOf(progress);
}

/** Reads a report file with GetObject, in the execution's Region (the stack's, where its bucket is). */
function s3ReportReader(executionArn: string, profile: string | undefined): ReportFileReader {
  return async (files) => {
    const client = new S3Client(
      clientConfig(
        awsTarget(profile === undefined ? {} : { profile }),
        regionOfArn(executionArn, 'execution', 'execution-arn'),
      ),
    );
    try {
      return await s3ReportStore(client, files.bucket).get(files.jsonl);
    } finally {
      client.destroy();
    }
  };
}

export function sfnClient(arn: string, kind: 'execution' | 'stateMachine', option: string, profile?: string) {
  return new SFNClient(
    clientConfig(awsTarget(profile === undefined ? {} : { profile }), regionOfArn(arn, kind, option)),
  );
}

/** `muster status <execution-arn> [--follow]`. */
export async function statusCommand(executionArn: string, options: StatusOptions, io: Io): Promise<number> {
  const sfn = sfnClient(executionArn, 'execution', 'execution-arn', options.profile);
  try {
    return await watchExecution(sfn, executionArn, options, io);
  } finally {
    sfn.destroy();
  }
}

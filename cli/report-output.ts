import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../functions/shared/errors.ts';
import { DOCUMENT_WRITERS, type OutputFormat } from '../functions/shared/report/formats/index.ts';
import {
  type AccountNames,
  type ReportDocument,
  reportRecords,
} from '../functions/shared/report/formats/records.ts';
import type { Progress } from './history.ts';
import { coloursFor, type Io } from './io.ts';
import { type ExecutionSummary, memberships, reportJson, statusWord } from './render.ts';
import { terminalJson, terminalText } from './terminal.ts';

/** --output, --output-file and the older --json, as status, start, run and coverage take them. */
export interface OutputOptions {
  output?: OutputFormat;
  outputFile?: string;
  json?: boolean;
}

export function outputFormat(options: OutputOptions): OutputFormat {
  return options.output ?? (options.json === true ? 'json' : 'table');
}

/** Whether stdout carries a machine-readable report, so progress must stay off it. */
export function quietStdout(options: OutputOptions): boolean {
  return options.outputFile === undefined && outputFormat(options) !== 'table';
}

/** What a path is, or undefined when nothing is there. */
async function kindOf(path: string): Promise<'folder' | 'other' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    // ENOTDIR: a file stands where a folder of the path should be, so nothing is there.
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/**
 * Refuses an --output-file that could not be written (a folder, a path through a file, no write
 * permission), before the command calls AWS or runs anything: the report is written only at the end.
 */
export async function checkOutputFile(cwd: string, outputFile: string): Promise<void> {
  const path = resolve(cwd, outputFile);
  const refuse = (problem: string) =>
    new InvalidInputError(`--output-file: ${problem}; name a file to write`);
  const kind = await kindOf(path);
  if (kind === 'folder') throw refuse(`${path} is a folder`);
  // The file itself when it exists, else the nearest folder above it that exists (created below it).
  let existing = path;
  if (kind === undefined) {
    do existing = dirname(existing);
    while ((await kindOf(existing)) === undefined && dirname(existing) !== existing);
    if ((await kindOf(existing)) === 'other') throw refuse(`${existing} is not a folder`);
  }
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    throw refuse(`cannot write ${existing} (${(error as Error).message})`);
  }
}

/**
 * Writes a report in the chosen format: to --output-file (and then the table to the terminal, with
 * where the file is), or to stdout. `table` is the command's own text; `json` its own document.
 */
export async function emitReport(
  io: Io,
  options: OutputOptions,
  report: { table: () => string; json: () => unknown; document: () => ReportDocument },
): Promise<void> {
  const format = outputFormat(options);
  const text = (forTerminal: boolean) => {
    if (format === 'table') return report.table();
    if (format === 'json')
      return forTerminal ? terminalJson(report.json()) : `${JSON.stringify(report.json(), null, 2)}\n`;
    return DOCUMENT_WRITERS[format](report.document());
  };
  if (options.outputFile === undefined) {
    io.stdout.write(text(true));
    return;
  }
  const path = resolve(io.cwd, options.outputFile);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text(false));
  } catch (error) {
    const message = `--output-file: could not write ${path} (${(error as Error).message})`;
    throw new InvalidInputError(message, [message], { cause: error });
  }
  const c = coloursFor(io.stdout, io.env);
  io.stdout.write(`${report.table()}${c.dim(`Report (${format}) written to ${terminalText(path)}\n`)}`);
}

/** An execution's report as a file document: one record per membership, names where known. */
export function executionDocument(
  progress: Progress,
  names: AccountNames,
  execution?: ExecutionSummary,
): ReportDocument {
  const { report, plan } = progress;
  return {
    title: `muster report${execution?.name === undefined ? '' : `: ${execution.name}`}`,
    status: statusWord(progress),
    ...(execution?.stopDate === undefined ? {} : { generatedAt: execution.stopDate }),
    // The report file's rows when it was read (a parent's plan lists no accounts), else the state's groups.
    records:
      report === undefined ? [] : reportRecords(progress.rows ?? memberships(plan, report.notEnabled), names),
  };
}

/** reportJson with each membership's account name (and a dry run's plan's), for --output json. */
export function executionJson(progress: Progress, names: AccountNames, execution?: ExecutionSummary) {
  const json = reportJson(progress, execution, names);
  return {
    ...json,
    memberships: json.memberships.map((row) => ({ ...row, accountName: names.get(row.accountId) ?? null })),
  };
}

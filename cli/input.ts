import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeValue } from '../functions/shared/domain/account-id.ts';
import type { Account } from '../functions/shared/domain/accounts.ts';
import { InvalidInputError } from '../functions/shared/errors.ts';
import { shellWord } from './command-line.ts';
import { readAccountsCsv } from './csv.ts';
import type { Input } from './io.ts';

/** The file name that means standard input, as in `--csv -`. */
export const STDIN = '-';

/** How a file given on the command line is named in messages. */
const fileLabel = (file: string) => (file === STDIN ? 'standard input' : file);

/** The input options plan, start and run share. */
export interface InputOptions {
  accounts?: string[];
  csv?: string;
  allAccounts?: boolean;
  regions?: string[];
  services?: string[];
  dryRun?: boolean;
  input?: string;
}

/** The manual input the state machine receives (what parseTrigger reads). */
export interface ManualInput {
  accounts?: Account[];
  allAccounts?: true;
  regions?: string[];
  services?: string[];
  dryRun?: true;
}

/**
 * The most StartExecution takes as an execution's input: 262,144 bytes of UTF-8 JSON (docs/aws-facts.md,
 * Step Functions), about 3,000 to 4,000 accounts with their emails.
 */
export const EXECUTION_INPUT_LIMIT = 262_144;

/**
 * Refuses an input StartExecution would refuse, before anything is asked or started: past the limit
 * AWS answers with an error of its own, which would end the command as a failure to talk to AWS.
 */
export function checkExecutionInput(input: unknown, options: Pick<InputOptions, 'csv'>): void {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes <= EXECUTION_INPUT_LIMIT) return;
  const csv = options.csv === undefined || options.csv === STDIN ? 'FILE' : shellWord(options.csv);
  throw new InvalidInputError(
    `the input is ${bytes.toLocaleString('en-US')} bytes of JSON, more than the ` +
      `${EXECUTION_INPUT_LIMIT.toLocaleString('en-US')} StartExecution takes: split its accounts into CSV batches that ` +
      `each fit with \`muster plan --csv ${csv} --split FOLDER\`, and start them one after another`,
  );
}

export const NO_ACCOUNTS_MESSAGE =
  'say which accounts to onboard: --accounts 111111111111,222222222222, --csv FILE, --all-accounts, or --input FILE';

/** Commander argument parser for comma-separated lists; a repeated option adds to the list. */
export function commaList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...(previous ?? []), ...items];
}

/**
 * Turns the options into the manual input document. Values are passed on as given: the
 * workflow's own parser validates them, so the CLI and the state machine never disagree.
 */
export function manualInput(accounts: Account[] | 'all', options: InputOptions): ManualInput {
  return {
    ...(accounts === 'all' ? { allAccounts: true } : { accounts }),
    ...(options.regions === undefined ? {} : { regions: options.regions }),
    ...(options.services === undefined ? {} : { services: options.services }),
    ...(options.dryRun === true ? { dryRun: true } : {}),
  };
}

async function readText(
  file: string,
  cwd: string,
  stdin: Pick<Input, 'readAll'> | undefined,
): Promise<string> {
  if (file === STDIN) {
    if (stdin === undefined)
      throw new InvalidInputError(`${STDIN} (standard input) is not read by this command`);
    return stdin.readAll();
  }
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`${file}: no such file`);
    if (code === 'EISDIR') throw new InvalidInputError(`${file}: is a directory, not a file`);
    if (code === 'EACCES') throw new InvalidInputError(`${file}: not allowed to read it`);
    throw error;
  }
}

/**
 * The execution input the options describe: an --input document as it is, or a manual input built
 * from --accounts, --csv or --all-accounts. undefined when the options name no accounts. A file
 * named `-` is standard input.
 */
export async function loadInput(
  options: InputOptions,
  cwd: string,
  stdin: Pick<Input, 'readAll'>,
): Promise<unknown> {
  if (options.input !== undefined) {
    const text = await readText(options.input, cwd, stdin);
    const label = fileLabel(options.input);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new InvalidInputError(
        `${label}: not a JSON document (${(error as Error).message}); --input takes a manual input or an EventBridge event`,
      );
    }
    // Every input muster starts from is an object; null must not fall back to "every account".
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new InvalidInputError(
        `${label}: holds ${describeValue(document)}, not a JSON object; --input takes a manual input ` +
          '({"accounts": [...]} or {"allAccounts": true}) or an EventBridge event',
      );
    }
    return document;
  }
  if (options.csv !== undefined) {
    const text = await readText(options.csv, cwd, stdin);
    return manualInput(readAccountsCsv(text, fileLabel(options.csv)), options);
  }
  if (options.accounts !== undefined) {
    return manualInput(
      options.accounts.map((accountId) => ({ accountId })),
      options,
    );
  }
  if (options.allAccounts === true) return manualInput('all', options);
  return undefined;
}

import { CsvError, parse } from 'csv-parse/sync';
import { accountIdProblem } from '../functions/shared/domain/account-id.ts';
import { type Account, emailProblem } from '../functions/shared/domain/accounts.ts';
import { InvalidInputError } from '../functions/shared/errors.ts';
import { clipAccountName } from '../functions/shared/report/formats/records.ts';

/**
 * The header of the Security Hub console's "Add accounts" CSV, and an optional third column: a name
 * for an account outside the organization (Organizations has none for it), shown in the reports.
 */
export const CSV_HEADER = ['Account ID', 'Email', 'Name'] as const;

/**
 * Where the CSV format comes from, as the help and errors say it: an AWS console's file, whichever
 * services a run names (the one place outside the registry a service's name may be written).
 */
export const CSV_FORMAT = "the Security Hub console's CSV format";

/** An account as the CSV gives it: the name only in the execution's input, for the reports. */
export type CsvAccount = Account & { name?: string };

// What a spreadsheet makes of a 12-digit id: 444455556666.0, 4.44456E+11, or digits without a leading zero.
const NUMBER_LIKE = /^[\d.]+(e[+-]?\d+)?$/i;

// A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV Injection"; the
// fullwidth forms as csv-stringify's escape_formulas has them). An email may start with = + -
// (docs/aws-facts.md, Amazon Detective), so such a cell is written behind a single quote that
// readCell takes off again.
const FORMULA_LEADING = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const QUOTE_PREFIX = "'";

/**
 * A cell as muster writes it: behind a single quote when it starts with a formula character or
 * with a single quote itself, so {@link readCell} gives back exactly the value.
 */
export function writeCell(value: string): string {
  return FORMULA_LEADING.test(value) || value.startsWith(QUOTE_PREFIX) ? `${QUOTE_PREFIX}${value}` : value;
}

/**
 * A cell as muster reads it: the single quote {@link writeCell} put before a formula character or
 * a quote is taken off. A quote before anything else is part of the value (a console export has none).
 */
export function readCell(cell: string): string {
  const rest = cell.slice(QUOTE_PREFIX.length);
  return cell.startsWith(QUOTE_PREFIX) && (FORMULA_LEADING.test(rest) || rest.startsWith(QUOTE_PREFIX))
    ? rest
    : cell;
}

interface Row {
  record: string[];
  info: { lines: number };
  raw: string;
}

function normalised(cell: string | undefined): string {
  return (cell ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

function badCounts(ids: number, emails: number): string {
  const counts = [
    ids > 0 ? `${ids} bad account id${ids === 1 ? '' : 's'}` : '',
    emails > 0 ? `${emails} bad email${emails === 1 ? '' : 's'}` : '',
  ];
  return counts.filter((count) => count !== '').join(' and ');
}

const lineBreaks = (text: string) => text.split('\n').length - 1;

// csv-parse's info.lines is the line a record ends on; its raw text starts with the blank lines
// skipped before it and ends with its line break. The line it starts on is what an editor shows.
function firstLine({ info, raw }: Row): number {
  return info.lines - lineBreaks(raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n$/, ''));
}

/** What went wrong, in the file's own terms: 1-based lines and the column's name. */
function unreadable(error: CsvError, text: string, file: string): InvalidInputError {
  // csv-parse's context: the line it stopped on, the 0-based field index, the record's raw text.
  const lines = typeof error.lines === 'number' ? error.lines : 1;
  const index = typeof error.index === 'number' ? error.index : 0;
  const raw = typeof error.raw === 'string' ? error.raw : '';
  const column = CSV_HEADER[index] ?? `column ${index + 1}`;
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    // The parser stops at the end of the file; what is left unread starts with the open quote.
    const open = raw.replace(/^\s+/, '');
    const line = lineBreaks(text.slice(0, text.length - open.length)) + 1;
    return new InvalidInputError(
      `${file} line ${line}: not a readable CSV file (a quote opens the ${column} value here and is never closed)`,
    );
  }
  const what: Partial<Record<string, string>> = {
    INVALID_OPENING_QUOTE: `a quote inside the ${column} value, which does not start with one (quote the whole value and double the quote)`,
    CSV_INVALID_CLOSING_QUOTE: `text after the closing quote of the ${column} value`,
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: `text after the closing quote of the ${column} value`,
  };
  return new InvalidInputError(
    `${file} line ${lines}: not a readable CSV file (${what[error.code] ?? error.message})`,
  );
}

/**
 * Reads accounts from a CSV in the Security Hub console's format (`Account ID,Email`, optionally `Name`, one account
 * a line). Tolerates a BOM, CRLF, LF or a lone CR, quotes and spaces. Every bad id is reported with
 * the line it is on (1-based, as an editor shows it) and nothing is returned, so nothing runs on a
 * half-read file.
 */
export function readAccountsCsv(original: string, file: string): CsvAccount[] {
  // One line ending, so lines count as an editor counts them (a line break inside a quoted value
  // becomes LF: neither an id nor an email has one).
  const text = original.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  let rows: Row[];
  try {
    rows = parse(text, {
      trim: true,
      record_delimiter: '\n',
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as Row[];
  } catch (error) {
    if (error instanceof CsvError) throw unreadable(error, text, file);
    throw error;
  }
  const [header, ...data] = rows;
  const expected = CSV_HEADER.map(normalised);
  if (
    header === undefined ||
    normalised(header.record[0]) !== expected[0] ||
    (header.record.length > 1 && normalised(header.record[1]) !== expected[1]) ||
    (header.record.length > 2 && normalised(header.record[2]) !== expected[2])
  ) {
    const found = header === undefined ? 'an empty file' : JSON.stringify(header.record.join(','));
    throw new InvalidInputError(
      `${file} line ${header === undefined ? 1 : firstLine(header)}: expected the header "${CSV_HEADER.slice(0, 2).join(',')}" (${CSV_FORMAT}), optionally with a third column "${CSV_HEADER[2]}", found ${found}`,
    );
  }
  if (data.length === 0) throw new InvalidInputError(`${file}: no accounts below the header`);

  const problems: string[] = [];
  let badEmails = 0;
  let spreadsheetMangled = false;
  const accounts = data.map((row) => {
    const accountId = readCell((row.record[0] ?? '').trim());
    const email = readCell((row.record[1] ?? '').trim());
    const problem = accountIdProblem(accountId);
    if (problem !== undefined) {
      problems.push(`line ${firstLine(row)}: Account ID ${problem}`);
      if (NUMBER_LIKE.test(accountId)) spreadsheetMangled = true;
    }
    const emailIssue = email === '' ? undefined : emailProblem(email);
    if (emailIssue !== undefined) {
      badEmails += 1;
      problems.push(`line ${firstLine(row)}: account ${accountId}: ${emailIssue}`);
    }
    const name = header.record.length > 2 ? readCell((row.record[2] ?? '').trim()) : '';
    return {
      accountId,
      ...(email === '' ? {} : { email }),
      ...(name === '' ? {} : { name: clipAccountName(name) }),
    };
  });
  if (problems.length > 0) {
    const hint = spreadsheetMangled
      ? [
          'A spreadsheet turned ids into numbers: format the Account ID column as text, re-enter the ids and export again.',
        ]
      : [];
    throw new InvalidInputError(
      [
        `${file}: ${badCounts(problems.length - badEmails, badEmails)}; nothing was started.`,
        ...problems.map((problem) => `  ${problem}`),
        ...hint,
      ].join('\n'),
      problems.map((problem) => `${file} ${problem}`),
    );
  }
  return accounts;
}

import { CsvError, parse } from 'csv-parse/sync';
import { accountIdProblem } from '../functions/shared/domain/account-id.ts';
import { type Account, emailProblem } from '../functions/shared/domain/accounts.ts';
import { InvalidInputError } from '../functions/shared/errors.ts';

/** The header of the Security Hub console's "Add accounts" CSV. */
const CSV_HEADER = ['Account ID', 'Email'] as const;

// What a spreadsheet makes of a 12-digit id: 444455556666.0, 4.44456E+11, or digits without a leading zero.
const NUMBER_LIKE = /^[\d.]+(e[+-]?\d+)?$/i;

interface Row {
  record: string[];
  info: { lines: number };
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

/**
 * Reads accounts from a CSV in the Security Hub console's format (`Account ID,Email`, one account
 * a line). Tolerates a BOM, CRLF or LF, quotes and spaces. Every bad id is reported with its line
 * number and nothing is returned, so nothing runs on a half-read file.
 */
export function readAccountsCsv(text: string, file: string): Account[] {
  let rows: Row[];
  try {
    rows = parse(text, {
      bom: true,
      trim: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      info: true,
    }) as unknown as Row[];
  } catch (error) {
    if (error instanceof CsvError)
      throw new InvalidInputError(`${file}: not a readable CSV file (${error.message})`);
    throw error;
  }
  const [header, ...data] = rows;
  const expected = CSV_HEADER.map(normalised);
  if (
    header === undefined ||
    normalised(header.record[0]) !== expected[0] ||
    (header.record.length > 1 && normalised(header.record[1]) !== expected[1])
  ) {
    const found = header === undefined ? 'an empty file' : JSON.stringify(header.record.join(','));
    throw new InvalidInputError(
      `${file} line ${header?.info.lines ?? 1}: expected the header "${CSV_HEADER.join(',')}" (the Security Hub console's CSV format), found ${found}`,
    );
  }
  if (data.length === 0) throw new InvalidInputError(`${file}: no accounts below the header`);

  const problems: string[] = [];
  let badEmails = 0;
  let spreadsheetMangled = false;
  const accounts = data.map(({ record, info }) => {
    const accountId = (record[0] ?? '').trim();
    const email = (record[1] ?? '').trim();
    const problem = accountIdProblem(accountId);
    if (problem !== undefined) {
      problems.push(`line ${info.lines}: Account ID ${problem}`);
      if (NUMBER_LIKE.test(accountId)) spreadsheetMangled = true;
    }
    const emailIssue = email === '' ? undefined : emailProblem(email);
    if (emailIssue !== undefined) {
      badEmails += 1;
      problems.push(`line ${info.lines}: account ${accountId}: ${emailIssue}`);
    }
    return email === '' ? { accountId } : { accountId, email };
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

import { accountLabel, clipAccountName, hasOus, type ReportRecord } from './records.ts';

// A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection"; the
// fullwidth forms as csv-stringify's escape_formulas has them).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell a spreadsheet shows as text: a leading apostrophe before what would start a formula. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

// RFC 4180: a cell holding the delimiter, a quote or a line break is quoted, its quotes doubled.
const NEEDS_QUOTES = /[",\r\n]/;

function quoted(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * CSV with a header row, RFC 4180 quoting, every cell safe to open in a spreadsheet: what csv-stringify
 * writes (a test holds it to that), written line by line, because through csv-stringify a report of
 * 34,000 rows cost Merge Reports about 0.3 s of CPU.
 */
export function csvText(columns: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [columns.map(quoted).join(',')];
  for (const cells of rows) lines.push(cells.map((cell) => quoted(neutralizeFormula(cell))).join(','));
  return `${lines.join('\n')}\n`;
}

export const RECORD_CSV_COLUMNS = [
  'account',
  'accountId',
  'accountName',
  'region',
  'service',
  'outcome',
  'reason',
] as const;

/** The columns with the account's OU after its name, when the records carry OUs. */
const RECORD_CSV_COLUMNS_WITH_OU = [
  ...RECORD_CSV_COLUMNS.slice(0, 3),
  'ou',
  ...RECORD_CSV_COLUMNS.slice(3),
] as const;

/**
 * One line per membership; "account" is "123456789012 (payments-prod)" for a person, accountId for a
 * program. A record without a name (a report row) has '' there; an "ou" column when the records
 * carry OUs.
 */
export function recordsCsv(
  records: readonly (Omit<ReportRecord, 'accountName'> & { accountName?: string })[],
): string {
  const withOus = hasOus(records);
  return csvText(
    withOus ? RECORD_CSV_COLUMNS_WITH_OU : RECORD_CSV_COLUMNS,
    records.map(({ accountId, accountName = '', ou = '', region, service, outcome, reason }) => [
      accountLabel(accountId, accountName),
      accountId,
      clipAccountName(accountName),
      ...(withOus ? [ou] : []),
      region,
      service,
      outcome,
      reason,
    ]),
  );
}

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

/** A cell as CSV text: quoted where RFC 4180 needs it, safe to open in a spreadsheet. */
function csvCell(cell: string): string {
  return quoted(neutralizeFormula(cell));
}

/**
 * csvCell, each distinct cell written once: a report repeats few values (its Regions, services,
 * outcomes and reasons) in many rows.
 */
function csvCells(): (cell: string) => string {
  const written = new Map<string, string>();
  return (cell) => {
    let text = written.get(cell);
    if (text === undefined) {
      text = csvCell(cell);
      written.set(cell, text);
    }
    return text;
  };
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
 * carry OUs. RFC 4180 quoting, every cell safe to open in a spreadsheet: what csv-stringify writes
 * (a test holds it to that), written a line at a time with each account's cells made once, because
 * through csv-stringify, and then through an array per row, a report of 34,000 rows cost Merge
 * Reports 0.3 s and then 0.06 s of CPU.
 */
export function recordsCsv(
  records: readonly (Omit<ReportRecord, 'accountName'> & { accountName?: string })[],
): string {
  const withOus = hasOus(records);
  const cell = csvCells();
  // An account's first three cells, the same in each of its rows (one per Region and service).
  const accounts = new Map<string, { accountName: string; cells: string }>();
  let text = `${(withOus ? RECORD_CSV_COLUMNS_WITH_OU : RECORD_CSV_COLUMNS).join(',')}\n`;
  for (const { accountId, accountName = '', ou = '', region, service, outcome, reason } of records) {
    let account = accounts.get(accountId);
    if (account?.accountName !== accountName) {
      const cells = [accountLabel(accountId, accountName), accountId, clipAccountName(accountName)];
      account = { accountName, cells: cells.map(csvCell).join(',') };
      accounts.set(accountId, account);
    }
    text += `${account.cells},${withOus ? `${cell(ou)},` : ''}${cell(region)},${cell(service)},${cell(outcome)},${cell(reason)}\n`;
  }
  return text;
}

import { stringify } from 'csv-stringify/sync';
import { accountLabel, clipAccountName, hasOus, type ReportRecord } from './records.ts';

// A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection"; the
// fullwidth forms as csv-stringify's escape_formulas has them).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell a spreadsheet shows as text: a leading apostrophe before what would start a formula. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** CSV with a header row (RFC 4180 quoting by csv-stringify), every cell safe to open in a spreadsheet. */
export function csvText<C extends string>(columns: readonly C[], rows: readonly Record<C, string>[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => neutralizeFormula(row[column]))),
    { header: true, columns: [...columns] },
  );
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
 * program; an "ou" column when the records carry OUs.
 */
export function recordsCsv(records: readonly ReportRecord[]): string {
  const rows = records.map((record) => ({
    ...record,
    accountName: clipAccountName(record.accountName),
    account: accountLabel(record.accountId, record.accountName),
    ou: record.ou ?? '',
  }));
  return hasOus(records) ? csvText(RECORD_CSV_COLUMNS_WITH_OU, rows) : csvText(RECORD_CSV_COLUMNS, rows);
}

import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import { OUTCOMES, type Outcome } from '../domain/outcomes.ts';
import type { Membership } from '../domain/report.ts';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.ts';

/** One row of the report file: a requested membership and how it ended ('' when no reason is given). */
export interface ReportRow {
  accountId: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  reason: string;
}

export const REPORT_COLUMNS = ['accountId', 'region', 'service', 'outcome', 'reason'] as const;

export function reportRows(memberships: Iterable<Membership>): ReportRow[] {
  return [...memberships].map(({ accountId, region, service, outcome, reason }) => ({
    accountId,
    region,
    service,
    outcome,
    reason: reason ?? '',
  }));
}

/** JSON Lines: one membership a line, in the order given. */
export function toJsonLines(rows: readonly ReportRow[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

const reportRowSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  service: z.enum(SERVICE_NAMES),
  outcome: z.enum(OUTCOMES),
  reason: z.string(),
});

/** The rows of a JSON Lines report file; a line that is not a row is an error naming its line number. */
export function parseJsonLines(text: string): ReportRow[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      const row = reportRowSchema.safeParse(JSON.parse(line));
      if (!row.success)
        throw new Error(
          `line ${index + 1} of the report file is not a membership row: ${line.slice(0, 200)}`,
        );
      return row.data;
    });
}

// A spreadsheet reads a cell starting with one of these as a formula (CSV injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet shows as text: a leading apostrophe before what would start a formula. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** CSV with a header row (RFC 4180 quoting by csv-stringify), every cell safe to open in a spreadsheet. */
export function toCsv(rows: readonly ReportRow[]): string {
  return stringify(
    rows.map((row) => REPORT_COLUMNS.map((column) => neutralizeFormula(row[column]))),
    { header: true, columns: [...REPORT_COLUMNS] },
  );
}

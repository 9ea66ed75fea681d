import * as z from 'zod';
import { OUTCOMES, type Outcome } from '../domain/outcomes.ts';
import type { Membership } from '../domain/report.ts';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.ts';
import { csvText } from './formats/csv.ts';

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

/** CSV with a header row, every cell safe to open in a spreadsheet (formats/csv.ts). */
export function toCsv(rows: readonly ReportRow[]): string {
  return csvText(REPORT_COLUMNS, rows);
}

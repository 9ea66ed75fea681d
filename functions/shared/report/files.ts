import * as z from 'zod/mini';
import { OUTCOMES, type Outcome } from '../domain/outcomes.ts';
import type { Membership } from '../domain/report.ts';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.ts';
import { recordsCsv } from './formats/csv.ts';
import { ACCOUNT_NAME_MAX, type AccountNames, clipAccountName } from './formats/records.ts';

/** One row of the report file: a requested membership and how it ended ('' when no reason is given). */
export interface ReportRow {
  accountId: string;
  /** The account's name (Organizations, or the input's), when known: Merge Reports adds it from the batch files. */
  accountName?: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  reason: string;
}

export function reportRows(memberships: Iterable<Membership>): ReportRow[] {
  // Straight from the iterable: no array of memberships first, for tens of thousands of them.
  const rows: ReportRow[] = [];
  for (const { accountId, region, service, outcome, reason } of memberships)
    rows.push({ accountId, region, service, outcome, reason: reason ?? '' });
  return rows;
}

/** The rows with each account's name where `names` has one (clipped: a report is read by a person). */
export function withAccountNames(rows: readonly ReportRow[], names: AccountNames): ReportRow[] {
  if (names.size === 0) return [...rows];
  return rows.map((row) => {
    const name = names.get(row.accountId);
    if (name === undefined || name === '') return row;
    if (row.accountName !== undefined) return { ...row, accountName: clipAccountName(name) };
    // Spelled out rather than spread (a tenth of the CPU, for tens of thousands of rows), in the
    // spread's order: the name last.
    const { accountId, region, service, outcome, reason } = row;
    return { accountId, region, service, outcome, reason, accountName: clipAccountName(name) };
  });
}

/** Where one row of a JSON array of report rows ends and the next begins. */
const BETWEEN_ROWS = '},{"accountId":';

/** JSON Lines: one membership a line, in the order given. */
export function toJsonLines(rows: readonly ReportRow[]): string {
  // One JSON.stringify of the whole list, its rows then put on lines of their own: half the CPU of
  // one stringify per row for a report's 34,000 rows. A row is an object of strings whose first key
  // is accountId, so BETWEEN_ROWS occurs only between two rows (inside a JSON string a quote is
  // always escaped). Should a row not start so, the count tells, and each row is written alone.
  const list = JSON.stringify(rows).slice(1, -1);
  let between = 0;
  for (let at = list.indexOf(BETWEEN_ROWS); at !== -1; at = list.indexOf(BETWEEN_ROWS, at + 1)) between += 1;
  if (rows.length > 0 && between === rows.length - 1)
    return `${list.replaceAll(BETWEEN_ROWS, '}\n{"accountId":')}\n`;
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return text;
}

const reportRowSchema = z.object({
  accountId: z.string(),
  accountName: z.optional(z.string().check(z.maxLength(ACCOUNT_NAME_MAX))),
  region: z.string(),
  service: z.enum(SERVICE_NAMES),
  outcome: z.enum(OUTCOMES),
  reason: z.string(),
});

const SERVICES: ReadonlySet<unknown> = new Set(SERVICE_NAMES);
const OUTCOME_SET: ReadonlySet<unknown> = new Set(OUTCOMES);

/**
 * The row `value` is when it is one as toJsonLines writes it, else undefined (reportRowSchema then
 * says why): the same check and the same object, in the schema's key order, at a fraction of the
 * CPU, since zod/mini has no fast path for objects and Merge Reports reads 34,000 rows a run.
 */
function plainRow(value: unknown): ReportRow | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { accountId, accountName, region, service, outcome, reason } = value as Record<string, unknown>;
  if (
    typeof accountId !== 'string' ||
    typeof region !== 'string' ||
    !SERVICES.has(service) ||
    !OUTCOME_SET.has(outcome) ||
    typeof reason !== 'string'
  )
    return undefined;
  // The sets hold exactly the enums' values, so the casts say what was checked.
  if (accountName === undefined)
    return { accountId, region, service: service as ServiceName, outcome: outcome as Outcome, reason };
  if (typeof accountName !== 'string' || accountName.length > ACCOUNT_NAME_MAX) return undefined;
  return {
    accountId,
    accountName,
    region,
    service: service as ServiceName,
    outcome: outcome as Outcome,
    reason,
  };
}

/** The rows of a JSON Lines report file; a line that is not a row is an error naming its line number. */
export function parseJsonLines(text: string): ReportRow[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      const value: unknown = JSON.parse(line);
      const plain = plainRow(value);
      if (plain !== undefined) return plain;
      const row = reportRowSchema.safeParse(value);
      if (!row.success)
        throw new Error(
          `line ${index + 1} of the report file is not a membership row: ${line.slice(0, 200)}`,
        );
      return row.data;
    });
}

/** The CSV that `--output csv` writes (formats/csv.ts): the name beside the id, every cell safe in a spreadsheet. */
export function toCsv(rows: readonly ReportRow[]): string {
  return recordsCsv(rows);
}

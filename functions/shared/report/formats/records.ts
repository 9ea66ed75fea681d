import { type Outcome, PENDING_OUTCOMES, SETTLED_OUTCOMES } from '../../domain/outcomes.ts';
import type { Membership } from '../../domain/report.ts';
import type { ServiceName } from '../../domain/services.ts';
import { clipText } from '../../domain/text.ts';

/** One (account, Region, service) as a person reads it in a report file; '' where nothing is known. */
export interface ReportRecord {
  accountId: string;
  /** The account's name in AWS Organizations ('' for an account outside it or when not read). */
  accountName: string;
  /** The account's organizational unit, OU names from the root down ("Root/Workloads/Prod"): only when read (`muster coverage --ous`). */
  ou?: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  reason: string;
}

/** A report file's content: what it is about, then one record per membership. */
export interface ReportDocument {
  title: string;
  /** ISO time the report describes (the check's or the read's), shown in the file. */
  generatedAt?: string;
  /** One word for the whole (SUCCEEDED, NEEDS_ATTENTION, …), when there is one. */
  status?: string;
  records: readonly ReportRecord[];
}

/** Account id → name, from Organizations (or, for an account outside it, the input's). */
export type AccountNames = ReadonlyMap<string, string>;

/**
 * The longest name a report shows: the most Organizations allows (docs/aws-facts.md, AWS
 * Organizations, "Account names, and what an organizational unit would cost"), so only a longer name
 * from elsewhere is clipped.
 */
export const ACCOUNT_NAME_MAX = 128;

/** The name cut to ACCOUNT_NAME_MAX characters (code points, so no surrogate is split), marked with "…". */
export function clipAccountName(name: string): string {
  return clipText(name, ACCOUNT_NAME_MAX);
}

/** "123456789012 (payments-prod)", or the id alone when the name is not known. */
export function accountLabel(accountId: string, accountName: string | undefined): string {
  return accountName === undefined || accountName === ''
    ? accountId
    : `${accountId} (${clipAccountName(accountName)})`;
}

/** The names the rows carry, for the reports built from them. */
export function namesOfRows(rows: Iterable<{ accountId: string; accountName?: string }>): AccountNames {
  const names = new Map<string, string>();
  for (const { accountId, accountName } of rows)
    if (accountName !== undefined && accountName !== '') names.set(accountId, accountName);
  return names;
}

/** Whether the records carry OUs, so a report gives them a column of their own. */
export function hasOus(records: readonly Pick<ReportRecord, 'ou'>[]): boolean {
  return records.some(({ ou }) => ou !== undefined);
}

export function reportRecords(
  memberships: Iterable<Membership>,
  names: AccountNames = new Map(),
): ReportRecord[] {
  return [...memberships].map(({ accountId, region, service, outcome, reason }) => ({
    accountId,
    accountName: clipAccountName(names.get(accountId) ?? ''),
    region,
    service,
    outcome,
    reason: reason ?? '',
  }));
}

/** How a reader should take an outcome: fine, skipped by rule, waiting, or someone must act. */
export type Attention = 'enabled' | 'settled' | 'pending' | 'attention';

export function attentionOf(outcome: Outcome): Attention {
  if (outcome === 'ENABLED') return 'enabled';
  if (SETTLED_OUTCOMES.has(outcome)) return 'settled';
  if (PENDING_OUTCOMES.has(outcome)) return 'pending';
  return 'attention';
}

/** Distinct values in first-seen order. */
export function firstSeen<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

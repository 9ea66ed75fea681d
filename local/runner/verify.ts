import type { OnboardingReport } from '../../functions/shared/contracts.ts';
import { membershipKey } from '../../functions/shared/domain/keys.ts';
import type { Outcome } from '../../functions/shared/domain/outcomes.ts';
import { expandGroups } from '../../functions/shared/domain/report.ts';
import { DEFAULT_SERVICES, SERVICE_NAMES, type ServiceName } from '../../functions/shared/domain/services.ts';
import type { ReportRow } from '../../functions/shared/report/files.ts';
import { HELD_MEMBERSHIPS, type Inspection, type InvitationRecord } from '../standin/index.ts';

/** One membership, as functions/shared/domain/keys.ts names it. */
export type MembershipKey = string;

/** Every (account, Region, service) a run was asked for. */
export function requestedMemberships(
  accountIds: readonly string[],
  regions: readonly string[],
  services: readonly ServiceName[] = DEFAULT_SERVICES,
): MembershipKey[] {
  return accountIds.flatMap((accountId) =>
    regions.flatMap((region) => services.map((service) => membershipKey(accountId, region, service))),
  );
}

export interface ReportReading {
  /** The outcome the report gives each requested membership: ENABLED when `notEnabled` does not list it. */
  outcomes: Map<MembershipKey, Outcome>;
  /** What breaks "every requested membership exactly once", in words; empty when the report is whole. */
  problems: string[];
}

/**
 * Reads a report against what was requested. The report lists only the memberships that are not
 * ENABLED; its counts must then add up to the requested total, ENABLED being the rest.
 */
export function readReport(report: OnboardingReport, requested: readonly MembershipKey[]): ReportReading {
  const wanted = new Set(requested);
  const problems: string[] = [];
  const outcomes = new Map<MembershipKey, Outcome>();
  for (const { accountId, region, service, outcome } of expandGroups(report.notEnabled)) {
    const key = membershipKey(accountId, region, service);
    if (!wanted.has(key)) problems.push(`${key} is reported but was not requested`);
    else if (outcomes.has(key)) problems.push(`${key} is reported twice`);
    else outcomes.set(key, outcome);
  }
  const enabled = requested.filter((key) => !outcomes.has(key));
  for (const key of enabled) outcomes.set(key, 'ENABLED');
  const counted = Object.values(report.counts).reduce((sum, count) => sum + (count ?? 0), 0);
  if (report.total !== requested.length)
    problems.push(`total is ${report.total}, ${requested.length} were requested`);
  if (counted !== requested.length) problems.push(`counts add up to ${counted}, not ${requested.length}`);
  if ((report.counts.ENABLED ?? 0) !== enabled.length)
    problems.push(`counts say ${report.counts.ENABLED ?? 0} ENABLED, the groups leave ${enabled.length}`);
  return { outcomes, problems };
}

/**
 * Reads the report file against what was requested: every requested membership must be one row,
 * ENABLED ones included, and the rows must add up to the report's counts.
 */
export function readReportRows(
  rows: readonly ReportRow[],
  report: Pick<OnboardingReport, 'counts' | 'total'>,
  requested: readonly MembershipKey[],
): ReportReading {
  const wanted = new Set(requested);
  const problems: string[] = [];
  const outcomes = new Map<MembershipKey, Outcome>();
  const counts: Partial<Record<string, number>> = {};
  for (const { accountId, region, service, outcome } of rows) {
    const key = membershipKey(accountId, region, service);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    if (!wanted.has(key)) problems.push(`${key} is in the report file but was not requested`);
    else if (outcomes.has(key)) problems.push(`${key} is in the report file twice`);
    else outcomes.set(key, outcome);
  }
  for (const key of requested)
    if (!outcomes.has(key)) problems.push(`${key} is missing from the report file`);
  if (report.total !== rows.length)
    problems.push(`total is ${report.total}, the file has ${rows.length} rows`);
  if (JSON.stringify(sorted(counts)) !== JSON.stringify(sorted(report.counts)))
    problems.push(
      `the file counts ${JSON.stringify(sorted(counts))}, the report ${JSON.stringify(sorted(report.counts))}`,
    );
  return { outcomes, problems };
}

const sorted = (counts: Partial<Record<string, number>>) =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));

/** The memberships the stand-in holds as enabled for `administratorId`, in every service of the registry. */
export function enabledInStandIn(inspection: Inspection, administratorId: string): Set<MembershipKey> {
  return new Set(
    SERVICE_NAMES.flatMap((service) =>
      HELD_MEMBERSHIPS[service]
        .enabled(inspection, administratorId)
        .map(([region, accountId]) => membershipKey(accountId, region, service)),
    ),
  );
}

/**
 * Calls that end a membership, as the stand-in counts them ("service:Operation"); with none of them,
 * a member once invited stays invited or enabled.
 */
export const MEMBERSHIP_ENDING_CALLS: readonly string[] = SERVICE_NAMES.flatMap((service) =>
  HELD_MEMBERSHIPS[service].endingOperations.map((operation) => `${service}:${operation}`),
);

/**
 * Invitations an account did not need, from the stand-in's log of every invitation ever sent.
 * Needed means: sent by the administrator, to a requested account it cannot add through the
 * organization, and the first for that account, Region and service. A second one went to an
 * account that was already Invited or Enabled, provided no call ended a membership in between
 * (the caller checks MEMBERSHIP_ENDING_CALLS).
 */
export function unneededInvitations(
  invitations: readonly InvitationRecord[],
  expected: {
    administratorId: string;
    requested: ReadonlySet<string>;
    organizationAccounts: ReadonlySet<string>;
  },
): string[] {
  const seen = new Set<MembershipKey>();
  const problems: string[] = [];
  for (const { service, region, accountId, administratorId, operation, at } of invitations) {
    const key = membershipKey(accountId, region, service);
    const what = `${operation} ${key} at ${at}`;
    if (administratorId !== expected.administratorId) problems.push(`${what}: sent by ${administratorId}`);
    else if (!expected.requested.has(accountId)) problems.push(`${what}: the account was not requested`);
    else if (expected.organizationAccounts.has(accountId))
      problems.push(`${what}: an organization account joins without invitation`);
    else if (seen.has(key)) problems.push(`${what}: already invited`);
    seen.add(key);
  }
  return problems;
}

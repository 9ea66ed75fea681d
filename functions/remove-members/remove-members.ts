import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { ReportFiles } from '#shared/contracts.ts';
import { chunk } from '#shared/domain/chunk.ts';
import {
  type Outcome,
  outcomeOfStatus,
  SERVICE_NOT_OFFERED_REASON,
  SETTLED_OUTCOMES,
} from '#shared/domain/outcomes.ts';
import { isServiceNotOffered } from '#shared/domain/regions.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import { InvalidInputError } from '#shared/errors.ts';
import { type ReportRow, toCsv, toJsonLines } from '#shared/report/files.ts';
import type { ReportStore } from '#shared/report/store.ts';
import type { MembershipRemover } from '#shared/services/administrator.ts';
import type { OrganizationAccount } from '#shared/services/organizations.ts';

/** How an account left the organization (docs/aws-facts.md, Events that announce an account). */
export const DEPARTURE_METHODS = ['LEFT', 'REMOVED', 'CLEANED'] as const;
export type DepartureMethod = (typeof DEPARTURE_METHODS)[number];

/** An offboarding: these accounts lose their memberships in every Region and service named. */
export interface RemovalRequest {
  /** staleMembers: the scheduled removal of closed, suspended and closing accounts (RemoveStaleMembers). */
  trigger: 'AccountDepartedOrganization' | 'manual' | 'staleMembers';
  accountIds: string[];
  regions: string[];
  services: ServiceName[];
  dryRun: boolean;
  /** Set by a departure event: how the account left. */
  departure?: DepartureMethod;
  /** Remove an account the organization still has as ACTIVE (by hand only, with the explicit flag). */
  includeActiveOrganizationAccounts: boolean;
}

/** One membership's end: one (account, Region, service), one outcome. */
export interface RemovalRecord {
  accountId: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  reason?: string;
}

export interface RemovalDeps {
  administratorId: string;
  remover(service: ServiceName, region: string): MembershipRemover;
  /** The account as the organization knows it; undefined when it is not (or no longer) in it. */
  describeAccount(accountId: string): Promise<OrganizationAccount | undefined>;
  /** (Region, service) pairs worked at once; each pair's calls are paced by its own client. */
  concurrency: number;
  /** Where the full removal report goes: the report bucket. */
  store: ReportStore;
  /** The prefix of this execution's objects in it (report/store.ts, executionPrefix). */
  reportPrefix: string;
}

export interface RemovalOutput {
  trigger: RemovalRequest['trigger'];
  dryRun: boolean;
  departure?: DepartureMethod;
  accountIds: string[];
  regions: string[];
  services: ServiceName[];
  /** How many memberships ended in each outcome (a dry run: none). */
  counts: Partial<Record<Outcome, number>>;
  /** true when a membership could not be removed: the execution fails so that someone looks. */
  needsAttention: boolean;
  /** The memberships that need attention, at most ATTENTION_LIMIT of them (the counts have them all). */
  attention: RemovalRecord[];
  /** How many of them `attention` leaves out. */
  attentionOmitted: number;
  /** Memberships reported: accounts × Regions × services (a dry run: none). */
  total: number;
  /** The full removal report, one row per membership (JSON Lines and CSV); absent for a dry run. */
  files?: ReportFiles;
}

/** Bounds the state the output makes, whatever the number of failures (Step Functions' 256 KiB). */
export const ATTENTION_LIMIT = 100;

/**
 * One offboarding runs in one Lambda invocation (900 s), so its size is bounded: at most this many
 * accounts, REMOVAL_PAIR_LIMIT Region × service pairs and REMOVAL_MEMBERSHIP_LIMIT memberships
 * (accounts × pairs). Within them it makes at most 387 calls one after another (removalCallBound),
 * which at even 1 s a call ends in under half the timeout; docs/triggers.md, "How large an
 * offboarding may be", has the arithmetic.
 */
export const REMOVAL_ACCOUNT_LIMIT = 500;
export const REMOVAL_PAIR_LIMIT = 120;
export const REMOVAL_MEMBERSHIP_LIMIT = 25_500;

/**
 * (Region, service) pairs offboarded at once: each pair has its own paced client, so they do not
 * share a rate; a few at a time keep one Lambda's sockets and memory modest.
 */
export const PAIR_CONCURRENCY = 8;

/** Organizations' DescribeAccount calls made at once to refuse ACTIVE accounts. */
const DESCRIBE_CONCURRENCY = 5;

/**
 * The most calls an offboarding of `accounts` × `pairs` makes one after another, with `concurrency`
 * pairs at once: the DescribeAccount rounds, then per pair one locate and, per 50 accounts, at most four
 * (GetMembers, DisassociateMembers, DeleteMembers, GetMembers again for what was kept).
 */
export function removalCallBound(accounts: number, pairs: number, concurrency: number): number {
  const perPair = 1 + 4 * Math.ceil(accounts / 50);
  return Math.ceil(accounts / DESCRIBE_CONCURRENCY) + Math.ceil(pairs / concurrency) * perPair;
}

/** Refuses, before any call, an offboarding larger than one invocation finishes well within its timeout. */
export function refuseOversizedRemoval(accounts: number, regions: number, services: number): void {
  const pairs = regions * services;
  const memberships = accounts * pairs;
  if (
    accounts <= REMOVAL_ACCOUNT_LIMIT &&
    pairs <= REMOVAL_PAIR_LIMIT &&
    memberships <= REMOVAL_MEMBERSHIP_LIMIT
  )
    return;
  throw new InvalidInputError(
    `an offboarding of ${accounts} accounts × ${regions} Regions × ${services} services (${memberships} memberships) is larger than one offboarding does: ` +
      `at most ${REMOVAL_ACCOUNT_LIMIT} accounts, ${REMOVAL_PAIR_LIMIT} Region × service pairs and ${REMOVAL_MEMBERSHIP_LIMIT} memberships, so that it ends well within Lambda's 900 s. ` +
      'Nothing was removed: remove the accounts in parts (several muster remove runs), or name fewer Regions or services',
  );
}

const ADMINISTRATOR_REASON = 'the administrator account is no member of itself: nothing to remove';

function describeError(error: unknown): string {
  const { name, message } = error as Error;
  return `${name}: ${message}`;
}

/**
 * Refuses, before any membership call, to offboard an account the organization still has as ACTIVE,
 * unless the input says so explicitly (docs/aws-facts.md, AWS Organizations, "Departed, closed and
 * suspended accounts"). A departure event for an ACTIVE account contradicts itself: refused as well.
 */
async function refuseActiveAccounts(request: RemovalRequest, deps: RemovalDeps): Promise<void> {
  if (request.includeActiveOrganizationAccounts) return;
  const known = await mapWithConcurrency(request.accountIds, DESCRIBE_CONCURRENCY, (accountId) =>
    deps.describeAccount(accountId),
  );
  const active = request.accountIds.filter((_, index) => known[index]?.state === 'ACTIVE');
  if (active.length === 0) return;
  const why =
    request.trigger === 'AccountDepartedOrganization'
      ? `the event says ${active.join(', ')} left the organization (${request.departure}), but Organizations still has it ACTIVE`
      : `${active.join(', ')} ${active.length === 1 ? 'is an ACTIVE account' : 'are ACTIVE accounts'} of the organization`;
  throw new InvalidInputError(
    `${why}: nothing was removed. To remove an ACTIVE organization account anyway, start the removal by hand with includeActiveOrganizationAccounts (muster remove --include-active-organization-accounts)`,
  );
}

/** Every membership of `accountIds` in one Region and service, removed; one record each. */
async function removeInPair(
  region: string,
  service: ServiceName,
  accountIds: string[],
  remover: MembershipRemover,
): Promise<RemovalRecord[]> {
  const record = (accountId: string, outcome: Outcome, reason?: string): RemovalRecord => ({
    accountId,
    region,
    service,
    outcome,
    ...(reason === undefined ? {} : { reason }),
  });
  let target: Awaited<ReturnType<MembershipRemover['locate']>>;
  try {
    target = await remover.locate(region);
  } catch (error) {
    if (isServiceNotOffered(error))
      return accountIds.map((id) => record(id, 'SERVICE_NOT_OFFERED', SERVICE_NOT_OFFERED_REASON));
    return accountIds.map((id) =>
      record(id, 'FAILED', `finding the ${service} home in ${region}: ${describeError(error)}`),
    );
  }
  if (target === undefined) {
    const why = `the administrator has no ${service} in ${region}, so no memberships there`;
    return accountIds.map((id) => record(id, 'NOT_A_MEMBER_ALREADY', why));
  }
  const records: RemovalRecord[] = [];
  // At most 50 accounts a call (docs/aws-facts.md, Amazon Detective; Amazon GuardDuty).
  for (const ids of chunk(accountIds)) {
    try {
      const { members, unprocessed } = await remover.getMembers(target, ids);
      const memberIds = new Set(members.map(({ accountId }) => accountId));
      const unread = new Map(unprocessed.map(({ accountId, reason }) => [accountId, reason]));
      const toRemove = ids.filter((id) => memberIds.has(id));
      for (const id of ids.filter((id) => !memberIds.has(id))) {
        const text = unread.get(id);
        records.push(
          record(id, 'NOT_A_MEMBER_ALREADY', text === undefined ? undefined : `${service} says: ${text}`),
        );
      }
      if (toRemove.length === 0) continue;
      const removal = await remover.removeMembers(target, toRemove);
      const left = new Map(removal.unprocessed.map(({ accountId, reason }) => [accountId, reason]));
      // A member the service disassociated but would not delete (Security Hub keeps organization
      // accounts, docs/aws-facts.md, Security Hub) no longer belongs to the administrator: read it again
      // rather than guess from the text.
      const kept = toRemove.filter((id) => left.has(id));
      const disassociated = new Set<string>();
      if (kept.length > 0) {
        const { members: again } = await remover.getMembers(target, kept);
        for (const { accountId, status } of again)
          if (outcomeOfStatus(service, status).outcome === 'REMOVED') disassociated.add(accountId);
      }
      for (const id of toRemove) {
        const text = left.get(id) ?? 'no reason given';
        if (!left.has(id)) records.push(record(id, 'REMOVED_FROM_ADMINISTRATOR'));
        else if (disassociated.has(id))
          records.push(
            record(
              id,
              'REMOVED_FROM_ADMINISTRATOR',
              `${service} disassociated it but keeps it in its member list: ${text}`,
            ),
          );
        else records.push(record(id, 'FAILED', `${service} did not remove it: ${text}`));
      }
    } catch (error) {
      // One chunk's failure costs only its own accounts; the rest of the pair goes on.
      const done = new Set(records.map(({ accountId }) => accountId));
      for (const id of ids.filter((id) => !done.has(id)))
        records.push(record(id, 'FAILED', describeError(error)));
    }
  }
  return records;
}

/**
 * Offboards accounts: for every configured Region and service, reads which are members, then
 * removes those (Security Hub and GuardDuty: disassociate, then delete; Detective: delete). Every
 * (account, Region, service) ends in exactly one outcome; a re-run finds NOT_A_MEMBER_ALREADY.
 */
export async function removeMembers(request: RemovalRequest, deps: RemovalDeps): Promise<RemovalOutput> {
  refuseOversizedRemoval(request.accountIds.length, request.regions.length, request.services.length);
  await refuseActiveAccounts(request, deps);
  const base = {
    trigger: request.trigger,
    dryRun: request.dryRun,
    ...(request.departure === undefined ? {} : { departure: request.departure }),
    accountIds: request.accountIds,
    regions: request.regions,
    services: request.services,
  };
  if (request.dryRun)
    return { ...base, counts: {}, needsAttention: false, attention: [], attentionOmitted: 0, total: 0 };

  const members = request.accountIds.filter((id) => id !== deps.administratorId);
  const pairs = request.regions.flatMap((region) => request.services.map((service) => ({ region, service })));
  const perPair = await mapWithConcurrency(pairs, deps.concurrency, ({ region, service }) =>
    members.length === 0
      ? Promise.resolve([])
      : removeInPair(region, service, members, deps.remover(service, region)),
  );
  const records = perPair.flat();
  if (members.length < request.accountIds.length) {
    for (const { region, service } of pairs) {
      records.push({
        accountId: deps.administratorId,
        region,
        service,
        outcome: 'SKIPPED_ADMINISTRATOR',
        reason: ADMINISTRATOR_REASON,
      });
    }
  }
  const counts: Partial<Record<Outcome, number>> = {};
  for (const { outcome } of records) counts[outcome] = (counts[outcome] ?? 0) + 1;
  const attention = records.filter(({ outcome }) => !SETTLED_OUTCOMES.has(outcome));
  const files = await writeReport(records, deps);
  return {
    ...base,
    counts,
    needsAttention: attention.length > 0,
    attention: attention.slice(0, ATTENTION_LIMIT),
    attentionOmitted: Math.max(0, attention.length - ATTENTION_LIMIT),
    total: records.length,
    files,
  };
}

/**
 * Every membership's outcome in the report bucket, in onboarding's report formats (report/files.ts):
 * the state carries only the counts and the first ATTENTION_LIMIT that need attention.
 */
async function writeReport(records: readonly RemovalRecord[], deps: RemovalDeps): Promise<ReportFiles> {
  const rows: ReportRow[] = records.map(({ accountId, region, service, outcome, reason }) => ({
    accountId,
    region,
    service,
    outcome,
    reason: reason ?? '',
  }));
  const jsonl = `${deps.reportPrefix}/report.jsonl`;
  const csv = `${deps.reportPrefix}/report.csv`;
  await Promise.all([
    deps.store.put(jsonl, toJsonLines(rows), 'application/x-ndjson'),
    deps.store.put(csv, toCsv(rows), 'text/csv; charset=utf-8'),
  ]);
  return { bucket: deps.store.bucket, jsonl, csv };
}

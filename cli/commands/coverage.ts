import { resolve } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { DeserializeHandler, DeserializeHandlerArguments, HandlerExecutionContext } from '@smithy/types';
import { perRegion, type RetryingClient } from '../../functions/shared/aws/clients.ts';
import { skipUnreadTimestamps } from '../../functions/shared/aws/unread-timestamps.ts';
import { describeError, type ErrorLike } from '../../functions/shared/domain/classify.ts';
import {
  type ObservedStatus,
  type Outcome,
  outcomeOfStatus,
} from '../../functions/shared/domain/outcomes.ts';
import { type NextAction, nextAction } from '../../functions/shared/domain/reconcile.ts';
import { parseRegions, refuseOtherPartitions } from '../../functions/shared/domain/regions.ts';
import {
  DEFAULT_SERVICES,
  parseServices,
  SERVICE_NAMES,
  SERVICE_RULES,
  type ServiceName,
} from '../../functions/shared/domain/services.ts';
import { type Coverage, coverageOf } from '../../functions/shared/report/formats/coverage.ts';
import {
  accountLabel,
  attentionOf,
  hasOus,
  type ReportRecord,
} from '../../functions/shared/report/formats/records.ts';
import type { MembershipLister } from '../../functions/shared/services/administrator.ts';
import {
  listPlacedAccounts,
  type OrganizationAccount,
  organizationsDirectory,
  organizationsRegion,
} from '../../functions/shared/services/organizations.ts';
import { LISTERS } from '../../functions/shared/services/registry.ts';
import { HEALTHY_SCENARIO } from '../../local/runner/run-workflow.ts';
import { startStandIn } from '../../local/standin/index.ts';
import {
  type AwsOptions,
  administratorAccount,
  awsTarget,
  type ClientTarget,
  clientConfig,
  resolveRegion,
} from '../aws.ts';
import { EXIT, failureOf } from '../exit-codes.ts';
import { type Colours, coloursFor, type Io } from '../io.ts';
import { emitReport, type OutputOptions } from '../report-output.ts';
import { terminalLines, terminalSafe } from '../terminal.ts';
import { type TakeTurn, turns } from '../turns.ts';
import { loadLocalScenario } from './local.ts';

export interface CoverageOptions extends AwsOptions, OutputOptions {
  regions?: string[];
  services?: string[];
  administratorId?: string;
  local?: boolean;
  scenario?: string;
  diff?: boolean;
  /** Walk the OU tree instead of ListAccounts, so every account carries its OU. */
  ous?: boolean;
}

/** Every call coverage makes; none of them changes anything (README, "muster coverage"). */
export const COVERAGE_READ_CALLS = [
  'STS GetCallerIdentity (without --administrator-id)',
  'Organizations ListAccounts (without --ous)',
  'Organizations ListRoots, ListOrganizationalUnitsForParent and ListAccountsForParent (with --ous)',
  // Each service's lister makes the first step's two reads of the home and the members (the registry's planReads).
  ...SERVICE_NAMES.flatMap((name) => {
    const { label, planReads, onByDefault } = SERVICE_RULES[name];
    const when = onByDefault ? '' : ` (with --services ${name})`;
    return [planReads.locate, planReads.memberIds].map((action) => `${label} ${action.split(':')[1]}${when}`);
  }),
];

export interface CoverageInput {
  administratorId: string;
  regions: readonly string[];
  services: readonly ServiceName[];
}

/** An organization account as coverage reads it: with its OU when the tree is walked. */
type ListedAccount = OrganizationAccount & { ou?: string };

export interface CoverageDeps {
  /**
   * Every account of the organization, whatever its state, with its OU when the tree is walked;
   * `onPage`, when given, is told each page's accounts as they arrive (the answer is what counts).
   */
  listAccounts(onPage?: (accounts: readonly ListedAccount[]) => void): Promise<ListedAccount[]>;
  /** The administrator's member list of one service in one Region. */
  lister(service: ServiceName, region: string): MembershipLister;
}

/**
 * What a pair's read found: each member's status as an outcome, by account id, or undefined when the
 * administrator has not enabled the service.
 */
type PairRead = { observed: Map<string, ObservedStatus> | undefined } | { error: unknown };

/**
 * Locates the service in the pair's Region, lists its members and classifies their statuses as the
 * last page arrives, while the organization is still listed; never rejects, so it may run ahead.
 */
async function readPair(lister: MembershipLister, service: ServiceName, region: string): Promise<PairRead> {
  try {
    const target = await lister.locate(region);
    if (target === undefined) return { observed: undefined };
    const members = await lister.listMembers(target);
    return {
      observed: new Map(
        members.map(({ accountId, status, disabledReason }) => [
          accountId,
          outcomeOfStatus(service, status, disabledReason),
        ]),
      ),
    };
  } catch (error) {
    return { error };
  }
}

/** Why an organization account is NOT_A_MEMBER: the administrator's member list does not have it. */
export const NOT_LISTED_REASON = "not in the administrator's member list, in any status";

/**
 * What an onboarding would do to one membership of an organization account (coverage lists no
 * other), in the words of --diff. Coverage does not read whether the administrator is the service's
 * delegated administrator in the Region (its plan does): it takes it to be, so a membership in an
 * outcome the service's rule creates again (Security Hub's and GuardDuty's Removed) reads `create`,
 * as README's coverage section says.
 */
export function diffWord(outcome: Outcome, service: ServiceName): string {
  return DIFF_WORDS[nextAction(outcome, { service, organization: true })];
}

/** Each next action in the words of --diff. */
const DIFF_WORDS: Record<NextAction, string> = {
  create: 'create',
  invite: 'invite',
  'await-member': 'accept',
  wait: 'wait',
  done: 'nothing',
  report: 'report',
};

export interface CoverageResult {
  readAt: string;
  administratorId: string;
  regions: string[];
  services: ServiceName[];
  accounts: number;
  records: ReportRecord[];
  coverage: Coverage;
  /** The pairs whose members could not be read (their memberships are FAILED), with the error. */
  unread: { region: string; service: ServiceName; error: unknown }[];
  /** Read calls made, per `service:Operation`. */
  calls: Record<string, number>;
}

/**
 * The memberships of every ACTIVE organization account (the administrator's own is skipped by
 * rule) in every Region and service. Each pair's members are listed (ListMembers, page after page)
 * while the organization is listed, as they need none of its ids, and taking turns (coverageDeps)
 * so that the listing's pages are not held behind theirs: the wall time is about the listing's, not
 * the sum of the two (docs/benchmark.md, "muster coverage"). Members outside the organization are
 * not reported: coverage is of the organization's accounts.
 */
export async function readCoverage(
  input: CoverageInput,
  deps: CoverageDeps,
): Promise<Omit<CoverageResult, 'readAt' | 'calls'>> {
  const pairs = input.services.flatMap((service) => input.regions.map((region) => ({ service, region })));
  const build = recordBuilder(input.administratorId, pairs);
  // The listing first: its chain of pages is the longest, so nothing should delay its first call.
  // Each page's records are made as it arrives, for the pairs already read, so little is left to do
  // after the last page (docs/benchmark.md, "muster coverage").
  const listing = deps.listAccounts(build.page);
  const reads = pairs.map(async ({ service, region }, index) =>
    build.read(index, await readPair(deps.lister(service, region), service, region)),
  );
  const accounts = await listing;
  await Promise.all(reads);
  const { records, unread, active } = await build.finish(accounts);
  return {
    administratorId: input.administratorId,
    regions: [...input.regions],
    services: [...input.services],
    accounts: active,
    records,
    coverage: withoutPercent(coverageOf(records), unread),
    unread,
  };
}

/**
 * Coverage's records, made as the organization's pages and the pairs' reads arrive: per pair, the
 * administrator's own (skipped by rule) and then each ACTIVE account in the order listed. What the
 * pages told it is checked against the listing's answer at the end, and the records are made again
 * from the answer if they differ (a listing asked again after a failure, or one that told no page).
 */
function recordBuilder(administratorId: string, pairs: readonly { service: ServiceName; region: string }[]) {
  let members: string[] = [];
  let administratorListed = false;
  let active = 0;
  const names = new Map<string, string>();
  const ous = new Map<string, string>();
  const reads: (PairRead | undefined)[] = pairs.map(() => undefined);
  const made: ReportRecord[][] = pairs.map(() => []);
  // Two literal shapes rather than a spread per record: 34,000 of them for 1,000 accounts.
  const record = (
    accountId: string,
    region: string,
    service: ServiceName,
    outcome: Outcome,
    reason: string,
  ): ReportRecord => {
    const accountName = names.get(accountId) ?? '';
    const ou = ous.get(accountId);
    return ou === undefined
      ? { accountId, accountName, region, service, outcome, reason }
      : { accountId, accountName, ou, region, service, outcome, reason };
  };
  /** The pair's records for the members listed since it last caught up. */
  const catchUp = (index: number) => {
    const read = reads[index];
    const pair = pairs[index];
    const out = made[index];
    if (read === undefined || pair === undefined || out === undefined) return;
    const { service, region } = pair;
    for (let n = out.length; n < members.length; n += 1) {
      const id = members[n] ?? '';
      if ('error' in read) {
        const error = read.error as Error;
        out.push(
          record(
            id,
            region,
            service,
            'FAILED',
            `could not read ${service} in ${region}: ${error.name}: ${error.message}`,
          ),
        );
      } else if (read.observed === undefined) {
        out.push(
          record(
            id,
            region,
            service,
            'SERVICE_NOT_ENABLED',
            `the administrator has not enabled ${service} in ${region}`,
          ),
        );
      } else {
        const status = read.observed.get(id) ?? {
          outcome: 'NOT_A_MEMBER' as const,
          reason: NOT_LISTED_REASON,
        };
        out.push(record(id, region, service, status.outcome, status.reason ?? ''));
      }
    }
  };
  const take = (accounts: readonly ListedAccount[]) => {
    for (const { accountId, name, ou, state } of accounts) {
      if (state !== 'ACTIVE') continue;
      active += 1;
      if (name !== undefined) names.set(accountId, name);
      if (ou !== undefined) ous.set(accountId, ou);
      if (accountId === administratorId) administratorListed = true;
      else members.push(accountId);
    }
  };
  // Pages are taken in turns of the event loop of their own, after the next page's request has left:
  // the listing, the longest chain, never waits for these records.
  let taken = Promise.resolve();
  return {
    page(accounts: readonly ListedAccount[]) {
      taken = taken.then(
        () =>
          new Promise<void>((done) =>
            setImmediate(() => {
              take(accounts);
              for (const index of pairs.keys()) catchUp(index);
              done();
            }),
          ),
      );
    },
    read(index: number, read: PairRead) {
      reads[index] = read;
      catchUp(index);
    },
    async finish(accounts: readonly ListedAccount[]) {
      await taken;
      const told = members;
      members = [];
      active = 0;
      administratorListed = false;
      take(accounts);
      const same = told.length === members.length && told.every((id, n) => id === members[n]);
      if (!same) for (const out of made) out.length = 0;
      for (const [index, { service, region }] of pairs.entries()) {
        reads[index] ??= { error: new Error(`no read of ${service} in ${region}`) };
        catchUp(index);
      }
      const records: ReportRecord[] = [];
      const unread: CoverageResult['unread'] = [];
      for (const [index, { service, region }] of pairs.entries()) {
        if (administratorListed)
          records.push(
            record(
              administratorId,
              region,
              service,
              'SKIPPED_ADMINISTRATOR',
              'the administrator account itself',
            ),
          );
        for (const member of made[index] ?? []) records.push(member);
        const read = reads[index];
        if (read !== undefined && 'error' in read) unread.push({ region, service, error: read.error });
      }
      return { records, unread, active };
    },
  };
}

/** Coverage with no percent for the pairs that could not be read: nothing is known of them. */
function withoutPercent(coverage: Coverage, unread: CoverageResult['unread']): Coverage {
  const isUnread = (pair: { region: string; service: ServiceName }) =>
    unread.some(({ region, service }) => region === pair.region && service === pair.service);
  return {
    ...coverage,
    pairs: coverage.pairs.map((pair) => {
      if (!isUnread(pair)) return pair;
      const { percent: _, ...rest } = pair;
      return rest;
    }),
  };
}

/**
 * A client as coverage reads with it: counting every call it sends, by `service:Operation` as the
 * stand-in's call log names them, and without the SDK's logger middleware. With `turn`, each answer
 * is parsed (and the next page asked for) in a turn of the event loop of its own (cli/turns.ts):
 * then the members' many answers never hold the organization's next page back by more than one
 * parse, and the listing, the longest chain, keeps its pace (docs/benchmark.md, "muster coverage").
 */
export function readingClient<C extends RetryingClient>(
  client: C,
  service: string,
  calls: Record<string, number>,
  turn?: TakeTurn,
): C {
  // In the deserialize step, inside the SDK's retries: every request sent is counted, each retry of
  // a 500 or a throttled call included, as the service (and the stand-in's call log) receives them.
  const counter =
    <I extends object, O extends object>(next: DeserializeHandler<I, O>, context: HandlerExecutionContext) =>
    (args: DeserializeHandlerArguments<I>) => {
      const key = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
      calls[key] = (calls[key] ?? 0) + 1;
      return next(args);
    };
  // The SDK's logger middleware filters every answer for a log line its no-op logger drops: about a
  // tenth of coverage's CPU over 1,000 accounts × 17 Regions (docs/benchmark.md, "muster coverage").
  client.middlewareStack.remove('loggerMiddleware');
  // Coverage reads no timestamp of a member or an account: the SDK need not turn each into a Date.
  skipUnreadTimestamps(client);
  const stack = client.middlewareStack as { add: (middleware: unknown, options: object) => void };
  stack.add(counter, { step: 'deserialize', priority: 'high', name: 'musterCountCalls' });
  if (turn !== undefined) {
    // Every v3 client's resolved config has the reader of its HTTP bodies; RetryingClient does not name it.
    const { streamCollector: collect } = client.config as unknown as {
      streamCollector: (body: unknown) => Promise<Uint8Array>;
    };
    // Inside the deserializer (lowest priority of its step): the body is read as it arrives, and
    // parsed once the turn comes.
    const inTurn =
      <I extends object, O extends object>(next: DeserializeHandler<I, O>) =>
      async (args: DeserializeHandlerArguments<I>) => {
        const answer = await next(args);
        const response = answer.response as { body?: unknown };
        if (response.body !== undefined && !(response.body instanceof Uint8Array))
          response.body = await collect(response.body);
        await turn();
        return answer;
      };
    stack.add(inTurn, { step: 'deserialize', priority: 'low', name: 'musterParseInTurn' });
  }
  return client;
}

/** The CLI's client settings, the middleware stack resolved once per command rather than on every call. */
const readingConfig = (target: ClientTarget, region: string) => ({
  ...clientConfig(target, region),
  cacheMiddleware: true,
});

export function coverageDeps(
  target: ClientTarget,
  home: string,
  calls: Record<string, number>,
  ous = false,
): CoverageDeps {
  // Every member list takes turns; the organization's listing does not wait for one.
  const turn = turns();
  // Each service's lister from the registry, on a counting client per service and Region.
  const listers = new Map(
    SERVICE_NAMES.map((service) => [
      service,
      perRegion((region) =>
        LISTERS[service]((Client) =>
          readingClient(new Client(readingConfig(target, region)), service, calls, turn),
        ),
      ),
    ]),
  );
  const organizationsClient = readingClient(
    new OrganizationsClient(readingConfig(target, organizationsRegion(home))),
    'organizations',
    calls,
  );
  const organizations = organizationsDirectory(organizationsClient);
  return {
    listAccounts: (onPage) =>
      ous ? listPlacedAccounts(organizationsClient, onPage) : organizations.listAccounts(onPage),
    lister: (service, region) => {
      const lister = listers.get(service);
      if (lister === undefined) throw new Error(`no coverage lister for ${service}`);
      return lister(region);
    },
  };
}

const percentText = (percent: number | undefined) =>
  percent === undefined ? '   –  ' : `${percent.toFixed(1).padStart(5)}%`;

/** Lists longer than this are cut short in the table; the file formats have every row. */
const MAX_LISTED = 50;

function coverageTable(result: CoverageResult, diff: boolean, c: Colours): string {
  const shown = terminalSafe(result);
  const ous = hasOus(shown.records);
  const lines = [
    c.bold(`Coverage read at ${shown.readAt}`),
    `  Administrator  ${shown.administratorId}`,
    `  Accounts       ${shown.accounts} ACTIVE in the organization`,
    `  Memberships    ${shown.records.length} (${shown.services.length} services × ${shown.regions.length} Regions)`,
    '',
    c.bold('Coverage (enabled ÷ memberships not skipped by rule)'),
  ];
  for (const service of shown.services) {
    const pairs = shown.coverage.pairs.filter((pair) => pair.service === service);
    lines.push(`  ${service}`);
    for (const { region, enabled, expected, percent } of pairs) {
      const read = !shown.unread.some((pair) => pair.region === region && pair.service === service);
      lines.push(
        `    ${region.padEnd(16)} ${read ? `${percentText(percent)}  ${enabled}/${expected}` : c.red('not read')}`,
      );
    }
  }
  const notCovered = shown.records.filter(({ outcome }) => {
    const attention = attentionOf(outcome);
    return attention === 'pending' || attention === 'attention';
  });
  lines.push('', c.bold(`Not covered (${notCovered.length})`));
  for (const row of notCovered.slice(0, MAX_LISTED)) {
    lines.push(
      `  ${accountLabel(row.accountId, row.accountName)}${row.ou === undefined ? '' : `  ${c.dim(row.ou)}`}  ${row.service} ${row.region}  ${c.red(row.outcome)}${row.reason === '' ? '' : `  ${c.dim(row.reason)}`}`,
    );
  }
  if (notCovered.length > MAX_LISTED)
    lines.push(
      c.dim(`  … and ${notCovered.length - MAX_LISTED} more (--output csv|json|html lists every membership)`),
    );
  if (diff) {
    const actions = new Map<string, number>();
    for (const { outcome, service } of shown.records) {
      const key = `${service} ${diffWord(outcome, service)}`;
      actions.set(key, (actions.get(key) ?? 0) + 1);
    }
    lines.push('', c.bold('What an onboarding of these accounts would change'));
    for (const service of shown.services) {
      const counts = Object.values(DIFF_WORDS)
        .filter((word, index, all) => all.indexOf(word) === index)
        .map((word) => [word, actions.get(`${service} ${word}`) ?? 0] as const)
        .filter(([, count]) => count > 0)
        .map(([word, count]) => `${word} ${count}`);
      lines.push(`  ${service.padEnd(12)} ${counts.join(', ')}`);
    }
  }
  const calls = Object.entries(shown.calls).sort(([a], [b]) => a.localeCompare(b));
  lines.push(
    '',
    c.dim(
      `Read calls only: ${calls.map(([operation, count]) => `${operation} ${count}`).join(', ')}.${ous ? '' : ' Organizational units are read with --ous (README, "Organizational units").'}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function coverageJson(result: CoverageResult, diff: boolean) {
  return {
    readAt: result.readAt,
    administratorId: result.administratorId,
    regions: result.regions,
    services: result.services,
    accounts: result.accounts,
    coverage: result.coverage.pairs.map(({ percent, ...pair }) => ({ ...pair, percent: percent ?? null })),
    counts: result.coverage.outcomes,
    memberships: result.records.map((row) =>
      diff ? { ...row, change: diffWord(row.outcome, row.service) } : row,
    ),
    unread: result.unread.map(({ region, service, error }) => ({
      region,
      service,
      error: describeError(error as ErrorLike),
    })),
    calls: result.calls,
  };
}

/**
 * `muster coverage`: reads every membership the administrator has for the ACTIVE organization
 * accounts, and prints coverage per service and Region and what is not covered. Changes nothing.
 * Exit code 0 when everything expected is ENABLED, 1 when something is not.
 */
export async function coverageCommand(options: CoverageOptions, io: Io): Promise<number> {
  const services = parseServices(options.services ?? [...DEFAULT_SERVICES], '--services');
  const calls: Record<string, number> = {};
  let read: Omit<CoverageResult, 'readAt' | 'calls'>;
  if (options.local === true) {
    const scenario = await loadLocalScenario(resolve(io.cwd, options.scenario ?? HEALTHY_SCENARIO));
    const regions = parseRegions(options.regions ?? scenario.regions, '--regions');
    const standIn = await startStandIn({ scenario, timeScale: 0.01 });
    try {
      const target = {
        endpoint: standIn.endpoint,
        credentials: {
          accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: standIn.env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      };
      read = await readCoverage(
        { administratorId: scenario.administratorAccountId, regions, services },
        coverageDeps(target, regions[0] ?? 'us-east-1', calls, options.ous === true),
      );
    } finally {
      await standIn.stop();
    }
  } else {
    const home = await resolveRegion(options);
    const regions = parseRegions(options.regions ?? [home], '--regions');
    // The credentials reach only their own partition: another's Region would fail every call there.
    refuseOtherPartitions(regions, home, '--regions');
    const target = awsTarget(options);
    const administratorId = await administratorAccount(options.administratorId, target, home);
    read = await readCoverage(
      { administratorId, regions, services },
      coverageDeps(target, home, calls, options.ous === true),
    );
  }
  const result: CoverageResult = { ...read, readAt: io.now().toISOString(), calls };
  const diff = options.diff === true;
  await emitReport(io, options, {
    table: () => coverageTable(result, diff, coloursFor(io.stdout, io.env)),
    json: () => coverageJson(result, diff),
    document: () => ({
      title: `muster coverage of ${result.administratorId}`,
      generatedAt: result.readAt,
      records: result.records,
    }),
  });
  if (result.unread.length > 0) {
    // Nothing is known of a pair that could not be read: the error's code (2 permissions, 4 network
    // or AWS failing), not 1, which says the memberships need attention.
    const c = coloursFor(io.stderr, io.env);
    for (const { region, service, error } of result.unread)
      io.stderr.write(
        `${c.red('muster:')} could not read ${service} in ${region}: ${terminalLines(failureOf(error).message)}\n`,
      );
    return Math.max(...result.unread.map(({ error }) => failureOf(error).code));
  }
  const uncovered = result.records.some(
    ({ outcome }) => !['enabled', 'settled'].includes(attentionOf(outcome)),
  );
  return uncovered ? EXIT.needsAttention : EXIT.ok;
}

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type ClientTarget, clientConfig } from '../cli/aws.ts';
import { coverageDeps, readCoverage } from '../cli/commands/coverage.ts';
import type { Account } from '../functions/shared/domain/accounts.ts';
import { chunk } from '../functions/shared/domain/chunk.ts';
import { reportHtml } from '../functions/shared/report/formats/html.ts';
import {
  detectiveCreator,
  detectiveGraphLocator,
} from '../functions/shared/services/detective/administrator.ts';
import { TREE_PARENTS_AT_ONCE } from '../functions/shared/services/organizations.ts';
import { securityHubCreator } from '../functions/shared/services/securityhub/administrator.ts';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';
import { BATCH, PAGE, THROTTLE } from './lower-bound.ts';
import { BENCH_REGIONS } from './regions.ts';

const ADMINISTRATOR = '111111111111';

/** Members per ListMembers page: Security Hub's 50, Detective's 200 (docs/aws-facts.md). */
export const LIST_PAGE = { securityhub: 50, detective: 200 } as const;

/**
 * Seconds a chain of `calls` calls takes when each waits for the last one's answer (a NextToken):
 * one latency each, and, where the pair's token bucket paces it, no faster than its rate past the burst.
 */
function chainSeconds(calls: number, latencySeconds: number, paced: boolean): number {
  if (!paced || calls <= THROTTLE.burst) return calls * latencySeconds;
  const afterBurst = calls - THROTTLE.burst;
  return THROTTLE.burst * latencySeconds + afterBurst * Math.max(latencySeconds, 1 / THROTTLE.ratePerSecond);
}

/**
 * The floor under `muster coverage`'s wall time: the longest of the read chains that run side by
 * side. The organization's ListAccounts pages go one after another (each needs the last one's token);
 * so do each Region and service's locate call (DescribeHub, ListGraphs) and its ListMembers pages,
 * paced by that pair's bucket. No chain needs another's answer, so they overlap.
 */
export function coverageLowerBoundSeconds(
  accounts: number,
  members: number,
  latencySeconds: number,
  units = 0,
): number {
  const listing = listingLowerBoundSeconds(accounts, latencySeconds, units);
  const pairs = Object.values(LIST_PAGE).map((page) =>
    chainSeconds(1 + Math.max(1, Math.ceil(members / page)), latencySeconds, true),
  );
  return Math.max(listing, ...pairs);
}

/** The organization's own chain: ListAccounts' pages one after another, or with `units` OUs the tree walk's. */
export function listingLowerBoundSeconds(accounts: number, latencySeconds: number, units = 0): number {
  return units === 0
    ? chainSeconds(Math.ceil((accounts + 1) / PAGE), latencySeconds, false)
    : treeWalkSeconds(accounts, units, latencySeconds);
}

/**
 * The longest chain of `muster coverage --ous` over the bench's tree: `units` OUs under the root,
 * the accounts spread evenly over them, the administrator under the root. ListRoots; then the root's
 * child OUs and own accounts side by side; then the OUs, TREE_PARENTS_AT_ONCE at a time, each its
 * (empty) child-OU page beside its account pages.
 */
export function treeWalkSeconds(accounts: number, units: number, latencySeconds: number): number {
  const rootPages = Math.max(Math.ceil(units / PAGE), 1);
  const unitPages = Math.max(Math.ceil(Math.ceil(accounts / units) / PAGE), 1);
  return (1 + rootPages + Math.ceil(units / TREE_PARENTS_AT_ONCE) * unitPages) * latencySeconds;
}

/** Makes every account a member in every pair before the read is timed: coverage of an onboarded organization. */
async function onboardEveryone(target: ClientTarget, regions: readonly string[], accounts: Account[]) {
  const options = { disableEmailNotification: true };
  await Promise.all(
    regions.flatMap((region) => [
      (async () => {
        const client = new SecurityHubClient(clientConfig(target, region));
        for (const part of chunk(accounts, BATCH))
          await securityHubCreator(client).createMembers({ region }, part, options);
      })(),
      (async () => {
        const client = new DetectiveClient(clientConfig(target, region));
        const graph = await detectiveGraphLocator(client).locate(region);
        if (graph === undefined) throw new Error(`the bench scenario has no behavior graph in ${region}`);
        for (const part of chunk(accounts, BATCH))
          await detectiveCreator(client).createMembers(graph, part, options);
      })(),
    ]),
  );
  // Every pair's bucket full again, as an administrator's is after a quiet moment.
  await new Promise((resolve) => setTimeout(resolve, (THROTTLE.burst / THROTTLE.ratePerSecond) * 1000 + 100));
}

/**
 * `npm run bench -- --coverage`: coverage of an organization onboarded at 1,000 accounts × 17 Regions
 * × 2 services, and its HTML.
 */
export async function benchCoverage(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      coverage: { type: 'boolean' },
      accounts: { type: 'string', default: '1000' },
      regions: { type: 'string', default: String(BENCH_REGIONS.length) },
      'latency-ms': { type: 'string', default: '20' },
      ous: { type: 'string', default: '0' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const accounts = Number(values.accounts);
  const regions = BENCH_REGIONS.slice(0, Number(values.regions));
  const latencySeconds = Number(values['latency-ms']) / 1000;
  // With --ous N the accounts sit in N OUs under the root, and coverage walks the tree for them.
  const units = Number(values.ous);
  const perUnit = Math.ceil(accounts / Math.max(units, 1));
  const scenario: ScenarioInput = {
    name: 'bench-coverage',
    administratorAccountId: ADMINISTRATOR,
    regions,
    delegatedAdministrator: true,
    services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
    accounts: Array.from({ length: accounts }, (_, n) => {
      const accountId = String(100000000000 + n);
      return {
        accountId,
        email: `aws+${accountId}@example.com`,
        joinedMethod: 'CREATED' as const,
        name: `account-${n}`,
        ...(units === 0 ? {} : { ou: `workload-${String(Math.floor(n / perUnit) + 1).padStart(2, '0')}` }),
      };
    }),
    faults: { throttle: true, latencyMs: latencySeconds * 1000 },
  };
  const standIn = await startStandInProcess({ scenario, timeScale: 1 });
  try {
    const target = {
      endpoint: `http://127.0.0.1:${standIn.port}`,
      credentials: {
        accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: standIn.env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    };
    const members = (scenario.accounts ?? []).map(({ accountId, email }) => ({ accountId, email }));
    await onboardEveryone(target, regions, members);
    // The listing alone, on the same stand-in at the same latency: what this machine's pages take
    // with nothing beside them. Where the listing is the longest chain (without --ous), that is the
    // floor under coverage on this machine, whatever the bound says.
    const alone = performance.now();
    await coverageDeps(target, regions[0] ?? 'us-east-1', {}, units > 0).listAccounts();
    const listingAloneSeconds = (performance.now() - alone) / 1000;
    const before = await standIn.inspect();
    const calls: Record<string, number> = {};
    const deps = coverageDeps(target, regions[0] ?? 'us-east-1', calls, units > 0);
    // When each chain ended, to show which one the wall time waited for.
    const ended = { listing: 0, members: 0 };
    // The longest stretch the event loop ran one thing without reading its sockets (1 ms resolution).
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const readCpu = process.cpuUsage();
    const started = performance.now();
    const result = await readCoverage(
      { administratorId: ADMINISTRATOR, regions, services: ['securityhub', 'detective'] },
      {
        listAccounts: async (onPage) => {
          const listed = await deps.listAccounts(onPage);
          ended.listing = performance.now();
          return listed;
        },
        lister: (service, region) => {
          const lister = deps.lister(service, region);
          return {
            ...lister,
            listMembers: async (target) => {
              const listed = await lister.listMembers(target);
              ended.members = Math.max(ended.members, performance.now());
              return listed;
            },
          };
        },
      },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const readCpuUsed = process.cpuUsage(readCpu);
    loop.disable();
    const since = (at: number) => Number(((at - started) / 1000).toFixed(3));
    const cpuBefore = process.cpuUsage();
    const html = reportHtml({
      title: 'bench coverage',
      generatedAt: new Date().toISOString(),
      records: result.records,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const htmlCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const lowerBound = coverageLowerBoundSeconds(accounts, members.length, latencySeconds, units);
    const listingBound = listingLowerBoundSeconds(accounts, latencySeconds, units);
    const inspection = await standIn.inspect();
    const figures = {
      accounts,
      ous: units,
      regions: regions.length,
      services: 2,
      memberships: result.records.length,
      wallSeconds: Number(wallSeconds.toFixed(3)),
      lowerBoundSeconds: Number(lowerBound.toFixed(3)),
      ratio: Number((wallSeconds / lowerBound).toFixed(3)),
      listingBoundSeconds: Number(listingBound.toFixed(3)),
      listingAloneSeconds: Number(listingAloneSeconds.toFixed(3)),
      ratioToListingAlone: Number((wallSeconds / listingAloneSeconds).toFixed(3)),
      // The CLI's own CPU while reading (the stand-in's is another process's): a figure load does not inflate.
      readCpuSeconds: Number(((readCpuUsed.user + readCpuUsed.system) / 1e6).toFixed(3)),
      organizationListedSeconds: since(ended.listing),
      membersListedSeconds: since(ended.members),
      eventLoopHeldMaxMs: Number((loop.max / 1e6).toFixed(1)),
      calls,
      standInCalls: Object.fromEntries(
        Object.entries(inspection.calls.byOperation)
          .map(
            ([operation, count]) => [operation, count - (before.calls.byOperation[operation] ?? 0)] as const,
          )
          .filter(([, count]) => count > 0),
      ),
      throttles: inspection.throttles.total - before.throttles.total,
      outcomes: result.coverage.outcomes,
      htmlBytes: Buffer.byteLength(html),
      htmlCpuSeconds: Number(htmlCpuSeconds.toFixed(3)),
    };
    process.stdout.write(
      values.json === true
        ? `${JSON.stringify(figures, null, 2)}\n`
        : `${[
            `coverage: ${figures.memberships} memberships (${accounts} accounts${units === 0 ? '' : ` in ${units} OUs, --ous`} × ${regions.length} Regions × 2 services, every account a member)`,
            `  wall ${figures.wallSeconds} s, lower bound ${figures.lowerBoundSeconds} s, ratio ${figures.ratio} (target ≤ 1.1)`,
            `  the organization listed alone first: ${figures.listingAloneSeconds} s against its own chain's bound of ${figures.listingBoundSeconds} s${listingBound >= lowerBound ? ", the longest chain: this machine's floor for coverage" : ''}; coverage took ${figures.ratioToListingAlone} × that`,
            `  organization listed at ${figures.organizationListedSeconds} s, every member list at ${figures.membersListedSeconds} s; ${figures.readCpuSeconds} s of CPU reading; event loop held at most ${figures.eventLoopHeldMaxMs} ms at a time`,
            `  calls ${Object.entries(calls)
              .map(([operation, count]) => `${operation} ${count}`)
              .join(', ')}; throttled ${figures.throttles}`,
            `  HTML ${(figures.htmlBytes / 1024 / 1024).toFixed(2)} MiB in ${figures.htmlCpuSeconds} s of CPU (target < 2)`,
          ].join('\n')}\n`,
    );
  } finally {
    await standIn.stop();
  }
}

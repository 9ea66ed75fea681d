import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { coverageDeps, readCoverage } from '../cli/commands/coverage.ts';
import { chunk } from '../functions/shared/domain/chunk.ts';
import { reportHtml } from '../functions/shared/report/formats/html.ts';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';
import { BATCH, PAGE, THROTTLE } from './lower-bound.ts';
import { BENCH_REGIONS } from './regions.ts';

const ADMINISTRATOR = '111111111111';

/**
 * The floor under `muster coverage`'s wall time: the organization's pages one after another (each
 * needs the last one's token), then one round of GetMembers per Region and service (ceil(N/50)
 * calls, all at once within the burst of 30, else 10 a second after it). Locating each service
 * overlaps the listing.
 */
export function coverageLowerBoundSeconds(accounts: number, latencySeconds: number): number {
  const pages = Math.ceil((accounts + 1) / PAGE);
  const reads = Math.ceil(accounts / BATCH);
  const throttled = Math.max(0, reads - THROTTLE.burst) / THROTTLE.ratePerSecond;
  return pages * latencySeconds + latencySeconds + throttled;
}

/** `npm run bench -- --coverage`: coverage at 1,000 accounts × 17 Regions × 2 services, and its HTML. */
export async function benchCoverage(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      coverage: { type: 'boolean' },
      accounts: { type: 'string', default: '1000' },
      regions: { type: 'string', default: String(BENCH_REGIONS.length) },
      'latency-ms': { type: 'string', default: '20' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const accounts = Number(values.accounts);
  const regions = BENCH_REGIONS.slice(0, Number(values.regions));
  const latencySeconds = Number(values['latency-ms']) / 1000;
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
    const calls: Record<string, number> = {};
    const started = performance.now();
    const result = await readCoverage(
      { administratorId: ADMINISTRATOR, regions, services: ['securityhub', 'detective'] },
      coverageDeps(target, regions[0] ?? 'us-east-1', calls),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const cpuBefore = process.cpuUsage();
    const html = reportHtml({
      title: 'bench coverage',
      generatedAt: new Date().toISOString(),
      records: result.records,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const htmlCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const lowerBound = coverageLowerBoundSeconds(accounts, latencySeconds);
    const inspection = await standIn.inspect();
    const figures = {
      accounts,
      regions: regions.length,
      services: 2,
      memberships: result.records.length,
      wallSeconds: Number(wallSeconds.toFixed(3)),
      lowerBoundSeconds: Number(lowerBound.toFixed(3)),
      ratio: Number((wallSeconds / lowerBound).toFixed(3)),
      calls,
      standInCalls: inspection.calls.byOperation,
      throttles: inspection.throttles.total,
      getMembersPerPair: chunk(Array.from({ length: accounts })).length,
      htmlBytes: Buffer.byteLength(html),
      htmlCpuSeconds: Number(htmlCpuSeconds.toFixed(3)),
    };
    process.stdout.write(
      values.json === true
        ? `${JSON.stringify(figures, null, 2)}\n`
        : `${[
            `coverage: ${figures.memberships} memberships (${accounts} accounts × ${regions.length} Regions × 2 services)`,
            `  wall ${figures.wallSeconds} s, lower bound ${figures.lowerBoundSeconds} s, ratio ${figures.ratio} (target ≤ 1.1)`,
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

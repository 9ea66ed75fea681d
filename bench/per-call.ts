import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { type ClientSettings, regionalClient } from '../functions/shared/aws/clients.ts';
import type { Account } from '../functions/shared/domain/accounts.ts';
import { chunk } from '../functions/shared/domain/chunk.ts';
import {
  detectiveCreator,
  detectiveGraphLocator,
  detectiveReader,
} from '../functions/shared/services/detective/administrator.ts';
import { organizationsDirectory } from '../functions/shared/services/organizations.ts';
import {
  securityHubCreator,
  securityHubReader,
} from '../functions/shared/services/securityhub/administrator.ts';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';
import { BATCH } from './lower-bound.ts';
import { BENCH_REGIONS } from './regions.ts';

const ADMINISTRATOR = '111111111111';
/** Accounts each round creates, as members new to the administrator, as a first onboarding does. */
const ACCOUNTS = 1000;
/** Calls a client has in flight at once: a Create Members invocation sends its 20 batches together. */
const AT_ONCE = 20;
/** Well above the calls each client makes here, so pacing never waits: only its CPU is counted. */
const SETTINGS: ClientSettings = { maxAttempts: 5, callsPerSecond: 100 };

export interface PerCall {
  call: string;
  /** Calls per round. */
  calls: number;
  /** The median round's client CPU (user + system) per call. */
  cpuMs: number;
}

/**
 * The median over `rounds` of the client CPU per call of `run`, which makes `calls` calls, after one
 * round not counted (round 0): a warm container's calls, with the code compiled.
 */
async function cpuPerCall(
  rounds: number,
  calls: number,
  run: (round: number) => Promise<unknown>,
): Promise<number> {
  await run(0);
  const perCall: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const before = process.cpuUsage();
    await run(round);
    const { user, system } = process.cpuUsage(before);
    perCall.push((user + system) / 1000 / calls);
  }
  return perCall.sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? 0;
}

/** `each` for every item, AT_ONCE at a time. */
async function inBursts<T>(items: T[], each: (item: T) => Promise<unknown>): Promise<void> {
  for (const part of chunk(items, AT_ONCE)) await Promise.all(part.map(each));
}

/**
 * The client CPU of one call of each kind the default bench makes most, through regionalClient (the
 * Lambdas' clients) against the stand-in in a process of its own, so only muster's side is counted:
 * CreateMembers of 50 new accounts and GetMembers of 50 members in every Region (both services,
 * AT_ONCE in flight per client, as Create Members sends them; each round its own ACCOUNTS), and the
 * organization's ListAccounts pages of 20, one after another.
 */
export async function measurePerCall(latencyMs: number, rounds: number): Promise<PerCall[]> {
  const regions = BENCH_REGIONS;
  const accounts: Account[] = Array.from({ length: ACCOUNTS * (rounds + 1) }, (_, n) => {
    const accountId = String(100000000000 + n);
    return { accountId, email: `aws+${accountId}@example.com` };
  });
  const scenario: ScenarioInput = {
    name: 'bench-per-call',
    administratorAccountId: ADMINISTRATOR,
    regions,
    delegatedAdministrator: true,
    services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
    accounts: accounts.map(({ accountId, email = '' }) => ({
      accountId,
      email,
      joinedMethod: 'CREATED' as const,
      name: `account-${accountId}`,
    })),
    faults: { latencyMs },
  };
  const standIn = await startStandInProcess({ scenario, timeScale: 1 });
  const saved = { ...process.env };
  Object.assign(process.env, standIn.env);
  try {
    const pairs = await Promise.all(
      regions.map(async (region) => {
        const detective = regionalClient(DetectiveClient, region, SETTINGS);
        const graph = await detectiveGraphLocator(detective).locate(region);
        if (graph === undefined) throw new Error(`the stand-in has no behavior graph in ${region}`);
        const securityHub = regionalClient(SecurityHubClient, region, SETTINGS);
        return { securityHub, detective, hub: { region }, graph };
      }),
    );
    const batchesOf = (round: number) =>
      pairs.flatMap((pair) =>
        chunk(accounts.slice(round * ACCOUNTS, (round + 1) * ACCOUNTS), BATCH).map((batch) => ({
          ...pair,
          batch,
        })),
      );
    const calls = batchesOf(0).length;
    const ids = (batch: Account[]) => batch.map(({ accountId }) => accountId);
    const options = { disableEmailNotification: true };
    const each =
      (call: string, run: (item: ReturnType<typeof batchesOf>[number]) => Promise<unknown>) => async () => ({
        call,
        calls,
        cpuMs: await cpuPerCall(rounds, calls, (round) => inBursts(batchesOf(round), run)),
      });
    const organizations = regionalClient(OrganizationsClient, 'us-east-1', { maxAttempts: 5 });
    const pages = Math.ceil(accounts.length / 20);
    const measures = [
      each('Security Hub CreateMembers, 50 accounts', ({ securityHub, hub, batch }) =>
        securityHubCreator(securityHub).createMembers(hub, batch, options),
      ),
      each('Detective CreateMembers, 50 accounts', ({ detective, graph, batch }) =>
        detectiveCreator(detective).createMembers(graph, batch, options),
      ),
      each('Security Hub GetMembers, 50 members', ({ securityHub, hub, batch }) =>
        securityHubReader(securityHub).getMembers(hub, ids(batch)),
      ),
      each('Detective GetMembers, 50 members', ({ detective, graph, batch }) =>
        detectiveReader(detective).getMembers(graph, ids(batch)),
      ),
      async () => ({
        call: 'Organizations ListAccounts, 20 accounts (pages one after another)',
        calls: pages,
        cpuMs: await cpuPerCall(rounds, pages, () => organizationsDirectory(organizations).listAccounts()),
      }),
    ];
    const results: PerCall[] = [];
    for (const measure of measures) results.push(await measure());
    return results;
  } finally {
    process.env = saved;
    await standIn.stop();
  }
}

/** `npm run bench -- --per-call [--latency-ms N] [--rounds N] [--json]`. */
export async function perCallMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'per-call': { type: 'boolean' },
      'latency-ms': { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const latencyMs = Number(values['latency-ms']);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 1000)
    throw new RangeError(`--latency-ms must be an integer from 0 to 1000, got ${values['latency-ms']}`);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 9)
    throw new RangeError(`--rounds must be an integer from 1 to 9, got ${values.rounds}`);
  const load = loadavg().map((value) => value.toFixed(2));
  const results = await measurePerCall(latencyMs, rounds);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ latencyMs, rounds, load, results }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      `client CPU per call, through regionalClient, against the stand-in in its own process (${latencyMs} ms per call); median of ${rounds} rounds after one not counted; load average ${load.join(', ')}`,
      '',
      '| call | calls per round | client CPU per call |',
      '| --- | ---: | ---: |',
      ...results.map(({ call, calls, cpuMs }) => `| ${call} | ${calls} | ${cpuMs.toFixed(2)} ms |`),
      '',
    ].join('\n'),
  );
}

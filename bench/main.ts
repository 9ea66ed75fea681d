import { parseArgs } from 'node:util';
import { KNOWN_REGIONS } from '../functions/shared/domain/regions.ts';
import { parseServices, SERVICE_NAMES, type ServiceName } from '../functions/shared/domain/services.ts';
import type { EventLog } from '../local/runner/history.ts';
import {
  DEFAULT_SETTINGS,
  type LocalRunResult,
  runLocalWorkflow,
  STATE_PAYLOAD_LIMIT,
} from '../local/runner/run-workflow.ts';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';
import {
  type BenchShape,
  lowerBoundSeconds,
  operationBounds,
  pacedLowerBoundSeconds,
  type Side,
} from './lower-bound.ts';
import { BENCH_REGIONS } from './regions.ts';

/** Step Functions quotas (docs/aws-facts.md, Step Functions) and the targets issue 7 sets against them. */
const LIMITS = {
  historyEvents: { target: 12_500, limit: 25_000 },
  payloadBytes: { target: 200 * 1024, limit: STATE_PAYLOAD_LIMIT },
  wallTimeFactor: 2,
};

const ADMINISTRATOR = '111111111111';

/**
 * Failures the bench can impose on every account, to measure what failing at scale carries
 * between states (docs/benchmark.md). The run then ends NEEDS_ATTENTION, as it should.
 */
const FAILURES = {
  none: 'every account onboards',
  'create-refused': 'Security Hub CreateMembers refuses every account with the same text',
  'role-missing': 'no invited account has the member role (AssumeRole names each role in its denial)',
  scattered:
    'each invited account fails its own way: its own other administrator (a conflict naming it), disabled Regions of its own, a missing member role or a wrong Detective email',
} as const;
type Failure = keyof typeof FAILURES;
const CREATE_REFUSED = 'The account is not in a state that allows this operation.';
const USAGE =
  'npm run bench -- [--accounts N] [--regions N] [--invited N] [--services LIST] [--poll-timeout MINUTES] [--latency-ms N] [--max-concurrency N] [--failure KIND] [--json]\n' +
  '  --accounts N    accounts to onboard (default 1000; at most 10000, 1200 with Detective)\n' +
  `  --regions N     Regions, 1 to ${BENCH_REGIONS.length} (default ${BENCH_REGIONS.length})\n` +
  '  --invited N     how many of the accounts are outside the organization: invited and accepted (default 0)\n' +
  '  --services LIST securityhub, detective or securityhub,detective (default both)\n' +
  `  --poll-timeout MINUTES  the stack's PollTimeoutMinutes, 1 to 60 (default ${DEFAULT_SETTINGS.pollTimeoutMinutes})\n` +
  '  --latency-ms N  the stand-in answers each call after N ms (default 20)\n' +
  `  --max-concurrency N  the stack's MaxConcurrency, 1 to 40 (default ${DEFAULT_SETTINGS.maxConcurrency})\n` +
  `  --failure KIND  what fails for every account (default none): ${Object.entries(FAILURES)
    .map(([kind, meaning]) => `${kind}, ${meaning}`)
    .join('; ')}\n` +
  '  --json          print the results as JSON only';

interface Options extends BenchShape {
  maxConcurrency: number;
  services: ServiceName[];
  pollTimeoutMinutes: number;
  failure: Failure;
  json: boolean;
}

function count(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got ${value}`);
  return parsed;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      accounts: { type: 'string' },
      regions: { type: 'string' },
      invited: { type: 'string' },
      'latency-ms': { type: 'string' },
      'max-concurrency': { type: 'string' },
      services: { type: 'string' },
      'poll-timeout': { type: 'string' },
      failure: { type: 'string', default: 'none' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // Security Hub allows 10,000 members and 1,000 invited ones per administrator and Region; Detective
  // 1,200 per graph (docs/aws-facts.md, Security Hub; Amazon Detective).
  const services = parseServices((values.services ?? SERVICE_NAMES.join(',')).split(','), '--services');
  const accounts = count(
    values.accounts,
    'accounts',
    1000,
    1,
    services.includes('detective') ? 1200 : 10_000,
  );
  // Security Hub's 1,000 invitation-based members bind only when Security Hub is onboarded.
  const invitedLimit = services.includes('securityhub') ? 1000 : 1200;
  const invited = count(values.invited, 'invited', 0, 0, Math.min(accounts, invitedLimit));
  const failure = values.failure ?? 'none';
  if (!Object.hasOwn(FAILURES, failure))
    throw new RangeError(`--failure must be one of ${Object.keys(FAILURES).join(', ')}, got ${failure}`);
  if ((failure === 'role-missing' || failure === 'scattered') && invited === 0)
    throw new RangeError(`--failure ${failure} needs invited accounts: add --invited N`);
  return {
    organizationAccounts: accounts - invited,
    invitedAccounts: invited,
    regions: count(values.regions, 'regions', BENCH_REGIONS.length, 1, BENCH_REGIONS.length),
    latencySeconds: count(values['latency-ms'], 'latency-ms', 20, 0, 1000) / 1000,
    allAccounts: invited === 0,
    maxConcurrency: count(
      values['max-concurrency'],
      'max-concurrency',
      DEFAULT_SETTINGS.maxConcurrency,
      1,
      40,
    ),
    failure: failure as Failure,
    services,
    pollTimeoutMinutes: count(
      values['poll-timeout'],
      'poll-timeout',
      DEFAULT_SETTINGS.pollTimeoutMinutes,
      1,
      60,
    ),
    json: values.json ?? false,
  };
}

/**
 * An invited account's own trouble for `--failure scattered`, from its number: every account's
 * failures differ from every other's, so a report groups nothing (the worst case for its size).
 */
function scatteredTrouble(n: number, regions: readonly string[]): Record<string, unknown> {
  const accountId = String(100000000000 + n);
  const own = regions.filter((_, index) => (n + index) % 5 === 0);
  switch (n % 4) {
    case 0:
      return { otherAdministrator: { securityhub: String(600000000000 + n) }, disabledRegions: own };
    case 1:
      return { memberRoleMissing: true };
    case 2:
      return { detectiveEmail: `real+${accountId}@example.net`, disabledRegions: own };
    default:
      return { otherAdministrator: { detective: String(700000000000 + n) }, disabledRegions: own };
  }
}

function scenarioOf(options: Options, regions: string[]): ScenarioInput {
  const account = (n: number, joinedMethod: 'CREATED' | 'OUTSIDE') => {
    const accountId = String(100000000000 + n);
    return {
      accountId,
      email: `aws+${accountId}@example.com`,
      joinedMethod,
      ...(options.failure === 'role-missing' ? { memberRoleMissing: true } : {}),
      ...(options.failure === 'scattered' && joinedMethod === 'OUTSIDE' ? scatteredTrouble(n, regions) : {}),
    };
  };
  return {
    name: 'bench',
    administratorAccountId: ADMINISTRATOR,
    regions,
    delegatedAdministrator: true,
    services: { securityhub: { enabledRegions: 'all' }, detective: { enabledRegions: 'all' } },
    accounts: [
      ...Array.from({ length: options.organizationAccounts }, (_, n) => account(n, 'CREATED')),
      ...Array.from({ length: options.invitedAccounts }, (_, n) =>
        account(options.organizationAccounts + n, 'OUTSIDE'),
      ),
    ],
    // throttle: true is Security Hub's documented 10 requests/s, burst 30, taken per account and Region
    // (docs/aws-facts.md, Security Hub).
    faults: {
      throttle: true,
      latencyMs: options.latencySeconds * 1000,
      ...(options.failure === 'create-refused'
        ? { forceUnprocessed: { probability: 1, reason: CREATE_REFUSED, services: ['securityhub' as const] } }
        : {}),
    },
  };
}

/** Seconds spent in each top-level state, summed over its visits. */
class Phases {
  readonly seconds: Record<string, number> = {};
  readonly #entered = new Map<string, number>();

  record(event: EventLog): void {
    if (event.type !== 'StateEntered' && event.type !== 'StateExited') return;
    if ('index' in event && event.index !== undefined) return;
    const { name } = event.state;
    if (event.type === 'StateEntered') this.#entered.set(name, event.timestamp);
    else {
      const since = this.#entered.get(name) ?? event.timestamp;
      this.seconds[name] = (this.seconds[name] ?? 0) + (event.timestamp - since) / 1000;
    }
  }
}

interface BenchResult {
  accounts: number;
  invitedAccounts: number;
  regions: number;
  services: number;
  latencyMs: number;
  maxConcurrency: number;
  failure: Failure;
  serviceNames: ServiceName[];
  pollTimeoutMinutes: number;
  status: string;
  outcomes: Record<string, number>;
  pollRounds: number;
  apiCalls: Record<string, { calls: number; lowerBound: number; side: Side }>;
  lambdaInvocations: number;
  lambdaInvocationsByState: Record<string, number>;
  stateTransitions: number;
  historyEvents: number;
  /** Child executions the parent started (retries included), and the largest child's figures. */
  childExecutions: number;
  largestChildHistoryEvents: number;
  largestChildPayloadBytes: number;
  largestChildPayloadState: string;
  historyEventsTarget: number;
  historyEventsLimit: number;
  maxPayloadBytes: number;
  maxPayloadState: string;
  maxPayloadTarget: number;
  maxPayloadLimit: number;
  wallSeconds: number;
  /** Loading the functions' code before the execution started (the runner's deployment; not in wallSeconds). */
  deploySeconds: number;
  lowerBoundSeconds: number;
  /** The floor under muster's own pacing, 10 calls a second per client without AWS's burst. */
  pacedLowerBoundSeconds: number;
  wallSecondsTarget: number;
  phaseSeconds: Record<string, number>;
  /** CPU seconds of the workflow's process, where every Lambda and the Step Functions runner share one event loop. */
  workflowCpuSeconds: number;
  peakRssBytes: number;
  targets: {
    administratorCallsAtLowerBound: boolean;
    historyEvents: boolean;
    maxPayload: boolean;
    wallTime: boolean;
  };
}

async function bench(options: Options): Promise<BenchResult> {
  const regions = BENCH_REGIONS.slice(0, options.regions);
  const unknown = regions.filter((region) => !KNOWN_REGIONS.has(region));
  if (unknown.length > 0) throw new Error(`not Regions muster knows: ${unknown.join(', ')}`);
  const scenario = scenarioOf(options, regions);
  const accounts = scenario.accounts ?? [];
  const phases = new Phases();
  // The stand-in answers from its own process, as AWS answers from its own machines.
  const standIn = await startStandInProcess({ scenario, timeScale: 1 });
  let run: LocalRunResult;
  const cpuBefore = process.cpuUsage();
  try {
    run = await runLocalWorkflow({
      standIn,
      input: {
        ...(options.allAccounts
          ? { allAccounts: true }
          : { accounts: accounts.map(({ accountId, email }) => ({ accountId, email })) }),
        services: options.services,
      },
      // The stand-in runs in real time (latency, throttling); the workflow's own waits shrink to milliseconds.
      timeScale: 1,
      waitScale: 0.001,
      settings: { maxConcurrency: options.maxConcurrency, pollTimeoutMinutes: options.pollTimeoutMinutes },
      onEvent: (event) => phases.record(event),
    });
  } finally {
    await standIn.stop();
  }
  const cpu = process.cpuUsage(cpuBefore);

  // Only the services asked for: the other's operations have no lower bound to meet.
  const bounds = Object.fromEntries(
    Object.entries(operationBounds(options)).filter(([operation]) =>
      options.services.includes(operation.replace(/^member:/, '').split(':')[0] as ServiceName),
    ),
  );
  const administrator = run.standIn.administratorCalls;
  const apiCalls: BenchResult['apiCalls'] = {};
  for (const [operation, calls] of Object.entries(run.standIn.calls.byOperation)) {
    const own = administrator[operation] ?? 0;
    if (own > 0) apiCalls[operation] = { calls: own, lowerBound: 0, side: 'administrator' };
    if (calls > own) apiCalls[`member:${operation}`] = { calls: calls - own, lowerBound: 0, side: 'member' };
  }
  for (const [operation, { lowerBound, side }] of Object.entries(bounds)) {
    if (lowerBound === 0 && apiCalls[operation] === undefined) continue;
    apiCalls[operation] = { calls: apiCalls[operation]?.calls ?? 0, lowerBound, side };
  }
  const lowerBound = lowerBoundSeconds(options);
  const history = run.history;
  const largestHistory = Math.max(0, ...run.children.map((child) => child.history.historyEvents));
  const largestChild = run.children.reduce<(typeof run.children)[number] | undefined>(
    (largest, child) =>
      largest === undefined || child.maxPayloadBytes > largest.maxPayloadBytes ? child : largest,
    undefined,
  );
  const largestPayload = Math.max(history.maxPayloadBytes, largestChild?.maxPayloadBytes ?? 0);
  return {
    accounts: accounts.length,
    invitedAccounts: options.invitedAccounts,
    regions: regions.length,
    services: options.services.length,
    latencyMs: options.latencySeconds * 1000,
    maxConcurrency: options.maxConcurrency,
    failure: options.failure,
    serviceNames: options.services,
    pollTimeoutMinutes: options.pollTimeoutMinutes,
    status: run.status === 'SUCCEEDED' ? 'SUCCEEDED' : `FAILED ${run.error}`,
    outcomes: Object.fromEntries(
      Object.entries(run.report?.counts ?? {}).map(([outcome, n]) => [outcome, n ?? 0]),
    ),
    pollRounds: run.report?.round ?? 0,
    apiCalls,
    lambdaInvocations: history.lambdaInvocations,
    lambdaInvocationsByState: Object.fromEntries(history.invocations),
    stateTransitions: history.stateTransitions,
    historyEvents: history.historyEvents,
    childExecutions: run.children.length,
    largestChildHistoryEvents: largestHistory,
    largestChildPayloadBytes: largestChild?.maxPayloadBytes ?? 0,
    largestChildPayloadState: largestChild?.maxPayloadState ?? '',
    historyEventsTarget: LIMITS.historyEvents.target,
    historyEventsLimit: LIMITS.historyEvents.limit,
    maxPayloadBytes: history.maxPayloadBytes,
    maxPayloadState: history.maxPayloadState,
    maxPayloadTarget: LIMITS.payloadBytes.target,
    maxPayloadLimit: LIMITS.payloadBytes.limit,
    wallSeconds: round(run.wallSeconds),
    deploySeconds: round(run.deploySeconds),
    lowerBoundSeconds: round(lowerBound),
    pacedLowerBoundSeconds: round(pacedLowerBoundSeconds(options)),
    wallSecondsTarget: round(lowerBound * LIMITS.wallTimeFactor),
    phaseSeconds: Object.fromEntries(Object.entries(phases.seconds).map(([name, s]) => [name, round(s)])),
    workflowCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    // ru_maxrss is in kilobytes on Linux: the workflow's process (the stand-in runs in its own).
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    targets: {
      administratorCallsAtLowerBound: Object.values(apiCalls).every(
        ({ side, calls, lowerBound: least }) => side !== 'administrator' || calls === least,
      ),
      historyEvents: Math.max(history.historyEvents, largestHistory) <= LIMITS.historyEvents.target,
      maxPayload: largestPayload <= LIMITS.payloadBytes.target,
      wallTime: run.wallSeconds <= lowerBound * LIMITS.wallTimeFactor,
    },
  };
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
const number = (n: number) => n.toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** The results as the table docs/benchmark.md shows. */
function render(result: BenchResult, tookSeconds: number): string {
  const lines = [
    `muster benchmark: ${number(result.accounts)} accounts (${number(result.accounts - result.invitedAccounts)} in the organization, ` +
      `${number(result.invitedAccounts)} invited) × ${result.regions} Regions × ${result.services} services`,
    `stand-in: Security Hub and Detective throttled at 10 calls/s, burst 30, per account and Region; ${result.latencyMs} ms per call; MaxConcurrency ${result.maxConcurrency}`,
    ...(result.failure === 'none' ? [] : [`failure: ${result.failure}, ${FAILURES[result.failure]}`]),
    `PollTimeoutMinutes ${result.pollTimeoutMinutes}; services ${result.serviceNames.join(', ')}`,
    `run: ${result.status}, ${Object.entries(result.outcomes)
      .map(([outcome, n]) => `${outcome} ${number(n)}`)
      .join(', ')}; ${result.pollRounds} poll round(s)`,
    '',
    '| API calls (side, operation) | calls | lower bound | |',
    '| --- | ---: | ---: | --- |',
  ];
  const rows = Object.entries(result.apiCalls).sort(
    ([a, x], [b, y]) => x.side.localeCompare(y.side) || a.localeCompare(b),
  );
  for (const [operation, { calls, lowerBound, side }] of rows) {
    const ratio =
      lowerBound === 0 ? 'not needed' : calls === lowerBound ? '=' : `${(calls / lowerBound).toFixed(2)}×`;
    lines.push(
      `| ${side} ${operation.replace(/^member:/, '')} | ${number(calls)} | ${number(lowerBound)} | ${ratio} |`,
    );
  }
  lines.push(
    '',
    '| measure | value | target | limit | |',
    '| --- | ---: | ---: | ---: | --- |',
    `| administrator-side calls | ${rows.filter(([, r]) => r.side === 'administrator' && r.calls !== r.lowerBound).length} operations above the lower bound | 0 | | ${verdict(result.targets.administratorCallsAtLowerBound)} |`,
    `| Lambda invocations | ${number(result.lambdaInvocations)} | | | |`,
    `| state transitions | ${number(result.stateTransitions)} | | | |`,
    `| child executions (retries included) | ${number(result.childExecutions)} | | | |`,
    `| history events, parent | ${number(result.historyEvents)} | ${number(result.historyEventsTarget)} | ${number(result.historyEventsLimit)} | ${verdict(result.historyEvents <= result.historyEventsTarget)} |`,
    `| history events, largest child | ${number(result.largestChildHistoryEvents)} | ${number(result.historyEventsTarget)} | ${number(result.historyEventsLimit)} | ${verdict(result.largestChildHistoryEvents <= result.historyEventsTarget)} |`,
    `| largest state input or output, parent (${result.maxPayloadState}) | ${number(result.maxPayloadBytes)} B | ${number(result.maxPayloadTarget)} B | ${number(result.maxPayloadLimit)} B | ${verdict(result.maxPayloadBytes <= result.maxPayloadTarget)} |`,
    `| largest state input or output, children (${result.largestChildPayloadState}) | ${number(result.largestChildPayloadBytes)} B | ${number(result.maxPayloadTarget)} B | ${number(result.maxPayloadLimit)} B | ${verdict(result.largestChildPayloadBytes <= result.maxPayloadTarget)} |`,
    `| wall time on the stand-in | ${result.wallSeconds} s | ${result.wallSecondsTarget} s (2 × ${result.lowerBoundSeconds} s lower bound) | | ${verdict(result.targets.wallTime)} |`,
    `| before the execution: loading the functions' code (not in the wall time) | ${result.deploySeconds} s | | | |`,
    `| pacing floor: muster's 10 calls/s per client, without AWS's burst of 30 | ${result.pacedLowerBoundSeconds} s | | | |`,
    `| CPU of the workflow process (every Lambda shares it here) | ${result.workflowCpuSeconds} s | | | |`,
    `| peak memory (RSS) | ${number(Math.round(result.peakRssBytes / 1024 / 1024))} MiB | | | |`,
    '',
    `Lambda invocations per state: ${Object.entries(result.lambdaInvocationsByState)
      .map(([state, n]) => `${state} ${number(n)}`)
      .join(', ')}`,
    `Seconds per state: ${Object.entries(result.phaseSeconds)
      .filter(([, s]) => s >= 0.01)
      .map(([state, s]) => `${state} ${s}`)
      .join(', ')}`,
    `The benchmark took ${round(tookSeconds)} s.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  // Function logs would mix with the results on stdout.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const started = performance.now();
  const result = await bench(options);
  const took = (performance.now() - started) / 1000;
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${render(result, took)}\n`);
}

await main();

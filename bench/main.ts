import { parseArgs } from 'node:util';
import { DisassociateMembersCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { MAX_MEMBER_BATCHES } from '../functions/accept-invitations/contract.ts';
import { EXECUTION_ACCOUNT_LIMIT } from '../functions/resolve-accounts/resolve-accounts.ts';
import { chunk } from '../functions/shared/domain/chunk.ts';
import { KNOWN_REGIONS } from '../functions/shared/domain/regions.ts';
import {
  DEFAULT_SERVICES,
  parseServices,
  SERVICE_NAMES,
  SERVICE_RULES,
  type ServiceName,
} from '../functions/shared/domain/services.ts';
import type { EventLog } from '../local/runner/history.ts';
import {
  DEFAULT_SETTINGS,
  type LocalRunResult,
  runLocalWorkflow,
  STATE_PAYLOAD_LIMIT,
} from '../local/runner/run-workflow.ts';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';
import { measureColdStarts, RECORDED_BEFORE, renderColdStarts } from './cold-start.ts';
import { benchCoverage } from './coverage.ts';
import {
  type BenchShape,
  lowerBoundSeconds,
  operationBounds,
  pacedLowerBoundSeconds,
  type Side,
  sweepBounds,
  sweepLowerBoundSeconds,
} from './lower-bound.ts';
import { type MemberAloneModel, memberAlone, renderMemberAlone } from './member-alone.ts';
import { memberWorkers } from './member-workers.ts';
import { perCallMain } from './per-call.ts';
import { BENCH_REGIONS } from './regions.ts';

/** Step Functions quotas (docs/aws-facts.md, Step Functions) and the targets issue 7 sets against them. */
const LIMITS = {
  historyEvents: { target: 12_500, limit: 25_000 },
  payloadBytes: { target: 200 * 1024, limit: STATE_PAYLOAD_LIMIT },
  wallTimeFactor: 2,
};

const ADMINISTRATOR = '111111111111';
/** Issue 19: member-side calls at most 1.1× their lower bound. */
const MEMBER_CALLS_FACTOR = 1.1;
/** Issue 19: with invited accounts, the wall time at most 3× its lower bound. */
const INVITED_WALL_TIME_FACTOR = 3;

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
/** Per cent of the organization accounts whose Security Hub membership `--sweep` removes, each in one Region. */
const SWEEP_DRIFT_PERCENT = 2;
const CREATE_REFUSED = 'The account is not in a state that allows this operation.';

/**
 * The public Detective script, aws-samples/amazon-detective-multiaccount-scripts, run unmodified
 * against the stand-in on 100 outside accounts × 3 Regions: issue 19's measurement, cited here, not
 * re-measured (the script is not part of muster); docs/benchmark.md counts the same 926 from the
 * script's source. `--compare-detective-script` runs muster on the same.
 */
const DETECTIVE_SCRIPT = {
  source:
    'issue 19: aws-samples/amazon-detective-multiaccount-scripts (enableDetective.py) run unmodified against the stand-in, 100 outside accounts × 3 Regions; counted from its source in docs/benchmark.md',
  calls: 926,
  administratorCalls: 626,
  shape: { accounts: 100, invited: 100, regions: 3, services: ['detective'] as ServiceName[] },
};
/** The most accounts a run of `services` may add: the execution's limit and each limit that counts every member. */
function accountLimit(services: readonly ServiceName[]): number {
  return Math.min(
    EXECUTION_ACCOUNT_LIMIT,
    ...services.flatMap((service) => {
      const { limit, counts } = SERVICE_RULES[service].memberLimit;
      return counts === 'all' ? [limit] : [];
    }),
  );
}

/** ", 1200 with Detective": each limit that counts every member, as the usage gives it. */
const WHOLE_LIMITS = SERVICE_NAMES.filter((name) => SERVICE_RULES[name].memberLimit.counts === 'all')
  .map((name) => `, ${accountLimit([name])} with ${SERVICE_RULES[name].label}`)
  .join('');

// The stack's default Services (the registry's): a run without --services, and every sweep, measure
// the default 1,000 × 17 × 2 run the issues' targets are for.
const USAGE =
  'npm run bench -- [--accounts N] [--regions N] [--invited N] [--services LIST] [--poll-timeout MINUTES] [--latency-ms N] [--max-concurrency N] [--failure KIND] [--member-workers | --member-alone] [--json]\n' +
  `  --accounts N    accounts to onboard (default 1000; at most ${EXECUTION_ACCOUNT_LIMIT}${WHOLE_LIMITS})\n` +
  `  --regions N     Regions, 1 to ${BENCH_REGIONS.length} (default ${BENCH_REGIONS.length})\n` +
  '  --invited N     how many of the accounts are outside the organization: invited and accepted (default 0)\n' +
  `  --services LIST any of ${SERVICE_NAMES.join(', ')}, comma-separated (default the stack's: ${DEFAULT_SERVICES.join(',')})\n` +
  `  --poll-timeout MINUTES  the stack's PollTimeoutMinutes, 1 to 60 (default ${DEFAULT_SETTINGS.pollTimeoutMinutes})\n` +
  '  --latency-ms N  the stand-in answers each call after N ms (default 20)\n' +
  `  --max-concurrency N  the stack's MaxConcurrency, 1 to 40 (default ${DEFAULT_SETTINGS.maxConcurrency})\n` +
  `  --failure KIND  what fails for every account (default none): ${Object.entries(FAILURES)
    .map(([kind, meaning]) => `${kind}, ${meaning}`)
    .join('; ')}\n` +
  `  --compare-detective-script  the public Detective script's scenario (${DETECTIVE_SCRIPT.shape.invited} outside accounts × ${DETECTIVE_SCRIPT.shape.regions} Regions, Detective), side by side with its ${DETECTIVE_SCRIPT.calls} calls; not with --accounts, --invited, --regions or --services\n` +
  `  --sweep         onboard, remove ${SWEEP_DRIFT_PERCENT}% of the organization accounts' Security Hub memberships (each in one Region), then measure a sweep ({"sweep": true}) against its own lower bound\n` +
  "  --member-workers  run each Accept Batch invocation in a worker thread of its own, as separate Lambdas run (the member side off the workflow's event loop)\n" +
  '  --member-alone  run each Accept Batch invocation alone, one after another, in a worker thread of its own (a core for it, the other for the stand-in), and model the wall time with the batches side by side as separate Lambdas run them; needs --invited\n' +
  '  --json          print the results as JSON only\n' +
  '  --coverage      instead: muster coverage at --accounts N × --regions N × 2 services, and its HTML (--latency-ms, --json apply;\n' +
  '                  --ous N puts the accounts in N OUs and reads them with muster coverage --ous)\n' +
  'npm run bench -- --per-call [--latency-ms N] [--rounds N] [--json]\n' +
  '  the client CPU of one CreateMembers, GetMembers (50 accounts) and ListAccounts page (20) against the stand-in; median of N rounds (default 3)\n' +
  'npm run bench -- --cold-start [--dist DIR] [--before DIR] [--runs N] [--json]\n' +
  '  each bundle of DIR (default dist, from npm run build) imported in a fresh Node process and invoked once against the stand-in; median of N runs (default 5),\n' +
  '  next to the recorded figures from before issue 19, or to an earlier build in DIR (--before) measured in the same run';

interface Options extends BenchShape {
  compareDetectiveScript: boolean;
  memberWorkers: boolean;
  memberAlone: boolean;
  maxConcurrency: number;
  services: ServiceName[];
  pollTimeoutMinutes: number;
  failure: Failure;
  sweep: boolean;
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
      sweep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'compare-detective-script': { type: 'boolean', default: false },
      'member-workers': { type: 'boolean', default: false },
      'member-alone': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const compareDetectiveScript = values['compare-detective-script'] ?? false;
  if (compareDetectiveScript) {
    const shaped = (['accounts', 'invited', 'regions', 'services'] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (shaped.length > 0)
      throw new RangeError(
        `--compare-detective-script runs the script's own scenario: leave out ${shaped.map((name) => `--${name}`).join(', ')}`,
      );
    const { accounts, invited, regions, services } = DETECTIVE_SCRIPT.shape;
    Object.assign(values, {
      accounts: String(accounts),
      invited: String(invited),
      regions: String(regions),
      services: services.join(','),
    });
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // The limits are the registry's member limits (SERVICE_RULES.memberLimit, with their sources).
  const services =
    values.sweep || values.services === undefined
      ? [...DEFAULT_SERVICES]
      : parseServices(values.services.split(','), '--services');
  const accounts = count(values.accounts, 'accounts', 1000, 1, accountLimit(services));
  // Every service's member limit caps the invited accounts (1,000 binds only with Security Hub or GuardDuty).
  const invitedLimit = Math.min(...services.map((service) => SERVICE_RULES[service].memberLimit.limit));
  const invited = count(values.invited, 'invited', 0, 0, Math.min(accounts, invitedLimit));
  const failure = values.failure ?? 'none';
  if (!Object.hasOwn(FAILURES, failure))
    throw new RangeError(`--failure must be one of ${Object.keys(FAILURES).join(', ')}, got ${failure}`);
  if (values.sweep && (invited > 0 || failure !== 'none' || values.services !== undefined))
    throw new RangeError(
      "--sweep measures a healthy organization in the stack's default services: drop --invited, --failure and --services",
    );
  if ((failure === 'role-missing' || failure === 'scattered') && invited === 0)
    throw new RangeError(`--failure ${failure} needs invited accounts: add --invited N`);
  if (values['member-alone'] && (invited === 0 || values.sweep || values['member-workers']))
    throw new RangeError(
      '--member-alone models the member side of an onboarding with invited accounts: add --invited N, and drop --sweep and --member-workers',
    );
  return {
    compareDetectiveScript,
    memberWorkers: values['member-workers'] ?? false,
    memberAlone: values['member-alone'] ?? false,
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
    sweep: values.sweep ?? false,
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
    services: {
      securityhub: { enabledRegions: 'all' },
      detective: { enabledRegions: 'all' },
      guardduty: { enabledRegions: 'all' },
    },
    accounts: [
      ...Array.from({ length: options.organizationAccounts }, (_, n) => account(n, 'CREATED')),
      ...Array.from({ length: options.invitedAccounts }, (_, n) =>
        account(options.organizationAccounts + n, 'OUTSIDE'),
      ),
    ],
    // throttle: true is Security Hub's documented 10 requests/s, burst 30, taken per account and Region
    // (docs/aws-facts.md, Security Hub), for Detective and GuardDuty too.
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
  /** With --compare-detective-script: muster's calls next to the public script's (DETECTIVE_SCRIPT). */
  detectiveScript?: {
    source: string;
    scriptCalls: number;
    scriptAdministratorCalls: number;
    musterCalls: number;
    musterAdministratorCalls: number;
    target: number;
    met: boolean;
  };
  accounts: number;
  invitedAccounts: number;
  regions: number;
  services: number;
  latencyMs: number;
  maxConcurrency: number;
  failure: Failure;
  /** With --member-workers: the worker threads (Accept Batch containers) the run started; otherwise 0. */
  memberWorkers: number;
  /** Starting and loading the first workers before the execution (not in the wall time). */
  memberWorkersWarmSeconds: number;
  /** With --member-alone: the batches as measured one at a time, and the execution as AWS would run them. */
  memberAlone?: MemberAloneModel;
  /** A sweep after the onboarding, measured alone; `drifted` memberships were removed before it. */
  sweep: boolean;
  drifted: number;
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
  /** CPU of the workflow process within wallSeconds: with every Lambda in one process, a floor under it. */
  executionCpuSeconds: number;
  /** Of it, the main thread's (every Lambda, the engine, the runner); the rest is V8's compiler and collector threads. Linux only. */
  executionMainThreadCpuSeconds?: number;
  /** The collector's pauses of the main thread during the execution. */
  executionGcPauses: { pauses: number; seconds: number };
  /** CPU of the stand-in's process during the execution (it answers for AWS on the other core). Linux only. */
  standInCpuSeconds?: number;
  lowerBoundSeconds: number;
  /** The floor under muster's own pacing: a token bucket per (account, Region, service), 10 calls a second after a burst of 30. */
  pacedLowerBoundSeconds: number;
  wallSecondsTarget: number;
  /** Calls the stand-in refused as AWS's throttling would. */
  throttledCalls: number;
  phaseSeconds: Record<string, number>;
  /** CPU seconds of the workflow's process, where every Lambda and the Step Functions runner share one event loop. */
  workflowCpuSeconds: number;
  peakRssBytes: number;
  /** Calls made in the member accounts (and their AssumeRole), and the fewest that onboard them. */
  memberSide: { calls: number; lowerBound: number };
  targets: {
    administratorCallsAtLowerBound: boolean;
    /** Member-side calls at most 1.1× their lower bound (issue 19). */
    memberCalls: boolean;
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
  let phases = new Phases();
  // The stand-in answers from its own process, as AWS answers from its own machines.
  const standIn = await startStandInProcess({ scenario, timeScale: 1 });
  let run: LocalRunResult;
  let cpuBefore = process.cpuUsage();
  let before: Counts = { byOperation: {}, administrator: {} };
  let driftedByRegion: number[] = [];
  const alone = options.memberAlone ? memberAlone(options.maxConcurrency) : undefined;
  const workers = alone ?? (options.memberWorkers ? memberWorkers() : undefined);
  let workerCount = 0;
  let warmSeconds = 0;
  try {
    if (workers !== undefined) {
      // One loaded worker per member batch a round runs at once, before the execution starts (not timed).
      const warming = performance.now();
      await workers.warm(Math.min(options.maxConcurrency, MAX_MEMBER_BATCHES));
      warmSeconds = (performance.now() - warming) / 1000;
    }
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
      onEvent: (event) => {
        phases.record(event);
        alone?.record(event);
      },
      ...(workers === undefined ? {} : { wrapTask: workers.wrap }),
    });
    workerCount = workers?.workers() ?? 0;
    if (options.sweep) {
      if (run.status !== 'SUCCEEDED')
        throw new Error(`the onboarding before the sweep ended ${run.status} ${run.error}`);
      driftedByRegion = await drift(standIn, accounts, regions);
      const inspection = await standIn.inspect();
      before = { byOperation: inspection.calls.byOperation, administrator: inspection.administratorCalls };
      phases = new Phases();
      cpuBefore = process.cpuUsage();
      run = await runLocalWorkflow({
        standIn,
        input: { sweep: true },
        timeScale: 1,
        waitScale: 0.001,
        settings: { maxConcurrency: options.maxConcurrency, pollTimeoutMinutes: options.pollTimeoutMinutes },
        onEvent: (event) => phases.record(event),
      });
    }
  } finally {
    await workers?.close();
    await standIn.stop();
  }
  // Process-wide: the worker threads' CPU is in it too.
  const cpu = process.cpuUsage(cpuBefore);

  // Only the services asked for: the other's operations have no lower bound to meet. Organizations
  // and STS serve every service and keep theirs.
  const sweepShape = { ...options, driftedByRegion };
  const bounds = Object.fromEntries(
    Object.entries(options.sweep ? sweepBounds(sweepShape) : operationBounds(options)).filter(
      ([operation]) => {
        const service = operation.replace(/^member:/, '').split(':')[0] as ServiceName;
        return !SERVICE_NAMES.includes(service) || options.services.includes(service);
      },
    ),
  );
  // With --sweep the stand-in's counters span both runs: only the sweep's own calls count.
  const administrator = since(run.standIn.administratorCalls, before.administrator);
  const apiCalls: BenchResult['apiCalls'] = {};
  for (const [operation, calls] of Object.entries(since(run.standIn.calls.byOperation, before.byOperation))) {
    if (calls === 0) continue;
    const own = administrator[operation] ?? 0;
    if (own > 0) apiCalls[operation] = { calls: own, lowerBound: 0, side: 'administrator' };
    if (calls > own) apiCalls[`member:${operation}`] = { calls: calls - own, lowerBound: 0, side: 'member' };
  }
  for (const [operation, { lowerBound, side }] of Object.entries(bounds)) {
    if (lowerBound === 0 && apiCalls[operation] === undefined) continue;
    apiCalls[operation] = { calls: apiCalls[operation]?.calls ?? 0, lowerBound, side };
  }
  const lowerBound = options.sweep ? sweepLowerBoundSeconds(sweepShape) : lowerBoundSeconds(options);
  const history = run.history;
  const callsOf = (side?: Side) =>
    Object.values(apiCalls)
      .filter((entry) => side === undefined || entry.side === side)
      .reduce((sum, { calls }) => sum + calls, 0);
  const largestHistory = Math.max(0, ...run.children.map((child) => child.history.historyEvents));
  const largestChild = run.children.reduce<(typeof run.children)[number] | undefined>(
    (largest, child) =>
      largest === undefined || child.maxPayloadBytes > largest.maxPayloadBytes ? child : largest,
    undefined,
  );
  const largestPayload = Math.max(history.maxPayloadBytes, largestChild?.maxPayloadBytes ?? 0);
  // AssumeRole is the administrator's call but exists only for the member side: it counts there too.
  const memberSideOf = (field: 'calls' | 'lowerBound') =>
    Object.entries(apiCalls)
      .filter(([operation, { side }]) => side === 'member' || operation === 'sts:AssumeRole')
      .reduce((sum, [, entry]) => sum + entry[field], 0);
  const memberSide = { calls: memberSideOf('calls'), lowerBound: memberSideOf('lowerBound') };
  return {
    ...(options.compareDetectiveScript
      ? {
          detectiveScript: {
            source: DETECTIVE_SCRIPT.source,
            scriptCalls: DETECTIVE_SCRIPT.calls,
            scriptAdministratorCalls: DETECTIVE_SCRIPT.administratorCalls,
            musterCalls: callsOf(),
            musterAdministratorCalls: callsOf('administrator'),
            target: DETECTIVE_SCRIPT.calls / 2,
            met: callsOf() <= DETECTIVE_SCRIPT.calls / 2,
          },
        }
      : {}),
    accounts: accounts.length,
    invitedAccounts: options.invitedAccounts,
    regions: regions.length,
    services: options.services.length,
    latencyMs: options.latencySeconds * 1000,
    maxConcurrency: options.maxConcurrency,
    failure: options.failure,
    memberWorkers: workerCount,
    memberWorkersWarmSeconds: round(warmSeconds),
    ...(alone === undefined ? {} : { memberAlone: alone.model(run.wallSeconds) }),
    sweep: options.sweep,
    drifted: driftedByRegion.reduce((sum, n) => sum + n, 0),
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
    executionCpuSeconds: round(run.executionCpuSeconds),
    ...(run.executionMainThreadCpuSeconds === undefined
      ? {}
      : { executionMainThreadCpuSeconds: round(run.executionMainThreadCpuSeconds) }),
    executionGcPauses: {
      pauses: run.executionGcPauses.pauses,
      seconds: round(run.executionGcPauses.seconds),
    },
    ...(run.standInCpuSeconds === undefined ? {} : { standInCpuSeconds: round(run.standInCpuSeconds) }),
    lowerBoundSeconds: round(lowerBound),
    pacedLowerBoundSeconds: round(pacedLowerBoundSeconds(options)),
    wallSecondsTarget: round(lowerBound * LIMITS.wallTimeFactor),
    throttledCalls: run.standIn.throttles.total,
    phaseSeconds: Object.fromEntries(Object.entries(phases.seconds).map(([name, s]) => [name, round(s)])),
    workflowCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    // ru_maxrss is in kilobytes on Linux: the workflow's process (the stand-in runs in its own).
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    memberSide,
    targets: {
      memberCalls: memberSide.calls <= memberSide.lowerBound * MEMBER_CALLS_FACTOR,
      administratorCallsAtLowerBound: Object.values(apiCalls).every(
        ({ side, calls, lowerBound: least }) => side !== 'administrator' || calls === least,
      ),
      historyEvents: Math.max(history.historyEvents, largestHistory) <= LIMITS.historyEvents.target,
      maxPayload: largestPayload <= LIMITS.payloadBytes.target,
      wallTime: run.wallSeconds <= lowerBound * LIMITS.wallTimeFactor,
    },
  };
}

interface Counts {
  byOperation: Record<string, number>;
  administrator: Record<string, number>;
}

/** Calls per operation made after `earlier` was read. */
function since(now: Record<string, number>, earlier: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(now).map(([operation, n]) => [operation, n - (earlier[operation] ?? 0)]),
  );
}

/**
 * Removes the Security Hub membership of every 50th organization account (2%), each in one Region in
 * turn, as an administrator's DisassociateMembers does: the member becomes Removed and a sweep must
 * make it again. Returns how many were removed in each Region that lost any.
 */
async function drift(
  standIn: { env: Record<string, string> },
  accounts: readonly { accountId: string }[],
  regions: readonly string[],
): Promise<number[]> {
  const step = 100 / SWEEP_DRIFT_PERCENT;
  const byRegion = new Map<string, string[]>();
  accounts
    .filter((_, index) => index % step === 0)
    .forEach(({ accountId }, index) => {
      const region = regions[index % regions.length] as string;
      byRegion.set(region, [...(byRegion.get(region) ?? []), accountId]);
    });
  const { env } = standIn;
  for (const [region, ids] of byRegion) {
    const client = new SecurityHubClient({
      region,
      endpoint: env.AWS_ENDPOINT_URL_SECURITYHUB,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
    });
    for (const accountIds of chunk(ids))
      await client.send(new DisassociateMembersCommand({ AccountIds: accountIds }));
  }
  return [...byRegion.values()].map((ids) => ids.length);
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;
const number = (n: number) => n.toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** The results as the table docs/benchmark.md shows. */
function render(result: BenchResult, tookSeconds: number): string {
  const invitedTarget = result.lowerBoundSeconds * INVITED_WALL_TIME_FACTOR;
  const alone =
    result.memberAlone === undefined
      ? { rows: [], lines: [] }
      : renderMemberAlone(
          result.memberAlone,
          { seconds: invitedTarget, label: `${round(invitedTarget)} s` },
          verdict,
        );
  const lines = [
    `muster benchmark: ${number(result.accounts)} accounts (${number(result.accounts - result.invitedAccounts)} in the organization, ` +
      `${number(result.invitedAccounts)} invited) × ${result.regions} Regions × ${result.services} services`,
    `stand-in: every member service throttled at 10 calls/s, burst 30, per account and Region; ${result.latencyMs} ms per call; MaxConcurrency ${result.maxConcurrency}`,
    ...(result.failure === 'none' ? [] : [`failure: ${result.failure}, ${FAILURES[result.failure]}`]),
    ...(result.memberWorkers === 0
      ? []
      : [
          result.memberAlone === undefined
            ? `member side: each Accept Batch invocation in a worker thread of its own (${result.memberWorkers} workers, ${result.memberWorkersWarmSeconds} s to start and load them before the execution, not in the wall time), as separate Lambdas run it`
            : `member side: each Accept Batch invocation ALONE, one after another, in a worker thread of its own running the function's Lambda bundle (${result.memberWorkers} workers, one per batch a round runs at once, ${result.memberWorkersWarmSeconds} s to bundle the function and start them before the execution, not in the wall time; each imports the bundle with its first batch, in it); the wall time with the batches side by side, as separate Lambdas run them, is modelled below`,
        ]),
    ...(result.sweep
      ? [
          `sweep: after the onboarding, ${number(result.drifted)} Security Hub memberships removed (${SWEEP_DRIFT_PERCENT}% of the organization accounts, each in one Region); the figures below are the sweep's alone`,
        ]
      : []),
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
    ...(result.memberSide.lowerBound === 0
      ? []
      : [
          `| member-side calls (with AssumeRole) | ${number(result.memberSide.calls)} (${(result.memberSide.calls / result.memberSide.lowerBound).toFixed(2)}× the lower bound) | ${number(Math.floor(result.memberSide.lowerBound * MEMBER_CALLS_FACTOR))} (${MEMBER_CALLS_FACTOR} × ${number(result.memberSide.lowerBound)}) | | ${verdict(result.targets.memberCalls)} |`,
        ]),
    `| Lambda invocations | ${number(result.lambdaInvocations)} | | | |`,
    `| state transitions | ${number(result.stateTransitions)} | | | |`,
    `| child executions (retries included) | ${number(result.childExecutions)} | | | |`,
    `| history events, parent | ${number(result.historyEvents)} | ${number(result.historyEventsTarget)} | ${number(result.historyEventsLimit)} | ${verdict(result.historyEvents <= result.historyEventsTarget)} |`,
    `| history events, largest child | ${number(result.largestChildHistoryEvents)} | ${number(result.historyEventsTarget)} | ${number(result.historyEventsLimit)} | ${verdict(result.largestChildHistoryEvents <= result.historyEventsTarget)} |`,
    `| largest state input or output, parent (${result.maxPayloadState}) | ${number(result.maxPayloadBytes)} B | ${number(result.maxPayloadTarget)} B | ${number(result.maxPayloadLimit)} B | ${verdict(result.maxPayloadBytes <= result.maxPayloadTarget)} |`,
    `| largest state input or output, children (${result.largestChildPayloadState}) | ${number(result.largestChildPayloadBytes)} B | ${number(result.maxPayloadTarget)} B | ${number(result.maxPayloadLimit)} B | ${verdict(result.largestChildPayloadBytes <= result.maxPayloadTarget)} |`,
    `| wall time on the stand-in | ${result.wallSeconds} s | ${result.wallSecondsTarget} s (2 × ${result.lowerBoundSeconds} s lower bound) | | ${verdict(result.targets.wallTime)} |`,
    ...(result.invitedAccounts === 0 || result.sweep
      ? []
      : [
          `| wall time with invited accounts${result.memberAlone === undefined ? '' : ', measured with each Accept Batch alone, one after another'} (issue 19: at most ${INVITED_WALL_TIME_FACTOR} × the lower bound) | ${result.wallSeconds} s | ${round(invitedTarget)} s | | ${verdict(result.wallSeconds <= invitedTarget)} |`,
          ...alone.rows,
        ]),
    `| before the execution: loading the functions' code (not in the wall time) | ${result.deploySeconds} s | | | |`,
    // The pacing floor is reckoned for an onboarding's calls, not a sweep's.
    ...(result.sweep
      ? []
      : [
          `| pacing floor: muster's token bucket per (account, Region, service), 10 calls/s after a burst of 30 | ${result.pacedLowerBoundSeconds} s | | | |`,
        ]),
    `| calls the stand-in answered with throttling (the SDK retried them) | ${number(result.throttledCalls)} | | | |`,
    `| CPU of the workflow process (every Lambda shares it here${result.memberWorkers === 0 ? '' : ', member-side worker threads included'}) | ${result.workflowCpuSeconds} s | | | |`,
    `| of which during the execution (a floor under the wall time while one process runs every Lambda) | ${result.executionCpuSeconds} s | | | |`,
    ...(result.executionMainThreadCpuSeconds === undefined
      ? []
      : [
          `| of which the main thread (every Lambda, the Step Functions engine, the runner; the rest is V8's compiler and collector threads${result.memberWorkers === 0 ? '' : ' and the member workers'}) | ${result.executionMainThreadCpuSeconds} s | | | |`,
        ]),
    `| the collector's pauses of the main thread during the execution | ${result.executionGcPauses.seconds} s (${number(result.executionGcPauses.pauses)}) | | | |`,
    ...(result.standInCpuSeconds === undefined
      ? []
      : [`| CPU of the stand-in's process during the execution | ${result.standInCpuSeconds} s | | | |`]),
    `| peak memory (RSS) | ${number(Math.round(result.peakRssBytes / 1024 / 1024))} MiB | | | |`,
    '',
    `Lambda invocations per state: ${Object.entries(result.lambdaInvocationsByState)
      .map(([state, n]) => `${state} ${number(n)}`)
      .join(', ')}`,
    `Seconds per state: ${Object.entries(result.phaseSeconds)
      .filter(([, s]) => s >= 0.01)
      .map(([state, s]) => `${state} ${s}`)
      .join(', ')}`,
    ...alone.lines,
    `The benchmark took ${round(tookSeconds)} s.`,
  );
  const script = result.detectiveScript;
  if (script !== undefined)
    lines.push(
      '',
      '| side by side, same scenario | calls | administrator side | member side | wall time |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| public Detective script (${script.source}; not re-measured here) | ${number(script.scriptCalls)} | ${number(script.scriptAdministratorCalls)} | ${number(script.scriptCalls - script.scriptAdministratorCalls)} | |`,
      `| muster (this run) | ${number(script.musterCalls)} | ${number(script.musterAdministratorCalls)} | ${number(script.musterCalls - script.musterAdministratorCalls)} | ${result.wallSeconds} s |`,
      `| target: at most half the script's calls | ${number(script.target)} | | | ${verdict(script.met)} |`,
    );
  return lines.join('\n');
}

/** `npm run bench -- --cold-start [--dist DIR] [--before DIR] [--runs N]`: each bundle's cold start (cold-start.ts). */
async function coldStartMain(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'cold-start': { type: 'boolean' },
      dist: { type: 'string', default: 'dist' },
      before: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const dist = values.dist ?? 'dist';
  const runs = count(values.runs, 'runs', 5, 1, 50);
  // An earlier build (--before DIR) is measured first, in the same conditions, instead of the recorded figures.
  const before =
    values.before === undefined
      ? RECORDED_BEFORE
      : {
          when: `${values.before}, measured in this run`,
          results: await measureColdStarts(values.before, runs),
        };
  const results = await measureColdStarts(dist, runs);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ before, results }, null, 2)}\n`
      : `${renderColdStarts(dist, runs, results, before)}\n`,
  );
}

async function main(): Promise<void> {
  if (process.argv.includes('--cold-start')) return coldStartMain(process.argv.slice(2));
  if (process.argv.includes('--per-call')) return perCallMain(process.argv.slice(2));
  if (process.argv.includes('--coverage')) {
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    await benchCoverage(process.argv.slice(2));
    return;
  }
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

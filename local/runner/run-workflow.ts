import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { pick } from 'zod/mini';
import { s3Client } from '../../functions/shared/aws/s3.ts';
import {
  type OnboardingReport,
  type Plan,
  planSchema,
  type ReportFiles,
} from '../../functions/shared/contracts.ts';
import { DEFAULT_SERVICES } from '../../functions/shared/domain/services.ts';
import { parseJsonLines, type ReportRow } from '../../functions/shared/report/files.ts';
import { readParsed, s3ReportStore } from '../../functions/shared/report/store.ts';
import { type Inspection, type ScenarioInput, type StandIn, startStandIn } from '../standin/index.ts';
import { Containers } from './containers.ts';
import { type GcPauses, mainThreadCpuSeconds, watchGcPauses } from './cpu.ts';
import { type EventLog, HistoryMeter } from './history.ts';
import { lambdaContext } from './lambda-context.ts';
import type { TaskInvoke, TaskWrapper } from './sandbox.ts';

// aws-local-stepfunctions uses Promise.withResolvers, which Node 22 added and Node 20 lacks.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFINITION_PATH = `${ROOT}statemachines/onboarding.asl.json`;
/** The child state machine: one batch of accounts, started by the parent's Onboard Batch state. */
export const BATCH_DEFINITION_PATH = `${ROOT}statemachines/batch.asl.json`;
export const HEALTHY_SCENARIO = `${ROOT}local/scenarios/healthy.json`;

/** Workflow settings, as the stack parameters set them (PollTimeoutMinutes, MaxConcurrency, ...). */
export interface WorkflowSettings {
  pollIntervalSeconds: number;
  pollTimeoutMinutes: number;
  maxAttempts: number;
  maxConcurrency: number;
  memberBatchSize: number;
}

export const DEFAULT_SETTINGS: WorkflowSettings = {
  pollIntervalSeconds: 60,
  pollTimeoutMinutes: 30,
  maxAttempts: 5,
  maxConcurrency: 10,
  memberBatchSize: 20,
};

/** What a run needs of a stand-in: a StandIn, or one in another process (standin-process.ts). */
export interface StandInHandle extends Pick<StandIn, 'port' | 'scenario' | 'env'> {
  inspect(): Inspection | Promise<Inspection>;
  /** CPU seconds its process has used, when it runs in one of its own (standin-process.ts). */
  cpuSeconds?(): number | undefined;
}

export interface LocalRunOptions {
  /** A scenario file or object for the stand-in; defaults to the healthy organization. */
  scenario?: string | ScenarioInput;
  /** The execution input: an EventBridge event or a manual input. Defaults to every account. */
  input?: unknown;
  /** Compresses every wait, in the workflow and in the stand-in: 0.01 turns a minute into 0.6 s. */
  timeScale?: number;
  /** Compresses the workflow's Wait states and retry intervals alone (default: timeScale). */
  waitScale?: number;
  settings?: Partial<WorkflowSettings>;
  /** More function environment, e.g. { ALLOW_TAKE_OVER: 'true' }. */
  env?: Record<string, string>;
  onEvent?: (event: EventLog) => void;
  /**
   * A stand-in the caller started: the run uses it instead of starting one from `scenario`, and leaves
   * it running, so runs can follow one another (re-run after clearing faults) or overlap (a duplicated
   * event). Pass the timeScale it was started with.
   */
  standIn?: StandInHandle;
  /** Wraps each Task state's Lambda invocation, e.g. `crashAfterCall(...).wrap` (sandbox.ts). */
  wrapTask?: TaskWrapper;
  /** The execution's name (default local-<n>); it ends up in the member role's session name. */
  executionName?: string;
  /**
   * Bytes of JSON a state's input or output may have before the run fails with
   * States.DataLimitExceeded: Step Functions' 256 KiB by default; tests hold muster to 200 KiB.
   */
  payloadLimit?: number;
  /**
   * Seconds before the parent's Onboard Batch task times out and stops its child: the state's
   * TimeoutSeconds by default (6 hours); a test shortens it (whole seconds, as the ASL takes).
   */
  childTimeoutSeconds?: number;
}

/** One child execution, as the runner ran it: its own history, payloads and limits. */
export interface ChildRun {
  name: string;
  /** ABORTED: the parent's task timed out and stopped it, as Step Functions stops a `.sync` child. */
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  error?: string;
  cause?: string;
  history: { historyEvents: number; stateTransitions: number; lambdaInvocations: number };
  maxPayloadBytes: number;
  maxPayloadState: string;
  /**
   * Other children of the parent still running when this one started: children of different Region
   * groups run side by side, those of one group (its account batches) one after another.
   */
  runningAtStart: string[];
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  plan?: Plan;
  /** The Merge Reports output: the report's bounded summary. */
  report?: OnboardingReport;
  /** Every child execution the parent started, retries included, in the order they ended. */
  children: ChildRun[];
  /** Every membership of the report file (report.files.jsonl), read back from the stand-in's S3. */
  memberships?: ReportRow[];
  /** The account lists of a plan with nothing to do (a dry run), read back from the object its planKey names. */
  storedPlan?: Pick<Plan, 'accounts' | 'accountIds' | 'skipped'>;
  history: HistoryMeter;
  standIn: Inspection;
  /** From the execution's start (the definition checked) to its end. */
  wallSeconds: number;
  /** CPU this process spent from the execution's start to its end: every Lambda, the runner, the engine. */
  executionCpuSeconds: number;
  /**
   * Of executionCpuSeconds, the main thread's, where every Lambda, the engine and the runner run
   * (Linux only, to 10 ms); the rest is V8's own threads: its optimizing compiler, the collector's helpers.
   */
  executionMainThreadCpuSeconds?: number;
  /** The collector's pauses of the main thread during the execution. */
  executionGcPauses: GcPauses;
  /** CPU the stand-in's own process spent during the execution (Linux only, to 10 ms). */
  standInCpuSeconds?: number;
  /** Before the execution: loading the functions' code, the first time a deployment runs. */
  deploySeconds: number;
}

/** Bytes of JSON a state's input or output may have (docs/aws-facts.md, Step Functions). */
export const STATE_PAYLOAD_LIMIT = 262_144;

/** The report file's rows, read as `muster status` reads them: GetObject on the report bucket. */
async function readReportFile(env: Record<string, string>, files: ReportFiles): Promise<ReportRow[]> {
  const store = s3ReportStore(
    s3Client(env.AWS_REGION ?? 'us-east-1', { maxAttempts: 3 }, true),
    files.bucket,
  );
  return parseJsonLines(await store.get(files.jsonl));
}

/** `${CreateMembersFunctionArn}` → `create-members`, the folder under functions/. */
function functionFolder(placeholder: string): string {
  return placeholder.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Where the parent's definition says how long Onboard Batch waits for its child: the Map inside the Map. */
interface OnboardBatchDefinition {
  States: {
    'Onboard Batches': {
      ItemProcessor: {
        States: {
          'Onboard Group': { ItemProcessor: { States: { 'Onboard Batch': { TimeoutSeconds: number } } } };
        };
      };
    };
  };
}

interface TaskBinding {
  state: string;
  folder: string;
}

function taskBindings(
  states: Record<string, { Type: string; Resource?: string; ItemProcessor?: { States: never } }>,
) {
  const bindings: TaskBinding[] = [];
  for (const [state, definition] of Object.entries(states)) {
    const match =
      definition.Type === 'Task' ? /^\$\{(\w+)FunctionArn\}$/.exec(definition.Resource ?? '') : null;
    if (match?.[1] !== undefined) bindings.push({ state, folder: functionFolder(match[1]) });
    if (definition.ItemProcessor !== undefined)
      bindings.push(...taskBindings(definition.ItemProcessor.States));
  }
  return bindings;
}

// Handlers keep SDK clients per Region for the life of the "container", as Lambda does. Their
// endpoint is read when a client is made, so every run in this process reuses the first port.
let standInPort = 0;

// One set of containers per deployment: a changed endpoint or environment starts cold, as in Lambda.
const deployments = new Map<string, Promise<Containers>>();
// One checked state machine per definition text, as Step Functions checks a definition once, when it is
// created: aws-local-stepfunctions compiles its JSON schema for every `new StateMachine` (about 0.25 s).
const machines = new Map<string, StateMachine>();
function stateMachine(definitionText: string): StateMachine {
  let machine = machines.get(definitionText);
  if (machine === undefined) {
    machine = new StateMachine(JSON.parse(definitionText));
    machines.set(definitionText, machine);
  }
  return machine;
}
let executions = 0;

/**
 * Runs the real state machine file with aws-local-stepfunctions, its Lambda tasks bound to the
 * real handlers, against the local AWS stand-in. Nothing leaves 127.0.0.1.
 */
export async function runLocalWorkflow(options: LocalRunOptions = {}): Promise<LocalRunResult> {
  const timeScale = options.timeScale ?? 0.01;
  const waitScale = options.waitScale ?? timeScale;
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const own =
    options.standIn === undefined
      ? await startStandIn({ scenario: options.scenario ?? HEALTHY_SCENARIO, port: standInPort, timeScale })
      : undefined;
  const standIn = (options.standIn ?? own) as StandInHandle;
  if (standInPort === 0) standInPort = standIn.port;
  try {
    const administratorId = standIn.scenario.administratorAccountId;
    const env: Record<string, string> = {
      ...standIn.env,
      ADMINISTRATOR_ACCOUNT_ID: administratorId,
      DEFAULT_REGIONS: standIn.scenario.regions.join(','),
      DEFAULT_SERVICES: DEFAULT_SERVICES.join(','),
      MEMBER_ROLE_NAME: standIn.scenario.memberRoleName ?? 'MusterMemberRole',
      MAX_CONCURRENCY: String(settings.maxConcurrency),
      MEMBER_BATCH_SIZE: String(settings.memberBatchSize),
      MAX_ATTEMPTS: String(settings.maxAttempts),
      POLL_INTERVAL_SECONDS: String(settings.pollIntervalSeconds),
      POLL_TIMEOUT_MINUTES: String(settings.pollTimeoutMinutes),
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // With tracing off, X-Ray's automatic mode would only hook every promise of the process.
      AWS_XRAY_MANUAL_MODE: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      ...options.env,
    };
    Object.assign(process.env, env);
    const substitute = (path: string) =>
      readFileSync(path, 'utf8')
        .replace(
          /\$\{(\w+)FunctionArn\}/g,
          (_, name: string) =>
            `arn:aws:lambda:us-east-1:${administratorId}:function:muster-${functionFolder(name)}`,
        )
        .replace(
          // The ASL's own DefinitionSubstitutions placeholder, not a template literal.
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is ASL text
          '${BatchStateMachineArn}',
          `arn:aws:states:us-east-1:${administratorId}:stateMachine:muster-onboarding-batch`,
        )
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder is ASL text
        .replace('${StartExecutionSyncArn}', 'arn:aws:states:::states:startExecution.sync:2');
    const parentDefinition = JSON.parse(substitute(DEFINITION_PATH)) as OnboardBatchDefinition;
    const onboardBatch =
      parentDefinition.States['Onboard Batches'].ItemProcessor.States['Onboard Group'].ItemProcessor.States[
        'Onboard Batch'
      ];
    if (options.childTimeoutSeconds !== undefined) onboardBatch.TimeoutSeconds = options.childTimeoutSeconds;
    const childTimeoutMs = 1000 * onboardBatch.TimeoutSeconds;
    const machine = stateMachine(JSON.stringify(parentDefinition));
    const batchMachine = stateMachine(substitute(BATCH_DEFINITION_PATH));
    const parentBindings = taskBindings(JSON.parse(readFileSync(DEFINITION_PATH, 'utf8')).States);
    const childBindings = taskBindings(JSON.parse(readFileSync(BATCH_DEFINITION_PATH, 'utf8')).States);
    const bindings = [...parentBindings, ...childBindings];
    const deployment = JSON.stringify(env);
    const deploying = performance.now();
    let deployed = deployments.get(deployment);
    if (deployed === undefined) {
      const fresh = new Containers(ROOT);
      // Kept as a promise at once: overlapping runs of one deployment share its containers.
      deployed = fresh.deploy(bindings.map(({ folder }) => folder)).then(() => fresh);
      deployments.set(deployment, deployed);
    }
    const containers = await deployed;
    const deploySeconds = (performance.now() - deploying) / 1000;
    const handlers: Record<string, (input: unknown) => Promise<never>> = {};
    for (const { state, folder } of bindings) {
      const invoke: TaskInvoke = (input) =>
        containers.invoke(folder, input, lambdaContext(`muster-${folder}`, administratorId));
      const call = options.wrapTask?.(state, invoke) ?? invoke;
      handlers[state] = async (input) => (await call(input)) as never;
    }
    const waitMs = Math.max(1, Math.round(1000 * waitScale));
    const limit = options.payloadLimit ?? STATE_PAYLOAD_LIMIT;
    const overrides = (local: Record<string, (input: unknown) => Promise<never>>) => ({
      taskResourceLocalHandlers: local,
      // Backoff waits are at most minutes in AWS; here they only need to let the stand-in move on.
      waitTimeOverrides: {
        'Wait Before Create': waitMs * 5,
        'Wait For Members': Math.round(settings.pollIntervalSeconds * 1000 * waitScale),
      },
      retryIntervalOverrides: Object.fromEntries(
        [...bindings.map(({ state }) => state), 'Onboard Batch'].map((state) => [state, waitMs]),
      ),
    });
    // The execution starts here: checking the definition is deployment work, not part of a run.
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    const mainAtStart = mainThreadCpuSeconds();
    const standInAtStart = standIn.cpuSeconds?.();
    const gcPauses = watchGcPauses();
    executions += 1;
    const name = options.executionName ?? `local-${Date.now()}-${executions}`;
    const children: ChildRun[] = [];
    // Children of different Region groups run at once: each is numbered when it starts.
    let childrenStarted = 0;
    const running = new Set<string>();
    const history = new HistoryMeter();

    // startExecution.sync:2 as Step Functions runs it: a new execution of the child state machine
    // with its own history and its own payload limit; the task fails when the child does
    // (States.TaskFailed), and otherwise returns DescribeExecution's answer with Output as JSON.
    const startChild = async (parameters: unknown) => {
      const { Input: childInput } = parameters as { Input: unknown };
      childrenStarted += 1;
      const childName = `${name}-batch-${childrenStarted}`;
      const runningAtStart = [...running];
      running.add(childName);
      const arn = `arn:aws:states:us-east-1:${administratorId}:execution:muster-onboarding-batch:${childName}`;
      const childHistory = new HistoryMeter();
      const childExecution = batchMachine.run(childInput as never, {
        overrides: overrides(handlers),
        context: {
          Execution: {
            Id: arn,
            Name: childName,
            StartTime: new Date().toISOString(),
            Input: childInput as never,
          },
        },
      });
      let failure: { error: string; cause: string } | undefined;
      let output: unknown;
      const watchingChild = (async () => {
        for await (const event of childExecution.eventLogs) {
          childHistory.record(event);
          options.onEvent?.(event);
        }
      })();
      // When the task times out, Step Functions stops the child (docs/aws-facts.md, Step Functions);
      // aws-local-stepfunctions fails the task with States.Timeout and leaves the child running: it is
      // stopped here a millisecond later, once the task has failed.
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          childExecution.abort();
          reject(Object.assign(new Error('stopped: the task timed out'), { name: 'ExecutionAborted' }));
        }, childTimeoutMs + 1);
      });
      try {
        output = await Promise.race([childExecution.result, timeout]);
      } catch (error) {
        const cause = ((error as { cause?: unknown }).cause ?? error) as Error;
        failure = { error: cause.name, cause: cause.message };
      } finally {
        clearTimeout(timer);
      }
      await watchingChild;
      running.delete(childName);
      const over = childHistory.firstAbove(limit);
      if (over !== undefined)
        failure = {
          error: 'States.DataLimitExceeded',
          cause: `${over.state}: a state input or output of ${over.bytes} bytes, more than the ${limit} allowed`,
        };
      // Lambda invocations are counted across the parent and its children (history is not).
      for (const [state, count] of childHistory.invocations)
        history.invocations.set(state, (history.invocations.get(state) ?? 0) + count);
      children.push({
        name: childName,
        status: timedOut ? 'ABORTED' : failure === undefined ? 'SUCCEEDED' : 'FAILED',
        ...(failure === undefined ? {} : { error: failure.error, cause: failure.cause }),
        history: {
          historyEvents: childHistory.historyEvents,
          stateTransitions: childHistory.stateTransitions,
          lambdaInvocations: childHistory.lambdaInvocations,
        },
        maxPayloadBytes: childHistory.maxPayloadBytes,
        maxPayloadState: childHistory.maxPayloadState,
        runningAtStart,
      });
      if (failure !== undefined) {
        const taskFailed = new Error(
          JSON.stringify({ ExecutionArn: arn, Status: 'FAILED', Error: failure.error, Cause: failure.cause }),
        );
        taskFailed.name = 'States.TaskFailed';
        throw taskFailed;
      }
      return { ExecutionArn: arn, Status: 'SUCCEEDED', Output: output } as never;
    };

    // Only a missing input means every account: null is an input like any other (and a bad one).
    const input = options.input === undefined ? { allAccounts: true } : options.input;
    const execution = machine.run(input as never, {
      overrides: overrides({ ...handlers, 'Onboard Batch': startChild }),
      context: {
        Execution: {
          Id: `arn:aws:states:us-east-1:${administratorId}:execution:muster-onboarding:${name}`,
          Name: name,
          StartTime: new Date().toISOString(),
          Input: input as never,
        },
      },
    });

    let plan: Plan | undefined;
    let report: OnboardingReport | undefined;
    const watching = (async () => {
      for await (const event of execution.eventLogs) {
        history.record(event);
        if (event.type === 'StateExited' && event.state.name === 'Resolve Accounts') {
          plan = (event.state.output as { plan?: Plan }).plan;
        }
        if (event.type === 'StateExited' && event.state.name === 'Merge Reports') {
          report = (event.state.output as { report?: OnboardingReport }).report;
        }
        options.onEvent?.(event);
      }
    })();

    let result: Omit<
      LocalRunResult,
      | 'history'
      | 'standIn'
      | 'wallSeconds'
      | 'executionCpuSeconds'
      | 'executionGcPauses'
      | 'deploySeconds'
      | 'plan'
      | 'report'
      | 'children'
    >;
    try {
      result = { status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      // ExecutionError wraps the failing state's error: its name is Error, its message the Cause.
      const failure = ((error as { cause?: unknown }).cause ?? error) as Error;
      result = { status: 'FAILED', error: failure.name, cause: failure.message };
    }
    await watching;
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    const executionCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const executionGcPauses = gcPauses();
    const mainAtEnd = mainThreadCpuSeconds();
    const standInAtEnd = standIn.cpuSeconds?.();
    // Step Functions fails the execution at the first state whose input or output passes 256 KiB;
    // the local engine does not check, so the run fails here, after the fact, without a report.
    const over = history.maxPayloadBytes > limit ? history.firstAbove(limit) : undefined;
    if (over !== undefined) {
      result = {
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: `${over.state}: a state input or output of ${over.bytes} bytes, more than the ${limit} allowed`,
      };
      report = undefined;
    }
    const memberships = report?.files === undefined ? undefined : await readReportFile(env, report.files);
    const planKey = (plan as { planKey?: string } | undefined)?.planKey;
    const storedPlan =
      planKey === undefined
        ? undefined
        : await readParsed(
            s3ReportStore(
              s3Client(env.AWS_REGION ?? 'us-east-1', { maxAttempts: 3 }, true),
              env.REPORT_BUCKET ?? '',
            ),
            planKey,
            pick(planSchema, { accounts: true, accountIds: true, skipped: true }),
          );
    return {
      ...result,
      ...(plan === undefined ? {} : { plan }),
      ...(report === undefined ? {} : { report }),
      ...(memberships === undefined ? {} : { memberships }),
      ...(storedPlan === undefined ? {} : { storedPlan }),
      children,
      history,
      standIn: await standIn.inspect(),
      wallSeconds,
      executionCpuSeconds,
      ...(mainAtStart === undefined || mainAtEnd === undefined
        ? {}
        : { executionMainThreadCpuSeconds: mainAtEnd - mainAtStart }),
      executionGcPauses,
      ...(standInAtStart === undefined || standInAtEnd === undefined
        ? {}
        : { standInCpuSeconds: standInAtEnd - standInAtStart }),
      deploySeconds,
    };
  } finally {
    await own?.stop();
  }
}

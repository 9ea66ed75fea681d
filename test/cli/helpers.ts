import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Io } from '../../cli/io.ts';
import type { OnboardingReport, Plan } from '../../functions/shared/contracts.ts';

/** A stream that keeps what is written; `isTTY` makes it look like a terminal. */
export class MemoryStream extends Writable {
  text = '';
  isTTY: boolean;
  columns = 100;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface MemoryIo extends Io {
  stdout: MemoryStream;
  stderr: MemoryStream;
}

export interface MemoryIoOptions {
  tty?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /** What standard input holds (`--csv -`). */
  stdin?: string;
  /** Whether standard input is a terminal (where `start` may ask). */
  stdinTty?: boolean;
  /** The answers typed at the questions, in order. */
  answers?: string[];
}

/** An Io that records output and questions, never sleeps, and starts at a fixed time. */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo & { questions: string[] } {
  const answers = [...(options.answers ?? [])];
  const questions: string[] = [];
  return {
    questions,
    stdin: {
      isTTY: options.stdinTty ?? false,
      readAll: async () => options.stdin ?? '',
      ask: async (question) => {
        questions.push(question);
        const answer = answers.shift();
        if (answer === undefined) throw new Error(`memoryIo: no answer left for ${JSON.stringify(question)}`);
        return answer;
      },
    },
    stdout: new MemoryStream(options.tty),
    stderr: new MemoryStream(options.tty),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => new Date('2025-03-04T05:06:07.890Z'),
    sleep: async () => undefined,
  };
}

export const ADMINISTRATOR = '111111111111';
export const STATE_MACHINE_ARN = `arn:aws:states:eu-west-1:${ADMINISTRATOR}:stateMachine:muster-onboarding`;
export const EXECUTION_ARN = `arn:aws:states:eu-west-1:${ADMINISTRATOR}:execution:muster-onboarding:muster-0a1b2c3d-20250304T050607`;

export function samplePlan(overrides: Partial<Plan> = {}): Plan {
  const accounts = [
    { accountId: '200000000001', email: 'one@example.com' },
    { accountId: '200000000002', email: 'two@example.com' },
    { accountId: '200000000003', email: 'three@example.com' },
  ];
  const regions = ['us-east-1', 'eu-west-1'];
  const services = ['securityhub', 'detective'] as const;
  return {
    administratorId: ADMINISTRATOR,
    trigger: 'manual',
    dryRun: false,
    regions,
    services: [...services],
    accounts,
    accountIds: accounts.map(({ accountId }) => accountId),
    invitationBased: 0,
    skipped: [
      {
        accountId: ADMINISTRATOR,
        outcome: 'SKIPPED_ADMINISTRATOR',
        reason: 'this is the administrator account itself; it cannot be its own member',
      },
    ],
    pairs: regions.flatMap((region) => services.map((service) => ({ region, service }))),
    homes: [
      ...regions.map((region) => ({ region, service: 'securityhub' as const })),
      {
        region: 'us-east-1',
        service: 'detective' as const,
        home: `arn:aws:detective:us-east-1:${ADMINISTRATOR}:graph:${'a'.repeat(32)}`,
      },
    ],
    centrallyConfigured: [],
    invitedAccountIds: [],
    notOffered: [],
    hasWork: true,
    settings: {
      maxConcurrency: 10,
      memberBatchSize: 20,
      maxAttempts: 5,
      pollIntervalSeconds: 60,
      maxPollRounds: 30,
    },
    ...overrides,
  };
}

/** The report for samplePlan: one CONFLICT, the rest enabled, the administrator skipped everywhere. */
export function sampleReport(overrides: Partial<OnboardingReport> = {}): OnboardingReport {
  const skipped = {
    outcome: 'SKIPPED_ADMINISTRATOR' as const,
    reason: 'this is the administrator account itself; it cannot be its own member',
    pairs: samplePlan().pairs,
    accountIds: [ADMINISTRATOR],
  };
  return {
    status: 'NEEDS_ATTENTION',
    keepPolling: false,
    counts: { ENABLED: 11, CONFLICT: 1, SKIPPED_ADMINISTRATOR: 4 },
    notEnabled: [
      {
        outcome: 'CONFLICT',
        reason: 'already a member of Security Hub administrator 999999999999',
        pairs: [{ region: 'us-east-1', service: 'securityhub' }],
        accountIds: ['200000000002'],
      },
      skipped,
    ],
    notEnabledComplete: true,
    omitted: { groups: 0, memberships: 0 },
    carriedKey: 'executions/muster-onboarding/run/round-0/carried.json',
    memberBatchSize: 20,
    invitationsKey: null,
    pendingAccountIds: [],
    invitations: [],
    round: 1,
    total: 16,
    cause: '1 of 16 memberships need attention',
    ...overrides,
  };
}

export const settledReport = (): OnboardingReport =>
  sampleReport({
    status: 'SUCCEEDED',
    counts: { ENABLED: 12, SKIPPED_ADMINISTRATOR: 4 },
    notEnabled: sampleReport().notEnabled.filter(({ outcome }) => outcome !== 'CONFLICT'),
    cause: '0 of 16 memberships need attention',
  });

/** Builds a Step Functions execution history the way GetExecutionHistory returns it. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];

  private add(event: Omit<HistoryEvent, 'id' | 'timestamp'>): this {
    this.events.push({
      id: this.events.length + 1,
      timestamp: new Date(Date.UTC(2025, 2, 4, 5, 6, 7 + this.events.length)),
      ...event,
    } as HistoryEvent);
    return this;
  }

  started(input: unknown): this {
    return this.add({
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: JSON.stringify(input) },
    });
  }

  task(name: string, output: unknown): this {
    this.add({ type: 'TaskStateEntered', stateEnteredEventDetails: { name, input: '{}' } });
    this.add({ type: 'LambdaFunctionScheduled' });
    this.add({ type: 'LambdaFunctionStarted' });
    this.add({ type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: '{}' } });
    return this.add({
      type: 'TaskStateExited',
      stateExitedEventDetails: { name, output: JSON.stringify(output) },
    });
  }

  state(kind: 'Pass' | 'Map' | 'Choice' | 'Wait', name: string, output: unknown = {}): this {
    this.add({ type: `${kind}StateEntered`, stateEnteredEventDetails: { name, input: '{}' } });
    return this.add({
      type: `${kind}StateExited`,
      stateExitedEventDetails: { name, output: JSON.stringify(output) },
    });
  }

  entered(kind: 'Map' | 'Fail' | 'Succeed' | 'Task', name: string): this {
    return this.add({ type: `${kind}StateEntered`, stateEnteredEventDetails: { name, input: '{}' } });
  }

  succeeded(output: unknown): this {
    return this.add({
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: JSON.stringify(output) },
    });
  }

  failed(error: string, cause: string): this {
    return this.add({ type: 'ExecutionFailed', executionFailedEventDetails: { error, cause } });
  }

  /** Resolve, the administrator side for every pair of the plan, and the first check. */
  static throughFirstCheck(plan: Plan, report: OnboardingReport): HistoryBuilder {
    const history = new HistoryBuilder().started({ allAccounts: true }).task('Resolve Accounts', { plan });
    history.state('Choice', 'Has Work?').entered('Map', 'Onboard Each Region');
    for (const { region, service } of plan.pairs) {
      history.task('Create Members', {});
      history.state('Pass', 'Region Done', { region, service, failed: [] });
    }
    history.add({
      type: 'MapStateExited',
      stateExitedEventDetails: { name: 'Onboard Each Region', output: '{}' },
    });
    return history.state('Pass', 'Start Checking').task('Check Members', { plan, report });
  }
}

/**
 * Runs `use` in a fresh folder holding `big.csv`: 4,000 accounts with their emails, an input of about
 * 300,000 bytes, more than StartExecution takes (262,144); the folder is removed afterwards.
 */
export async function withOversizedCsv(use: (folder: string) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'muster-big-'));
  try {
    const rows = Array.from(
      { length: 4_000 },
      (_, i) => `${200000000000 + i},aws-root+account-${String(i).padStart(5, '0')}@example-corp.com`,
    );
    writeFileSync(join(folder, 'big.csv'), ['Account ID,Email', ...rows].join('\n'));
    await use(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** What the CLI says of an input over StartExecution's limit. */
export const OVERSIZED_INPUT =
  /the input is 3\d\d,\d{3} bytes of JSON, more than the 262,144 StartExecution takes/;

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OnboardingReport } from '../../functions/shared/contracts.ts';
import { membershipKey } from '../../functions/shared/domain/keys.ts';
import { Containers } from '../../local/runner/containers.ts';
import { type EventLog, HistoryMeter } from '../../local/runner/history.ts';
import { runLocalWorkflow, STATE_PAYLOAD_LIMIT } from '../../local/runner/run-workflow.ts';
import { crashAfterCall } from '../../local/runner/sandbox.ts';
import { startStandInProcess } from '../../local/runner/standin-process.ts';
import {
  enabledInStandIn,
  readReport,
  requestedMemberships,
  unneededInvitations,
} from '../../local/runner/verify.ts';
import { type Inspection, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { ADMIN, smallScenario } from './helpers.ts';

const PARENT = new URL('./fixtures/standin-parent.ts', import.meta.url);

describe('crashAfterCall', () => {
  let server: Server;
  let port = 0;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  afterEach(() => {
    received.length = 0;
  });

  /** Two calls in a row, as a handler makes them; the result says how far it got. */
  async function handler(): Promise<string> {
    const post = (path: string) =>
      new Promise<void>((resolve, reject) => {
        const call = request({ host: '127.0.0.1', port, path, method: 'POST' }, (response) => {
          response.resume();
          response.on('end', resolve);
        });
        call.on('error', reject);
        call.end('{}');
      });
    await post('/first');
    try {
      await post('/second');
    } catch (error) {
      return `second failed: ${(error as Error).name}`;
    }
    return 'both answered';
  }

  it('returns Lambda.Unknown and never sends the later call when the invocation dies after the named call', async () => {
    const crash = crashAfterCall({ state: 'Create Members', after: 'POST /first' });
    const invoke = crash.wrap('Create Members', handler);

    const error = await invoke({}).catch((failure: unknown) => failure as Error);

    expect(error).toMatchObject({ name: 'Lambda.Unknown' });
    expect(received).toEqual(['POST /first']);
    expect(crash.crashes).toBe(1);
  });

  it('returns the result once the crash has happened as often as asked, and leaves other states alone', async () => {
    const crash = crashAfterCall({
      state: 'Create Members',
      after: 'POST /first',
      failure: 'Sandbox.Timedout',
    });
    const invoke = crash.wrap('Create Members', handler);

    await expect(invoke({})).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(await invoke({})).toBe('both answered');
    expect(await crash.wrap('Invite Members', handler)({})).toBe('both answered');
    expect(received).toEqual(['POST /first', 'POST /first', 'POST /second', 'POST /first', 'POST /second']);
  });
});

describe('Containers', () => {
  let root = '';

  beforeAll(() => {
    root = `${mkdtempSync(join(tmpdir(), 'muster-containers-'))}/`;
    // A container's state is its own: each answers with its container's id, and with how many
    // times the code was loaded (once per process, shared by every container).
    for (const folder of ['probe', 'deployed']) {
      mkdirSync(`${root}functions/${folder}`, { recursive: true });
      writeFileSync(
        `${root}functions/${folder}/handler.ts`,
        `const counter = globalThis as { ${folder}Loads?: number };
counter.${folder}Loads = (counter.${folder}Loads ?? 0) + 1;
export function createHandler() {
  const container = Math.random();
  return async (event: { ms: number }) => {
    await new Promise((resolve) => setTimeout(resolve, event.ms));
    return { container, loads: counter.${folder}Loads };
  };
}
`,
      );
    }
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('loads a second container for an overlapping invocation and reuses an idle one afterwards', async () => {
    const containers = new Containers(root);
    const context = {} as Context;

    const [first, second] = await Promise.all([
      containers.invoke('probe', { ms: 20 }, context),
      containers.invoke('probe', { ms: 20 }, context),
    ]);
    const third = await containers.invoke('probe', { ms: 0 }, context);

    expect(first).not.toEqual(second);
    expect([first, second]).toContainEqual(third);
  });

  it('loads the code when it deploys, and still starts each container fresh', async () => {
    const containers = new Containers(root);
    const context = {} as Context;

    await containers.deploy(['deployed', 'deployed']);
    const [first, second] = await Promise.all([
      containers.invoke('deployed', { ms: 20 }, context),
      containers.invoke('deployed', { ms: 20 }, context),
    ]);

    expect(first).toMatchObject({ loads: 1 });
    expect(second).toMatchObject({ loads: 1 });
    expect(first).not.toEqual(second);
  });
});

describe('runLocalWorkflow with a stand-in the caller started', () => {
  const started: StandIn[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('leaves the stand-in running, so a second run finds every membership in place and changes none', async () => {
    const s = await startStandIn({
      scenario: smallScenario({ faults: { throttle: true } }),
      timeScale: 0.01,
    });
    started.push(s);
    const input = { accounts: [{ accountId: '000000000002', email: 'a@example.com' }] };

    const first = await runLocalWorkflow({ standIn: s, input, timeScale: 0.01 });
    s.clearFaults();
    s.resetCounters();
    const before = s.inspect().membership;
    const second = await runLocalWorkflow({ standIn: s, input, timeScale: 0.01, executionName: 'again' });

    expect(first.status).toBe('SUCCEEDED');
    // The process's CPU during the execution is measured apart from the deployment before it.
    expect(first.executionCpuSeconds).toBeGreaterThan(0);
    expect(second.status).toBe('SUCCEEDED');
    expect(second.report?.counts).toEqual({ ENABLED: 4 });
    expect(s.inspect().membership).toEqual(before);
    expect(s.inspect().calls.total).toBeGreaterThan(0);
  });
});

describe('runLocalWorkflow and the 256 KiB Step Functions allows a state', () => {
  it('fails the child execution with States.DataLimitExceeded, naming the state, when a state passes it; the parent reports its batch', async () => {
    const run = await runLocalWorkflow({
      scenario: smallScenario(),
      timeScale: 0.01,
      input: { accounts: [{ accountId: '000000000002', email: 'a@example.com' }] },
      // A Create Members answer padded past the limit, as a mass of per-account reasons once was.
      wrapTask: (state, invoke) =>
        state === 'Create Members'
          ? async (input) => ({
              ...((await invoke(input)) as object),
              padding: 'x'.repeat(STATE_PAYLOAD_LIMIT),
            })
          : invoke,
    });

    // Started twice (the parent's retry), failing the same way each time.
    expect(run.children).toHaveLength(2);
    for (const child of run.children) {
      expect(child).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(child.cause).toMatch(
        /^Create Members: a state input or output of \d+ bytes, more than the 262144 allowed$/,
      );
    }
    expect(run).toMatchObject({ status: 'FAILED', error: 'OnboardingNeedsAttention' });
    expect(run.memberships?.length).toBeGreaterThan(0);
    expect(run.memberships?.every(({ outcome }) => outcome === 'FAILED')).toBe(true);
  });
});

describe("runLocalWorkflow and the parent's Onboard Batch timeout", () => {
  it('stops the child when the task times out, so it makes no call after, and reports its batch FAILED with States.Timeout', async () => {
    let releaseCheck: () => void = () => undefined;
    const checkHeld = new Promise<void>((resolve) => {
      releaseCheck = resolve;
    });
    const entered: string[] = [];
    const run = await runLocalWorkflow({
      scenario: smallScenario(),
      timeScale: 0.01,
      input: { accounts: [{ accountId: '000000000002', email: 'a@example.com' }] },
      childTimeoutSeconds: 1,
      // The child's first check hangs past the timeout, as a stuck child would.
      wrapTask: (state, invoke) => async (input) => {
        entered.push(state);
        if (state === 'Check Members') await checkHeld;
        return invoke(input);
      },
    });
    const stateAfterTimeout = entered.length;
    releaseCheck();
    // The held check now ends; a child still running would go on to its next state.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(run.children.map(({ status }) => status)).toEqual(['ABORTED']);
    expect(entered.slice(stateAfterTimeout)).toEqual([]);
    expect(entered.filter((state) => state === 'Check Members')).toHaveLength(1);
    expect(run).toMatchObject({ status: 'FAILED', error: 'OnboardingNeedsAttention' });
    expect(run.memberships?.length).toBeGreaterThan(0);
    expect(
      run.memberships?.every(
        ({ outcome, reason }) => outcome === 'FAILED' && reason.includes('States.Timeout'),
      ),
    ).toBe(true);
  }, 30_000);
});

describe('runLocalWorkflow with a stand-in in a process of its own', () => {
  it('runs against it and inspects it over HTTP', async () => {
    const s = await startStandInProcess({ scenario: smallScenario(), timeScale: 0.01 });
    try {
      const run = await runLocalWorkflow({
        standIn: s,
        timeScale: 0.01,
        input: { accounts: [{ accountId: '000000000002', email: 'a@example.com' }] },
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(run.report?.counts).toEqual({ ENABLED: 4 });
      expect(run.standIn.administratorCalls['securityhub:CreateMembers']).toBe(2);
      // Where the CPU went (Linux's /proc): the main thread's share of the process, the stand-in's own.
      expect(run.executionMainThreadCpuSeconds).toBeGreaterThan(0);
      expect(run.executionMainThreadCpuSeconds).toBeLessThanOrEqual(run.executionCpuSeconds + 0.02);
      expect(run.standInCpuSeconds).toBeGreaterThanOrEqual(0);
      expect(run.executionGcPauses.seconds).toBeLessThan(run.wallSeconds);
    } finally {
      await s.stop();
    }
  });

  it('stops when the process that started it is killed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(PARENT)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
      const endpoint = `http://127.0.0.1:${Number(line)}/_standin/inspect`;
      expect((await fetch(endpoint)).status).toBe(200);

      parent.kill('SIGKILL');
      await vi.waitFor(
        async () => {
          await expect(fetch(endpoint)).rejects.toThrow();
        },
        { timeout: 10_000, interval: 100 },
      );
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('HistoryMeter', () => {
  const state = (name: string, type: string, input: unknown = {}) => ({ name, type, input });
  const event = (type: string, data: Record<string, unknown> = {}) =>
    ({ type, timestamp: 0, ...data }) as unknown as EventLog;

  it('returns the first state input or output above a size, in the order they passed, not the largest', () => {
    const meter = new HistoryMeter();

    meter.record(event('StateEntered', { state: state('Resolve Accounts', 'Task', { a: 'x'.repeat(10) }) }));
    meter.record(
      event('StateExited', { state: { name: 'Resolve Accounts', output: { a: 'x'.repeat(200) } } }),
    );
    meter.record(event('StateEntered', { state: state('Check Members', 'Task', { a: 'x'.repeat(500) }) }));

    expect(meter.firstAbove(100)).toEqual({ bytes: 208, state: 'Resolve Accounts' });
    expect(meter.maxPayloadState).toBe('Check Members');
    expect(meter.firstAbove(1000)).toBeUndefined();
  });

  it('returns the events AWS would record per state type, a retry, and a Map iteration', () => {
    const meter = new HistoryMeter();

    meter.record(event('StateEntered', { state: state('Create Members', 'Task') }));
    meter.record(event('StateRetried', { state: state('Create Members', 'Task') }));
    meter.record(event('StateEntered', { state: state('Wait For Members', 'Wait') }));
    meter.record(event('StateEntered', { state: state('Accept Invitations', 'Map') }));
    meter.record(event('MapIterationStarted'));
    meter.record(event('MapIterationSucceeded'));
    meter.record(event('StateEntered', { state: state('Needs Attention', 'Fail') }));

    // 2 for the execution, Task 5 + retry 3, Wait 2, Map 4 + 2 iteration events, Fail 1.
    expect(meter.historyEvents).toBe(2 + 8 + 2 + 6 + 1);
    expect(meter.stateTransitions).toBe(4);
    expect(meter.lambdaInvocations).toBe(2);
  });

  it('returns the largest state input or output in bytes and the state it belongs to', () => {
    const meter = new HistoryMeter();

    meter.record(event('StateEntered', { state: state('Resolve Accounts', 'Task', { a: 1 }) }));
    meter.record(
      event('StateExited', {
        state: { ...state('Resolve Accounts', 'Task'), output: { big: 'x'.repeat(100) } },
      }),
    );

    expect(meter.maxPayloadBytes).toBe(JSON.stringify({ big: 'x'.repeat(100) }).length);
    expect(meter.maxPayloadState).toBe('Resolve Accounts');
  });

  it('returns the same size for an object passed on as the next input, sized once, in bytes of UTF-8', () => {
    const meter = new HistoryMeter();
    const passed = { name: 'é'.repeat(60) };
    const stringify = vi.spyOn(JSON, 'stringify');

    try {
      meter.record(event('StateExited', { state: { ...state('Load Batch', 'Task'), output: passed } }));
      meter.record(event('StateEntered', { state: state('Onboard Each Region', 'Map', passed) }));
      meter.record(event('StateEntered', { state: state('Create Members', 'Task', { ...passed }) }));

      expect(stringify.mock.calls.filter(([value]) => value === passed)).toHaveLength(1);
    } finally {
      stringify.mockRestore();
    }
    // {"name":"…"}: 11 bytes around 60 two-byte characters.
    expect(meter.firstAbove(130)).toEqual({ bytes: 131, state: 'Load Batch' });
    expect(meter.maxPayloadBytes).toBe(131);
    expect(meter.firstAbove(131)).toBeUndefined();
  });
});

describe('verify', () => {
  const requested = requestedMemberships(['000000000002', '222222222222'], ['us-east-1'], ['securityhub']);
  const report = (overrides: Partial<OnboardingReport>): OnboardingReport => ({
    status: 'SUCCEEDED',
    keepPolling: false,
    counts: { ENABLED: 1, CONFLICT: 1 },
    notEnabled: [
      {
        outcome: 'CONFLICT',
        pairs: [{ region: 'us-east-1', service: 'securityhub' }],
        accountIds: ['222222222222'],
      },
    ],
    notEnabledComplete: true,
    omitted: { groups: 0, memberships: 0 },
    carriedKey: 'executions/muster-onboarding/run/round-0/carried.json',
    memberBatchSize: 20,
    invitationsKey: null,
    pendingAccountIds: [],
    invitations: [],
    round: 0,
    total: 2,
    cause: '',
    ...overrides,
  });

  it('returns each requested membership’s outcome, ENABLED for those the report does not list', () => {
    const reading = readReport(report({}), requested);

    expect(reading.problems).toEqual([]);
    expect(Object.fromEntries(reading.outcomes)).toEqual({
      '000000000002|us-east-1|securityhub': 'ENABLED',
      '222222222222|us-east-1|securityhub': 'CONFLICT',
    });
  });

  it('returns a problem for a membership reported twice, one not requested, and counts that do not add up', () => {
    const group = {
      pairs: [{ region: 'us-east-1', service: 'securityhub' as const }],
      outcome: 'CONFLICT' as const,
      accountIds: ['222222222222', '222222222222', '333333333333'],
    };

    const reading = readReport(report({ notEnabled: [group], total: 3 }), requested);

    expect(reading.problems).toEqual([
      '222222222222|us-east-1|securityhub is reported twice',
      '333333333333|us-east-1|securityhub is reported but was not requested',
      'total is 3, 2 were requested',
    ]);
  });

  it('returns the memberships the stand-in holds enabled for the administrator only', () => {
    const inspection = {
      membership: {
        securityhub: {
          'us-east-1': {
            administrators: {
              [ADMIN]: { '000000000002': { status: 'Enabled' }, '222222222222': { status: 'Invited' } },
              '999999999999': { '333333333333': { status: 'Enabled' } },
            },
            accounts: {},
          },
        },
        detective: {
          'us-east-1': {
            graphs: { g: { administratorId: ADMIN, members: { '222222222222': { status: 'ENABLED' } } } },
            accounts: {},
          },
        },
        guardduty: {
          'us-east-1': {
            detectors: {},
            administrators: {
              [ADMIN]: {
                detectorId: 'd1',
                members: { '333333333333': { status: 'Enabled' }, '000000000002': { status: 'Created' } },
              },
              '999999999999': { detectorId: 'd2', members: { '222222222222': { status: 'Enabled' } } },
            },
          },
        },
      },
    } as unknown as Inspection;

    expect([...enabledInStandIn(inspection, ADMIN)].sort()).toEqual([
      membershipKey('000000000002', 'us-east-1', 'securityhub'),
      membershipKey('222222222222', 'us-east-1', 'detective'),
      membershipKey('333333333333', 'us-east-1', 'guardduty'),
    ]);
  });

  it('returns the invitations an account did not need: a second one, to an organization account, or unrequested', () => {
    const invitation = (accountId: string, at: string) => ({
      service: 'securityhub' as const,
      operation: 'InviteMembers',
      administratorId: ADMIN,
      accountId,
      region: 'us-east-1',
      at,
    });

    const problems = unneededInvitations(
      [
        invitation('444444444444', 't1'),
        invitation('444444444444', 't2'),
        invitation('000000000002', 't3'),
        invitation('555555555555', 't4'),
      ],
      {
        administratorId: ADMIN,
        requested: new Set(['444444444444', '000000000002']),
        organizationAccounts: new Set(['000000000002']),
      },
    );

    expect(problems).toEqual([
      'InviteMembers 444444444444|us-east-1|securityhub at t2: already invited',
      'InviteMembers 000000000002|us-east-1|securityhub at t3: an organization account joins without invitation',
      'InviteMembers 555555555555|us-east-1|securityhub at t4: the account was not requested',
    ]);
  });
});

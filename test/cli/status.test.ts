import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { awsError } from '../helpers.ts';
import {
  ADMINISTRATOR as ADMINISTRATOR_ID,
  EXECUTION_ARN,
  HistoryBuilder,
  memoryIo,
  STATE_MACHINE_ARN,
  samplePlan,
  sampleReport,
  settledReport,
} from './helpers.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const organizations = mockClient(OrganizationsClient);

function described(status: DescribeExecutionCommandOutput['status'], more: Record<string, unknown> = {}) {
  return {
    executionArn: EXECUTION_ARN,
    name: 'muster-0a1b2c3d-20250304T050607',
    stateMachineArn: STATE_MACHINE_ARN,
    status,
    startDate: new Date('2025-03-04T05:06:07Z'),
    ...(status === 'RUNNING' ? {} : { stopDate: new Date('2025-03-04T05:36:07Z') }),
    ...more,
  };
}

/** Serves the events in pages of `size`, as GetExecutionHistory does with nextToken. */
function servePages(events: HistoryBuilder['events'], size: number) {
  sfn.on(GetExecutionHistoryCommand).callsFake(({ nextToken }: { nextToken?: string }) => {
    const start = Number(nextToken ?? 0);
    const next = start + size;
    return {
      events: events.slice(start, next),
      ...(next < events.length ? { nextToken: String(next) } : {}),
    };
  });
}

function needsAttention(): HistoryBuilder {
  const report = sampleReport();
  const history = HistoryBuilder.throughFirstCheck(samplePlan(), report);
  return history.entered('Fail', 'Needs Attention').failed('OnboardingNeedsAttention', report.cause);
}

beforeEach(() => {
  sfn.reset();
  s3.reset();
});

describe('muster status', () => {
  it('returns 0 with the phases and the report read over every history page when the execution succeeded', async () => {
    const history = HistoryBuilder.throughFirstCheck(samplePlan(), settledReport());
    history.entered('Succeed', 'Onboarded').succeeded(settledReport());
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));
    servePages(history.events, 10);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, Math.ceil(history.events.length / 10));
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: EXECUTION_ARN,
      nextToken: '10',
    });
    expect(io.stdout.text).toContain(
      'muster-0a1b2c3d-20250304T050607  SUCCEEDED  started 2025-03-04T05:06:07.000Z',
    );
    expect(io.stdout.text).toContain('✔ Create and invite   4/4 Region × service pairs');
    expect(io.stdout.text).toContain('· Accept invitations  not needed');
    expect(io.stdout.text).toMatch(
      /SUCCEEDED {2}16 memberships: 12 enabled, 4 skipped by rule, check round 1/,
    );
  });

  it('returns 1 and the report as JSON when a membership needs attention', async () => {
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED', { error: 'OnboardingNeedsAttention' }));
    servePages(needsAttention().events, 1000);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN, '--json'], io)).toBe(1);
    const json = JSON.parse(io.stdout.text);
    expect(json).toMatchObject({
      execution: { executionArn: EXECUTION_ARN, status: 'FAILED', name: 'muster-0a1b2c3d-20250304T050607' },
      status: 'NEEDS_ATTENTION',
      exitCode: 1,
      counts: { ENABLED: 11, CONFLICT: 1, SKIPPED_ADMINISTRATOR: 4 },
      error: 'OnboardingNeedsAttention',
    });
    expect(json.memberships).toHaveLength(16);
    expect(json.memberships).toContainEqual({
      accountId: '200000000002',
      accountName: null,
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'CONFLICT',
      reason: 'already a member of Security Hub administrator 999999999999',
    });
  });

  it('returns 3 with how to follow when the execution is still running', async () => {
    const history = HistoryBuilder.throughFirstCheck(
      samplePlan(),
      sampleReport({ status: 'PENDING', keepPolling: true }),
    );
    sfn.on(DescribeExecutionCommand).resolves(described('RUNNING'));
    servePages(history.events, 1000);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(3);
    expect(io.stdout.text).toContain('▸ Check members       round 1 of 30: PENDING');
    expect(io.stdout.text).toContain(`Still running: muster status ${EXECUTION_ARN} --follow`);
  });

  it('returns the final exit code after polling at the interval when --follow is given', async () => {
    const history = needsAttention();
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(described('RUNNING'))
      .resolvesOnce(described('RUNNING'))
      .resolves(described('FAILED'));
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: history.events.slice(0, 6) })
      .resolvesOnce({ events: history.events.slice(0, 20) })
      .resolves({ events: history.events });
    const io = memoryIo();
    const sleep = vi.spyOn(io, 'sleep');

    expect(await main(['status', EXECUTION_ARN, '--follow', '--interval', '5'], io)).toBe(1);
    expect(sleep.mock.calls).toEqual([[5000], [5000]]);
    expect(io.stderr.text.match(/^create {3}us-east-1 securityhub done \(1\/4\)$/gm)).toHaveLength(1);
    expect(io.stderr.text).toContain('finished Needs Attention (OnboardingNeedsAttention)');
    expect(io.stdout.text).toMatch(/NEEDS ATTENTION {2}1 of 16 memberships not settled/);
  });

  it('returns 2 with the reason when the workflow rejected the request', async () => {
    const history = new HistoryBuilder().started({ allAccounts: true, regions: ['mars-1'] });
    history.entered('Task', 'Resolve Accounts').entered('Fail', 'Request Rejected');
    history.failed('InvalidInputError', 'input.regions[0]: "mars-1" is not a known AWS Region');
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED'));
    servePages(history.events, 1000);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(2);
    expect(io.stdout.text).toContain(
      'InvalidInputError: input.regions[0]: "mars-1" is not a known AWS Region',
    );
  });

  it('returns 2 and calls nothing when the argument is not an execution ARN', async () => {
    const io = memoryIo();

    expect(await main(['status', STATE_MACHINE_ARN], io)).toBe(2);
    expect(io.stderr.text).toContain('is not a Step Functions execution ARN');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 2 saying to check the ARN when the execution does not exist', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(awsError('ExecutionDoesNotExist', 400, 'Execution Does Not Exist'));
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(2);
    expect(io.stderr.text).toContain('no such execution: check the ARN');
  });

  it.each([
    ['AWS answers 503 after the retries', awsError('ServiceUnavailable', 503, 'Service Unavailable')],
    ['AWS still throttles after the retries', awsError('ThrottlingException', 400, 'Rate exceeded')],
    [
      'the endpoint does not resolve',
      Object.assign(new Error('getaddrinfo ENOTFOUND states.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
    ],
  ])('returns 4, not 1, when %s: nothing is known about the memberships', async (_, error) => {
    sfn.on(DescribeExecutionCommand).rejects(error);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(4);
    expect(io.stderr.text).toContain(`could not finish talking to AWS: ${error.name}: ${error.message}`);
  });
});

describe('muster status with a report too large for the state', () => {
  it('reads every membership from the report file the execution names, and --json lists each once', async () => {
    // The state carried a clipped summary: one CONFLICT group listing one of its two accounts.
    const report = sampleReport({
      notEnabled: [
        {
          outcome: 'CONFLICT',
          reason: 'already a member of Security Hub administrator 999999999999',
          pairs: [{ region: 'us-east-1', service: 'securityhub' }],
          accountIds: ['200000000002'],
          accountCount: 2,
        },
      ],
      notEnabledComplete: false,
      omitted: { groups: 1, memberships: 5 },
      counts: { ENABLED: 10, CONFLICT: 2, SKIPPED_ADMINISTRATOR: 4 },
      files: {
        bucket: 'muster-reports',
        jsonl: 'executions/muster-onboarding/run/report.jsonl',
        csv: 'executions/muster-onboarding/run/report.csv',
      },
    });
    const plan = samplePlan();
    const rows = [...plan.accountIds, ADMINISTRATOR_ID].flatMap((accountId) =>
      plan.regions.flatMap((region) =>
        plan.services.map((service) => {
          const outcome =
            accountId === ADMINISTRATOR_ID
              ? 'SKIPPED_ADMINISTRATOR'
              : service === 'securityhub' && region === 'us-east-1' && accountId !== '200000000001'
                ? 'CONFLICT'
                : 'ENABLED';
          const reason =
            outcome === 'CONFLICT' ? 'already a member of Security Hub administrator 999999999999' : '';
          return JSON.stringify({ accountId, region, service, outcome, reason });
        }),
      ),
    );
    const history = HistoryBuilder.throughFirstCheck(plan, report);
    history.entered('Fail', 'Needs Attention').failed('OnboardingNeedsAttention', report.cause);
    sfn.on(DescribeExecutionCommand).resolves(described('FAILED'));
    servePages(history.events, 100);
    // The part of GetObject's streaming body the report store reads.
    const body = { transformToString: async () => `${rows.join('\n')}\n` };
    s3.on(GetObjectCommand).resolves({ Body: body as never });
    const io = memoryIo();

    await main(['status', EXECUTION_ARN, '--json'], io);

    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'muster-reports',
      Key: 'executions/muster-onboarding/run/report.jsonl',
    });
    const json = JSON.parse(io.stdout.text);
    expect(json.memberships).toHaveLength(16);
    expect(
      json.memberships
        .filter(({ outcome }: { outcome: string }) => outcome === 'CONFLICT')
        .map(({ accountId }: { accountId: string }) => accountId),
    ).toEqual(['200000000002', '200000000003']);
  });
});

/**
 * A finished parent execution served by the mocks: the plan Resolve Accounts hands the parent (counts
 * and batch references, no account list) and the merged report file, naming the accounts in `names`.
 * Returns the report file's lines.
 */
function serveFinishedParent(names: Record<string, string> = {}): string[] {
  const whole = samplePlan();
  const plan = {
    ...whole,
    accounts: [],
    accountIds: [],
    skipped: [],
    accountCount: whole.accountIds.length,
    skippedCount: 0,
    regionGroups: [
      {
        regions: whole.regions,
        batches: [
          { key: 'executions/muster-onboarding/run/batches/0000.json', accountCount: 3, skippedCount: 0 },
        ],
      },
    ],
  };
  const report = sampleReport({
    notEnabled: [],
    notEnabledComplete: true,
    counts: { ENABLED: whole.accountIds.length * whole.regions.length * whole.services.length },
    files: {
      bucket: 'muster-reports',
      jsonl: 'executions/muster-onboarding/run/report.jsonl',
      csv: 'executions/muster-onboarding/run/report.csv',
      html: 'executions/muster-onboarding/run/report.html',
    },
  });
  const rows = whole.accountIds.flatMap((accountId) =>
    whole.regions.flatMap((region) =>
      whole.services.map((service) =>
        JSON.stringify({
          accountId,
          ...(names[accountId] === undefined ? {} : { accountName: names[accountId] }),
          region,
          service,
          outcome: 'ENABLED',
          reason: '',
        }),
      ),
    ),
  );
  const history = new HistoryBuilder().started({ allAccounts: true }).task('Resolve Accounts', { plan });
  history.state('Choice', 'Has Work?').state('Map', 'Onboard Batches').task('Merge Reports', { report });
  history.entered('Succeed', 'Onboarded').succeeded(report);
  sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));
  servePages(history.events, 100);
  const body = { transformToString: async () => `${rows.join('\n')}\n` };
  s3.on(GetObjectCommand).resolves({ Body: body as never });
  return rows;
}

describe('muster status of a parent execution', () => {
  it('reads the merged report file, since the parent plan only counts its accounts, and lists every membership', async () => {
    const rows = serveFinishedParent();
    const io = memoryIo();

    await main(['status', EXECUTION_ARN, '--json'], io);

    const json = JSON.parse(io.stdout.text);
    expect(json.memberships).toHaveLength(rows.length);
    expect(json.memberships.every(({ outcome }: { outcome: string }) => outcome === 'ENABLED')).toBe(true);
  });

  it('says where the report files are in the bucket, the HTML first', async () => {
    serveFinishedParent();
    const io = memoryIo();

    await main(['status', EXECUTION_ARN], io);

    expect(io.stdout.text).toContain(
      [
        'Report files',
        '  s3://muster-reports/executions/muster-onboarding/run/report.html',
        '  s3://muster-reports/executions/muster-onboarding/run/report.csv',
        '  s3://muster-reports/executions/muster-onboarding/run/report.jsonl',
      ].join('\n'),
    );
  });
});

describe('muster status shows the account names the report file carries', () => {
  const NAMES: Record<string, string> = {
    '200000000001': 'payments-prod',
    '200000000002': '<b onmouseover=alert(1)>=cmd|calc',
  };
  const finishedParent = () => serveFinishedParent(NAMES);

  it('prints "id (name)" in JSON and a name field, null where none is known', async () => {
    finishedParent();
    const io = memoryIo();

    await main(['status', EXECUTION_ARN, '--output', 'json'], io);

    const names = new Map(
      JSON.parse(io.stdout.text).memberships.map(
        ({ accountId, accountName }: { accountId: string; accountName: string | null }) => [
          accountId,
          accountName,
        ],
      ),
    );
    expect(names.get('200000000001')).toBe('payments-prod');
    expect(names.get('200000000002')).toBe(NAMES['200000000002']);
    expect(names.get('200000000003')).toBeNull();
  });

  it('writes the names to CSV as text a spreadsheet will not run, and escapes them in HTML', async () => {
    finishedParent();
    const csvIo = memoryIo();
    await main(['status', EXECUTION_ARN, '--output', 'csv'], csvIo);
    const csv = parse(csvIo.stdout.text, { columns: true }) as Record<string, string>[];
    expect(csv.find(({ accountId }) => accountId === '200000000001')?.account).toBe(
      '200000000001 (payments-prod)',
    );
    expect(csv.find(({ accountId }) => accountId === '200000000002')?.accountName).toBe(
      NAMES['200000000002'],
    );

    finishedParent();
    const htmlIo = memoryIo();
    await main(['status', EXECUTION_ARN, '--output', 'html'], htmlIo);
    expect(htmlIo.stdout.text).toContain('200000000001 (payments-prod)');
    expect(htmlIo.stdout.text).not.toContain('<b onmouseover');
    expect(htmlIo.stdout.text).toContain('&lt;b onmouseover=alert(1)&gt;=cmd|calc');
  });
});

describe('muster status of a dry run prints its stored plan with the account names', () => {
  const PLAN_KEY = 'executions/muster-onboarding/muster-0a1b2c3d-20250304T050607/plan.json';
  const NOTE = 'Dry run: this is the plan; nothing was changed.';
  const whole = samplePlan({ dryRun: true, hasWork: false, note: NOTE });
  const NAMES = { '200000000001': 'payments-prod', [ADMINISTRATOR_ID]: 'security-tooling' };

  /**
   * A dry run as Resolve Accounts ends it (storePlan): counts and where plan.json is, the lists only
   * when `listed`; plan.json holds the whole plan and the names.
   */
  function finishedDryRun(listed: boolean, bucketNamed = true) {
    const carried = {
      ...whole,
      ...(listed ? {} : { accounts: [], accountIds: [], skipped: [], invitedAccountIds: [] }),
      accountCount: whole.accountIds.length,
      skippedCount: whole.skipped.length,
      planKey: PLAN_KEY,
      ...(bucketNamed ? { planBucket: 'muster-reports' } : {}),
    };
    const history = new HistoryBuilder()
      .started({ allAccounts: true, dryRun: true })
      .task('Resolve Accounts', { plan: carried });
    history.state('Choice', 'Has Work?').entered('Succeed', 'Nothing To Do').succeeded({ plan: carried });
    sfn.on(DescribeExecutionCommand).resolves(described('SUCCEEDED'));
    servePages(history.events, 100);
    const body = { transformToString: async () => JSON.stringify({ ...whole, accountNames: NAMES }) };
    s3.on(GetObjectCommand, { Bucket: 'muster-reports', Key: PLAN_KEY }).resolves({ Body: body as never });
  }

  it.each([
    ['carries only counts', false],
    ['lists its accounts', true],
  ])('prints each account as "id (name)", as muster plan does, when the execution %s', async (_, listed) => {
    finishedDryRun(listed);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(0);

    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'muster-reports', Key: PLAN_KEY });
    const text = io.stdout.text;
    expect(text).toContain('Plan (manual input, dry run)');
    expect(text).toContain('Accounts to onboard (3)');
    expect(text).toContain('  200000000001 (payments-prod)  one@example.com');
    expect(text).toContain('  200000000002  two@example.com');
    expect(text).toContain(
      `  ${ADMINISTRATOR_ID} (security-tooling)  SKIPPED_ADMINISTRATOR  this is the administrator account itself`,
    );
    expect(text).not.toContain('listed in the report bucket');
    // The note is the report's line, once.
    expect(text.split(`\n${NOTE}`)).toHaveLength(2);
  });

  it('prints the plan with names in JSON as muster plan --json does, and writes it with --output-file', async () => {
    finishedDryRun(false);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN, '--output', 'json'], io)).toBe(0);

    const { plan } = JSON.parse(io.stdout.text);
    expect(plan.accounts).toEqual([
      { accountId: '200000000001', accountName: 'payments-prod', email: 'one@example.com' },
      { accountId: '200000000002', accountName: null, email: 'two@example.com' },
      { accountId: '200000000003', accountName: null, email: 'three@example.com' },
    ]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({ accountId: ADMINISTRATOR_ID, accountName: 'security-tooling' }),
    ]);
    expect(plan.memberships).toBe(12);

    finishedDryRun(false);
    const folder = await mkdtemp(join(tmpdir(), 'muster-dry-run-'));
    try {
      const toFile = memoryIo({ cwd: folder });
      expect(
        await main(['status', EXECUTION_ARN, '--output', 'json', '--output-file', 'plan.json'], toFile),
      ).toBe(0);
      const written = JSON.parse(await readFile(join(folder, 'plan.json'), 'utf8'));
      expect(written.plan.accounts[0]).toMatchObject({
        accountId: '200000000001',
        accountName: 'payments-prod',
      });
      // The terminal still gets the table, with the names.
      expect(toFile.stdout.text).toContain('  200000000001 (payments-prod)  one@example.com');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('writes a CSV with no row, as a dry run has no outcome yet (README, "Report files")', async () => {
    finishedDryRun(false);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN, '--output', 'csv'], io)).toBe(0);
    expect(io.stdout.text.trim()).toBe('account,accountId,accountName,region,service,outcome,reason');
  });

  it('prints the plan the execution carries, reading nothing, when its output does not name the bucket (an older execution)', async () => {
    finishedDryRun(false, false);
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).toBe(0);
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(io.stdout.text).toContain(`Accounts to onboard (3)\n  listed in the report bucket, ${PLAN_KEY}`);
  });

  it('names the object when plan.json cannot be read', async () => {
    finishedDryRun(false);
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));
    const io = memoryIo();

    expect(await main(['status', EXECUTION_ARN], io)).not.toBe(0);
    expect(io.stderr.text).toContain(`could not read s3://muster-reports/${PLAN_KEY}: AccessDenied`);
  });
});

describe('muster status of an offboarding execution', () => {
  const OFFBOARDING_ARN =
    'arn:aws:states:us-east-1:999999999999:execution:muster-offboarding:muster-remove-20250304T050607';
  const FILES = {
    bucket: 'muster-reports',
    jsonl: 'executions/muster-offboarding/muster-remove-20250304T050607/report.jsonl',
    csv: 'executions/muster-offboarding/muster-remove-20250304T050607/report.csv',
  };
  // 150 accounts × 2 Regions: the output lists 100 that need attention, the file every membership.
  const ids = Array.from({ length: 150 }, (_, index) => String(300000000000 + index));
  const rows = ids.flatMap((accountId, index) =>
    ['us-east-1', 'eu-west-1'].map((region) =>
      region === 'eu-west-1' && index % 2 === 0
        ? { accountId, region, service: 'detective', outcome: 'FAILED', reason: 'AccessDeniedException: no' }
        : { accountId, region, service: 'detective', outcome: 'REMOVED_FROM_ADMINISTRATOR', reason: '' },
    ),
  );
  const failed = rows.filter(({ outcome }) => outcome === 'FAILED');

  function finishedOffboarding() {
    const removal = {
      trigger: 'manual',
      dryRun: false,
      accountIds: ids,
      regions: ['us-east-1', 'eu-west-1'],
      services: ['detective'],
      counts: { REMOVED_FROM_ADMINISTRATOR: rows.length - failed.length, FAILED: failed.length },
      needsAttention: true,
      attention: failed.slice(0, 50),
      attentionOmitted: failed.length - 50,
      total: rows.length,
      files: FILES,
    };
    const history = new HistoryBuilder()
      .started({ remove: { accounts: ids } })
      .task('Remove Members', removal);
    history.state('Choice', 'Needs Attention?', removal);
    history
      .entered('Fail', 'Offboarding Needs Attention')
      .failed('OffboardingNeedsAttention', 'see the report');
    sfn.on(DescribeExecutionCommand).resolves({
      ...described('FAILED', { error: 'OffboardingNeedsAttention' }),
      executionArn: OFFBOARDING_ARN,
    });
    servePages(history.events, 100);
    const body = { transformToString: async () => rows.map((row) => `${JSON.stringify(row)}\n`).join('') };
    s3.on(GetObjectCommand).resolves({ Body: body as never });
  }

  it('reads the removal report file and lists every membership in JSON, past the ones the output lists', async () => {
    finishedOffboarding();
    const io = memoryIo();

    expect(await main(['status', OFFBOARDING_ARN, '--output', 'json'], io)).toBe(1);

    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: FILES.bucket, Key: FILES.jsonl });
    const json = JSON.parse(io.stdout.text);
    expect(json).toMatchObject({
      status: 'NEEDS_ATTENTION',
      counts: { REMOVED_FROM_ADMINISTRATOR: 225, FAILED: 75 },
      error: 'OffboardingNeedsAttention',
    });
    expect(json.memberships).toHaveLength(300);
    expect(json.memberships.filter(({ outcome }: { outcome: string }) => outcome === 'FAILED')).toHaveLength(
      75,
    );
  });

  it('muster remove --follow starts the offboarding, stays attached and prints its whole removal report', async () => {
    finishedOffboarding();
    sfn.on(StartExecutionCommand).resolves({ executionArn: OFFBOARDING_ARN, startDate: new Date() });
    organizations.on(DescribeAccountCommand).rejects(awsError('AccountNotFoundException', 400));
    const io = memoryIo();

    const code = await main(
      [
        'remove',
        '--accounts',
        ids.join(','),
        '--state-machine-arn',
        'arn:aws:states:us-east-1:999999999999:stateMachine:muster-offboarding',
        '--region',
        'us-east-1',
        '--yes',
        '--follow',
        '--output',
        'json',
      ],
      io,
    );

    expect(code).toBe(1);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(JSON.parse(io.stdout.text).memberships).toHaveLength(300);
  });

  it.each([
    ['csv', (text: string) => (parse(text, { columns: true }) as unknown[]).length === 300],
    ['md', (text: string) => text.includes('FAILED') && text.includes(ids[148] ?? '')],
    ['html', (text: string) => text.includes(ids[148] ?? '') && text.includes('REMOVED_FROM_ADMINISTRATOR')],
    ['table', (text: string) => text.includes('FAILED') && text.includes('75')],
  ])('prints the whole removal report with --output %s', async (format, holds) => {
    finishedOffboarding();
    const io = memoryIo();

    expect(await main(['status', OFFBOARDING_ARN, '--output', format], io)).toBe(1);

    expect(holds(io.stdout.text)).toBe(true);
  });
});

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { executionName } from '../../cli/execution-name.ts';
import { main } from '../../cli/main.ts';
import {
  EXECUTION_ARN,
  HistoryBuilder,
  memoryIo,
  OVERSIZED_INPUT,
  STATE_MACHINE_ARN,
  samplePlan,
  settledReport,
  withOversizedCsv,
} from './helpers.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const cloudFormation = mockClient(CloudFormationClient);
const fixtures = new URL('fixtures/', import.meta.url).pathname;

/** The started execution, as `start --follow` reads it: SUCCEEDED, with `events` as its history. */
function succeededWith(events: HistoryEvent[]) {
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION_ARN,
    status: 'SUCCEEDED',
    stateMachineArn: STATE_MACHINE_ARN,
    startDate: new Date(),
  });
  sfn.on(GetExecutionHistoryCommand).resolves({ events });
}

function stack(outputs: { OutputKey: string; OutputValue: string }[]) {
  return {
    Stacks: [
      {
        StackName: 'muster',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: outputs,
      },
    ],
  };
}

beforeEach(() => {
  sfn.reset();
  s3.reset();
  cloudFormation.reset();
  sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: EXECUTION_ARN, startDate: new Date('2025-03-04T05:06:08Z') });
});

describe('muster start', () => {
  it('returns 0 after starting the input under a name made from its hash and the time', async () => {
    const io = memoryIo();
    const input = {
      accounts: [{ accountId: '200000000001' }, { accountId: '200000000002' }],
      regions: ['eu-west-1'],
    };

    const code = await main(
      [
        'start',
        '--yes',
        '--accounts',
        '200000000001,200000000002',
        '--regions',
        'eu-west-1',
        '--state-machine-arn',
        STATE_MACHINE_ARN,
      ],
      io,
    );

    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: executionName(input, io.now()),
      input: JSON.stringify(input),
    });
    expect(io.stdout.text).toMatch(/^Started muster-[0-9a-f]{8}-20250304T050607\n/);
    expect(io.stdout.text).toContain(`muster status ${EXECUTION_ARN} --follow`);
  });

  it('returns the execution as JSON with the state machine found in the stack outputs', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(stack([{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN }]));
    const io = memoryIo({ cwd: fixtures });

    const code = await main(
      [
        'start',
        '--yes',
        '--csv',
        'console-export.csv',
        '--dry-run',
        '--stack-name',
        'muster',
        '--region',
        'eu-west-1',
        '--json',
      ],
      io,
    );

    expect(code).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'muster' });
    expect(JSON.parse(io.stdout.text)).toEqual({
      executionArn: EXECUTION_ARN,
      name: expect.stringMatching(/^muster-[0-9a-f]{8}-20250304T050607$/),
      stateMachineArn: STATE_MACHINE_ARN,
      startDate: '2025-03-04T05:06:08.000Z',
      input: {
        accounts: [
          { accountId: '200000000001', email: 'aws+200000000001@example.com' },
          { accountId: '200000000002', email: 'aws+200000000002@example.com' },
          { accountId: '200000000003' },
        ],
        dryRun: true,
      },
    });
  });

  it('returns the same name prefix when the same input is started again later', async () => {
    const first = memoryIo();
    const later = { ...memoryIo(), now: () => new Date('2025-03-04T09:00:00Z') };
    const argv = ['start', '--yes', '--all-accounts', '--state-machine-arn', STATE_MACHINE_ARN];

    await main(argv, first);
    await main(argv, later);

    const names = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name ?? '');
    expect(names).toHaveLength(2);
    expect(names[0]?.slice(0, 16)).toBe(names[1]?.slice(0, 16));
    expect(names[0]).not.toBe(names[1]);
  });

  it('returns 2 and starts nothing when a report format is asked for without --follow', async () => {
    const io = memoryIo();

    expect(
      await main(
        ['start', '--all-accounts', '--state-machine-arn', STATE_MACHINE_ARN, '--output', 'csv'],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.text).toContain('--output and --output-file write the report: add --follow');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 2 and starts nothing when the input is bad', async () => {
    const io = memoryIo();

    expect(
      await main(
        ['start', '--yes', '--all-accounts', '--regions', 'mars-1', '--state-machine-arn', STATE_MACHINE_ARN],
        io,
      ),
    ).toBe(2);
    expect(io.stderr.text).toContain('input.regions[0]: "mars-1" is not a known AWS Region');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 2 saying which option is missing when no state machine is named', async () => {
    const io = memoryIo();

    expect(await main(['start', '--yes', '--all-accounts'], io)).toBe(2);
    expect(io.stderr.text).toContain(
      'say which state machine: --state-machine-arn ARN, or --stack-name NAME',
    );
  });

  it('returns 2 when the stack has no StateMachineArn output', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(stack([]));
    const io = memoryIo();

    expect(
      await main(['start', '--yes', '--all-accounts', '--stack-name', 'other', '--region', 'eu-west-1'], io),
    ).toBe(2);
    expect(io.stderr.text).toContain('stack other has no StateMachineArn output');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 2 before asking or starting anything when the input is more than StartExecution takes, saying how to split it', async () => {
    await withOversizedCsv(async (folder) => {
      const io = memoryIo({ cwd: folder, stdinTty: true, tty: true });

      expect(await main(['start', '--csv', 'big.csv', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(2);
      expect(io.stderr.text).toMatch(OVERSIZED_INPUT);
      expect(io.stderr.text).toContain('muster plan --csv big.csv --split FOLDER');
      expect(io.questions).toEqual([]);
      expect(sfn.calls()).toHaveLength(0);
    });
  });

  // A Region AWS does not have would otherwise fail as a DNS error: exit 4 after the SDK's retries.
  it('returns 2 naming a --region that is not an AWS Region, before reading the stack', async () => {
    const io = memoryIo();

    expect(
      await main(['start', '--yes', '--all-accounts', '--stack-name', 'muster', '--region', 'eu-wset-1'], io),
    ).toBe(2);
    expect(io.stderr.text).toContain('"eu-wset-1" is not a known AWS Region');
    expect(cloudFormation.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 2 when the state machine ARN is not one', async () => {
    const io = memoryIo();

    expect(await main(['start', '--yes', '--all-accounts', '--state-machine-arn', 'muster'], io)).toBe(2);
    expect(io.stderr.text).toContain(
      '--state-machine-arn: "muster" is not a Step Functions stateMachine ARN',
    );
  });

  it('returns the exit code of the report when --follow stays until the execution ends', async () => {
    const plan = samplePlan();
    const history = HistoryBuilder.throughFirstCheck(plan, settledReport());
    history.entered('Succeed', 'Onboarded').succeeded(settledReport());
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({
        executionArn: EXECUTION_ARN,
        status: 'RUNNING',
        stateMachineArn: STATE_MACHINE_ARN,
        startDate: new Date(),
      })
      .resolves({
        executionArn: EXECUTION_ARN,
        status: 'SUCCEEDED',
        stateMachineArn: STATE_MACHINE_ARN,
        startDate: new Date(),
      });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: history.events.slice(0, 3) })
      .resolves({ events: history.events });
    const io = memoryIo();

    expect(
      await main(
        ['start', '--yes', '--all-accounts', '--state-machine-arn', STATE_MACHINE_ARN, '--follow'],
        io,
      ),
    ).toBe(0);
    expect(io.stderr.text).toContain('Started muster-');
    expect(io.stderr.text).toContain('finished Onboarded');
    expect(io.stdout.text).toMatch(/SUCCEEDED {2}16 memberships: 12 enabled, 4 skipped by rule/);
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 2);
  });

  it('writes the followed report as CSV, one row per membership, and only the CSV to stdout', async () => {
    const history = HistoryBuilder.throughFirstCheck(samplePlan(), settledReport());
    history.entered('Succeed', 'Onboarded').succeeded(settledReport());
    succeededWith(history.events);
    const io = memoryIo();
    const args = ['start', '--yes', '--all-accounts', '--state-machine-arn', STATE_MACHINE_ARN];

    expect(await main([...args, '--follow', '--output', 'csv'], io)).toBe(0);
    const rows = parse(io.stdout.text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(16);
    expect(rows.filter(({ outcome }) => outcome === 'ENABLED')).toHaveLength(12);
  });
});

describe('muster start asks before changing more than one account', () => {
  const two = ['start', '--accounts', '200000000001,200000000002', '--state-machine-arn', STATE_MACHINE_ARN];

  it('returns 5 and starts nothing when standard input is not a terminal and --yes is not given', async () => {
    const io = memoryIo({ stdinTty: false });

    expect(await main(two, io)).toBe(5);
    expect(io.stderr.text).toContain('would change 2 accounts');
    expect(io.stderr.text).toContain('pass --yes');
    expect(io.questions).toEqual([]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 5 and starts nothing when the user does not answer yes on a terminal', async () => {
    const io = memoryIo({ stdinTty: true, answers: ['n'] });

    expect(await main(['start', '--all-accounts', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(5);
    expect(io.questions).toEqual([
      "Start an onboarding of every account of the organization (the workflow's default Regions, the workflow's default services)? [y/N] ",
    ]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('returns 0 and starts once the user answers yes on a terminal', async () => {
    const io = memoryIo({ stdinTty: true, answers: ['Yes'] });

    expect(await main([...two, '--regions', 'eu-west-1', '--services', 'securityhub'], io)).toBe(0);
    expect(io.questions).toEqual(['Start an onboarding of 2 accounts (eu-west-1, securityhub)? [y/N] ']);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it.each([
    ['one account', ['start', '--accounts', '200000000001,200000000001']],
    ['a dry run', [...two, '--dry-run']],
    ['--yes', [...two, '--yes']],
  ])('returns 0 without asking, with no terminal, for %s', async (_, argv) => {
    const io = memoryIo({ stdinTty: false });

    expect(await main([...argv, '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(0);
    expect(io.questions).toEqual([]);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });
});

describe('muster start --dry-run', () => {
  it('returns 0 and prints the start that runs it for real, quoted for the shell', async () => {
    const io = memoryIo();

    expect(
      await main(
        [
          'start',
          '--accounts',
          '200000000001,200000000002',
          '--regions',
          'eu-west-1',
          '--dry-run',
          '--profile',
          "sec admin'$(touch pwned)",
          '--state-machine-arn',
          STATE_MACHINE_ARN,
        ],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.text).toContain(
      `To run it for real:\n  muster start --accounts 200000000001,200000000002 --regions eu-west-1 --profile 'sec admin'\\''$(touch pwned)' --state-machine-arn ${STATE_MACHINE_ARN}\n`,
    );
  });
});

describe('muster start --dry-run --follow', () => {
  it("returns 0 and prints the plan with each account's name, read from the plan.json the execution stored", async () => {
    const planKey = 'executions/muster-onboarding/muster-0a1b2c3d-20250304T050607/plan.json';
    const whole = samplePlan({
      dryRun: true,
      hasWork: false,
      note: 'Dry run: this is the plan; nothing was changed.',
    });
    // What the execution carries past 100 accounts: counts and where the whole plan is, no list, no name.
    const carried = {
      ...whole,
      accounts: [],
      accountIds: [],
      skipped: [],
      accountCount: 3,
      skippedCount: 1,
      planKey,
      planBucket: 'muster-reports',
    };
    const history = new HistoryBuilder()
      .started({ allAccounts: true, dryRun: true })
      .task('Resolve Accounts', { plan: carried })
      .state('Choice', 'Has Work?')
      .entered('Succeed', 'Nothing To Do')
      .succeeded({ plan: carried });
    succeededWith(history.events);
    const body = {
      transformToString: async () =>
        JSON.stringify({ ...whole, accountNames: { '200000000003': 'payments-prod' } }),
    };
    s3.on(GetObjectCommand, { Bucket: 'muster-reports', Key: planKey }).resolves({ Body: body as never });
    const io = memoryIo();

    expect(
      await main(
        ['start', '--all-accounts', '--dry-run', '--follow', '--state-machine-arn', STATE_MACHINE_ARN],
        io,
      ),
    ).toBe(0);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'muster-reports', Key: planKey });
    expect(io.stdout.text).toContain('Plan (manual input, dry run)');
    expect(io.stdout.text).toContain('  200000000003 (payments-prod)  three@example.com');
    expect(io.stdout.text).toContain('NOTHING TO DO');
    expect(io.stderr.text).toContain('A dry run changes nothing. To run it for real:');
  });
});

describe('muster start --csv -', () => {
  it('returns 0 after starting the accounts read from standard input', async () => {
    const io = memoryIo({ stdin: 'Account ID,Email\n200000000001,one@example.com\n' });

    expect(await main(['start', '--csv', '-', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      input: JSON.stringify({ accounts: [{ accountId: '200000000001', email: 'one@example.com' }] }),
    });
  });
});

describe('muster start defaults', () => {
  it('returns 0 with the stack from MUSTER_STACK_NAME and the Region from AWS_REGION', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'from-env' })
      .resolves(stack([{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN }]));
    const io = memoryIo({ env: { MUSTER_STACK_NAME: 'from-env', AWS_REGION: 'eu-west-1' } });

    expect(await main(['start', '--accounts', '200000000001'], io)).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'from-env' });
    expect(await cloudFormation.call(0).thisValue.config.region()).toBe('eu-west-1');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('returns 0 with --stack-name beating MUSTER_STACK_NAME', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'from-flag' })
      .resolves(stack([{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN }]));
    const io = memoryIo({ env: { MUSTER_STACK_NAME: 'from-env' } });

    expect(
      await main(
        ['start', '--accounts', '200000000001', '--stack-name', 'from-flag', '--region', 'eu-west-1'],
        io,
      ),
    ).toBe(0);
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'from-flag' });
  });
});

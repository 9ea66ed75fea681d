import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  EXECUTION_ARN,
  HistoryBuilder,
  memoryIo,
  STATE_MACHINE_ARN,
  samplePlan,
  settledReport,
} from './helpers.ts';

const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);

const OLDER_ARN = EXECUTION_ARN.replace(/[^:]+$/, 'muster-99999999-20250303T000000');

const listed = [
  {
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'muster-0a1b2c3d-20250304T050607',
    status: 'RUNNING' as const,
    startDate: new Date('2025-03-04T05:06:07Z'),
  },
  {
    executionArn: OLDER_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'muster-99999999-20250303T000000',
    status: 'SUCCEEDED' as const,
    startDate: new Date('2025-03-03T00:00:00Z'),
    stopDate: new Date('2025-03-03T00:30:00Z'),
  },
];

const createAccountEvent = {
  source: 'aws.organizations',
  'detail-type': 'AWS Service Event via CloudTrail',
  detail: {
    eventName: 'CreateAccountResult',
    serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED', accountId: '200000000009' } },
  },
};

beforeEach(() => {
  sfn.reset();
  cloudFormation.reset();
});

describe('muster executions', () => {
  it('returns 0 with the newest executions, their status, start time and trigger', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: listed });
    sfn
      .on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN })
      .resolves({ input: JSON.stringify({ allAccounts: true, dryRun: true }) })
      .on(DescribeExecutionCommand, { executionArn: OLDER_ARN })
      .resolves({ input: JSON.stringify(createAccountEvent) });
    const io = memoryIo();

    expect(await main(['executions', '--state-machine-arn', STATE_MACHINE_ARN, '--limit', '2'], io)).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      maxResults: 2,
    });
    expect(io.stdout.text.split('\n').slice(0, 3)).toEqual([
      'STARTED                   STATUS     TRIGGER              NAME',
      '2025-03-04T05:06:07.000Z  RUNNING    manual (dry run)     muster-0a1b2c3d-20250304T050607',
      '2025-03-03T00:00:00.000Z  SUCCEEDED  CreateAccountResult  muster-99999999-20250303T000000',
    ]);
  });

  it('returns the executions as JSON with their ARNs, and "rejected input" for an input muster refuses', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: listed.slice(1) });
    sfn.on(DescribeExecutionCommand).resolves({ input: '{"accounts": ["nope"]}' });
    const io = memoryIo();

    expect(await main(['executions', '--state-machine-arn', STATE_MACHINE_ARN, '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual([
      {
        name: 'muster-99999999-20250303T000000',
        status: 'SUCCEEDED',
        startDate: '2025-03-03T00:00:00.000Z',
        stopDate: '2025-03-03T00:30:00.000Z',
        trigger: 'rejected input',
        executionArn: OLDER_ARN,
      },
    ]);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { maxResults: 10 });
  });

  it('returns as many as asked for when ListExecutions answers with short pages', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: listed.slice(0, 1), nextToken: 'more' })
      .resolvesOnce({ executions: listed.slice(1), nextToken: 'still more' });
    sfn.on(DescribeExecutionCommand).resolves({ input: '{"allAccounts": true}' });
    const io = memoryIo();

    expect(
      await main(['executions', '--state-machine-arn', STATE_MACHINE_ARN, '--limit', '2', '--json'], io),
    ).toBe(0);
    expect(JSON.parse(io.stdout.text).map((row: { name: string }) => row.name)).toEqual(
      listed.map(({ name }) => name),
    );
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { maxResults: 1, nextToken: 'more' });
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
  });

  it('returns 0 saying so when the state machine has no execution yet', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const io = memoryIo();

    expect(await main(['executions', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(0);
    expect(io.stdout.text).toBe(`No execution of ${STATE_MACHINE_ARN} yet.\n`);
  });

  it('returns 0 with the state machine of the stack named in MUSTER_STACK_NAME', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'muster-prod' }).resolves({
      Stacks: [
        {
          StackName: 'muster-prod',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN }],
        },
      ],
    });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const io = memoryIo({ env: { MUSTER_STACK_NAME: 'muster-prod', AWS_REGION: 'eu-west-1' } });

    expect(await main(['executions'], io)).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE_ARN });
  });

  it.each([['0'], ['1001'], ['2.5']])('returns 2 when --limit is %s', async (limit) => {
    const io = memoryIo();

    expect(await main(['executions', '--state-machine-arn', STATE_MACHINE_ARN, '--limit', limit], io)).toBe(
      2,
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('muster status --latest', () => {
  it("returns the report of the state machine's newest execution", async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: listed });
    const history = HistoryBuilder.throughFirstCheck(samplePlan(), settledReport());
    history.entered('Succeed', 'Onboarded').succeeded(settledReport());
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: EXECUTION_ARN, status: 'SUCCEEDED' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: history.events });
    const io = memoryIo();

    expect(await main(['status', '--latest', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(ListExecutionsCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      maxResults: 1,
    });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN });
    expect(io.stdout.text).toContain('SUCCEEDED');
  });

  it('returns 2 when the state machine has never run', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const io = memoryIo();

    expect(await main(['status', '--latest', '--state-machine-arn', STATE_MACHINE_ARN], io)).toBe(2);
    expect(io.stderr.text).toContain('has no execution yet');
  });

  it.each([
    ['both an ARN and --latest are given', ['status', EXECUTION_ARN, '--latest'], 'not both'],
    ['neither is given', ['status'], 'say which execution'],
  ])('returns 2 without any call when %s', async (_, argv, message) => {
    const io = memoryIo();

    expect(await main(argv, io)).toBe(2);
    expect(io.stderr.text).toContain(message);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('muster with credentials a profile does not give', () => {
  it('returns 4 naming the profile it used, from the flag or the environment', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    sfn.on(ListExecutionsCommand).rejects(noCredentials);
    const fromFlag = memoryIo();
    const fromEnvironment = memoryIo({ env: { AWS_PROFILE: 'securty-admin' } });
    const args = ['executions', '--state-machine-arn', STATE_MACHINE_ARN];

    expect(await main([...args, '--profile', 'secutiry-admin'], fromFlag)).toBe(4);
    expect(fromFlag.stderr.text).toContain('profile "secutiry-admin"');
    expect(await main(args, fromEnvironment)).toBe(4);
    expect(fromEnvironment.stderr.text).toContain('profile "securty-admin"');
  });
});

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DetectiveClient,
  ListMembersCommand as ListGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  type AccountState,
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  ListMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { awsError } from '../helpers.ts';
import { ADMINISTRATOR, memoryIo } from './helpers.ts';

const sts = mockClient(STSClient);
const organizations = mockClient(OrganizationsClient);
const detective = mockClient(DetectiveClient);
const securityHub = mockClient(SecurityHubClient);
const cloudFormation = mockClient(CloudFormationClient);
const fixtures = new URL('fixtures/', import.meta.url).pathname;

const account = (id: string, State: AccountState = 'ACTIVE') => ({
  Id: id,
  Email: `root+${id}@example.com`,
  State,
});

beforeEach(() => {
  for (const mock of [sts, organizations, detective, securityHub, cloudFormation]) mock.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ADMINISTRATOR });
  organizations
    .on(DescribeAccountCommand)
    .callsFake(({ AccountId }: { AccountId: string }) => ({ Account: account(AccountId) }));
  detective.on(ListGraphsCommand).resolves({
    GraphList: [{ Arn: `arn:aws:detective:eu-west-1:${ADMINISTRATOR}:graph:${'b'.repeat(32)}` }],
  });
  securityHub
    .on(DescribeHubCommand)
    .resolves({ HubArn: 'arn:aws:securityhub:eu-west-1:111111111111:hub/default' });
  securityHub.on(DescribeOrganizationConfigurationCommand).resolves({ MemberAccountLimitReached: false });
  securityHub.on(ListMembersCommand).resolves({ Members: [] });
  detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });
});

describe('muster plan', () => {
  it('returns the plan as JSON with emails and names from Organizations when accounts are named', async () => {
    organizations
      .on(DescribeAccountCommand, { AccountId: '200000000001' })
      .resolves({ Account: { ...account('200000000001'), Name: 'payments-prod' } });
    const io = memoryIo();
    const code = await main(
      ['plan', '--accounts', `200000000001,${ADMINISTRATOR}`, '--regions', 'eu-west-1', '--json'],
      io,
    );

    expect(code).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual({
      administratorId: ADMINISTRATOR,
      trigger: 'manual',
      dryRun: false,
      accounts: [
        { accountId: '200000000001', accountName: 'payments-prod', email: 'root+200000000001@example.com' },
      ],
      regions: ['eu-west-1'],
      services: ['securityhub', 'detective'],
      skipped: [
        {
          accountId: ADMINISTRATOR,
          accountName: null,
          outcome: 'SKIPPED_ADMINISTRATOR',
          reason: 'this is the administrator account itself; it cannot be its own member',
        },
      ],
      memberships: 2,
      homes: [
        { region: 'eu-west-1', service: 'securityhub' },
        {
          region: 'eu-west-1',
          service: 'detective',
          home: `arn:aws:detective:eu-west-1:${ADMINISTRATOR}:graph:${'b'.repeat(32)}`,
        },
      ],
      note: null,
    });
    expect(organizations).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: '200000000001' });
  });

  it('returns a plan with only read calls made when the whole organization is asked for', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [
          { ...account('200000000001'), Name: 'payments-prod' },
          { ...account('200000000002', 'SUSPENDED'), Name: 'old-sandbox' },
        ],
        NextToken: 't',
      })
      .resolvesOnce({ Accounts: [account('200000000003')] });
    const io = memoryIo();

    expect(await main(['plan', '--all-accounts', '--region', 'eu-west-1'], io)).toBe(0);
    expect(io.stdout.text).toContain('2 accounts × 1 Region × 2 services = 4 memberships, 1 skipped');
    expect(io.stdout.text).toContain('  200000000001 (payments-prod)  root+200000000001@example.com\n');
    expect(io.stdout.text).toContain('  200000000003  root+200000000003@example.com\n');
    expect(io.stdout.text).toMatch(
      /200000000002 \(old-sandbox\) {2}SKIPPED_ACCOUNT_INACTIVE {2}the account is SUSPENDED/,
    );
    expect(io.stdout.text).toContain(
      'Nothing was changed. To run it for real:\n  muster start --all-accounts --region eu-west-1 --stack-name STACK\n',
    );
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(detective.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'ListGraphsCommand',
      'ListMembersCommand',
    ]);
    expect(
      securityHub
        .calls()
        .map((call) => call.args[0].constructor.name)
        .sort(),
    ).toEqual(['DescribeHubCommand', 'DescribeOrganizationConfigurationCommand', 'ListMembersCommand']);
  });

  it("returns a plan over the stack's Regions and services when --stack-name is given", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'muster',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Parameters: [
            { ParameterKey: 'Regions', ParameterValue: 'us-east-1,eu-west-1' },
            { ParameterKey: 'Services', ParameterValue: 'securityhub' },
          ],
        },
      ],
    });
    const io = memoryIo();

    expect(await main(['plan', '--accounts', '200000000001', '--stack-name', 'muster', '--json'], io)).toBe(
      0,
    );
    expect(JSON.parse(io.stdout.text)).toMatchObject({
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub'],
    });
    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'muster' });
  });

  it('splits an organization larger than one execution into CSV batches, warning that Detective cannot hold them all', async () => {
    const ids = Array.from({ length: 1300 }, (_, i) => String(200000000000 + i));
    organizations.on(ListAccountsCommand).resolves({ Accounts: ids.map((id) => account(id)) });
    const out = mkdtempSync(join(tmpdir(), 'muster-split-'));
    try {
      const io = memoryIo();

      expect(await main(['plan', '--all-accounts', '--region', 'eu-west-1', '--split', out], io)).toBe(0);

      expect(readdirSync(out)).toEqual(['batch-001.csv', 'batch-002.csv']);
      expect(io.stdout.text).toContain(`${join(out, 'batch-001.csv')}  1200 accounts`);
      expect(io.stdout.text).toContain(`${join(out, 'batch-002.csv')}  100 accounts`);
      // `start` needs the stack, which this plan was not given: the line says where it goes.
      expect(io.stdout.text).toContain(
        `for batch in ${out}/batch-*.csv; do muster start --csv "$batch" --region eu-west-1 --stack-name STACK --follow; done`,
      );
      expect(io.stdout.text).toContain("(STACK: your muster stack's name, or --state-machine-arn ARN)");
      expect(io.stdout.text).toContain(
        'Detective: a behavior graph holds at most 1200 members in a Region, so not all 1300 accounts can join it; onboard the others with --services securityhub.',
      );
      // Planned as a dry run: 1,300 accounts with Detective would be refused otherwise.
      expect(io.stdout.text).toContain('Plan (manual input, dry run)');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('returns 2 before reading anything when --split names a file or a folder with batches', async () => {
    const out = mkdtempSync(join(tmpdir(), 'muster-split-'));
    try {
      writeFileSync(join(out, 'batch-001.csv'), 'Account ID,Email\n');
      const file = join(out, 'batch-001.csv');
      for (const [folder, message] of [
        [out, `${out} has batches already (batch-001.csv): choose an empty folder`],
        [file, `${file}: not a folder`],
      ]) {
        const io = memoryIo();
        expect(await main(['plan', '--all-accounts', '--split', folder ?? ''], io)).toBe(2);
        expect(io.stderr.text).toContain(message);
      }
      expect(organizations).not.toHaveReceivedAnyCommand();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('returns nothing to do when the input is a failed account creation event', async () => {
    const io = memoryIo({ cwd: new URL('../../', import.meta.url).pathname });

    expect(await main(['plan', '--input', 'events/triggers/create-account-result-failed.json'], io)).toBe(0);
    expect(io.stdout.text).toContain('Plan (CreateAccountResult event)');
    expect(io.stdout.text).toMatch(/Note: the account creation ended FAILED/);
  });

  it('returns 2 with the workflow message and calls nothing when an account id is bad', async () => {
    const io = memoryIo();

    expect(await main(['plan', '--accounts', '12345678901'], io)).toBe(2);
    expect(io.stderr.text).toContain(
      'input.accounts[0].accountId: "12345678901" has 11 digits; an account id has exactly 12 (a lost leading zero?)',
    );
    expect(sts.calls()).toHaveLength(0);
  });

  it('returns 2 with every bad line of a spreadsheet-mangled CSV and calls nothing', async () => {
    const io = memoryIo({ cwd: fixtures });

    expect(await main(['plan', '--csv', 'spreadsheet-mangled.csv'], io)).toBe(2);
    expect(io.stderr.text).toMatch(
      /line 3: .*444455556666\.0[\s\S]*line 4: .*4\.44456E\+11[\s\S]*line 5: .*11 digits/,
    );
    expect(sts.calls()).toHaveLength(0);
  });

  it('returns 2 saying how to name accounts when none are named', async () => {
    const io = memoryIo();

    expect(await main(['plan', '--regions', 'eu-west-1'], io)).toBe(2);
    expect(io.stderr.text).toContain('say which accounts to onboard: --accounts');
  });

  it('returns 2 naming the AWS_REGION that is not an AWS Region, with the one it looks like, before any AWS call', async () => {
    const io = memoryIo({ env: { AWS_REGION: 'EU-WEST-1' } });

    expect(await main(['plan', '--all-accounts'], io)).toBe(2);
    expect(io.stderr.text).toContain('"EU-WEST-1" is not a known AWS Region (did you mean "eu-west-1"?)');
    for (const mock of [sts, organizations, detective, securityHub, cloudFormation])
      expect(mock.calls()).toHaveLength(0);
  });

  it('returns 2 when --administrator-id is not an account id', async () => {
    const io = memoryIo();

    expect(await main(['plan', '--all-accounts', '--administrator-id', '12'], io)).toBe(2);
    expect(io.stderr.text).toContain('--administrator-id: "12" has 2 digits');
  });

  it('returns 2 with what to allow when the administrator may not list its behavior graphs', async () => {
    detective.on(ListGraphsCommand).rejects(awsError('AccessDeniedException', 403, 'not authorized'));
    const io = memoryIo();

    expect(await main(['plan', '--accounts', '200000000001', '--region', 'eu-west-1'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/allow detective:ListGraphs/);
  });
});

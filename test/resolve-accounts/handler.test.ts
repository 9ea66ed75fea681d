import { readFileSync } from 'node:fs';
import {
  DetectiveClient,
  ListMembersCommand as ListGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  ListMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SWEEP_RESULTS } from '../../functions/shared/domain/sweep.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { COVERAGE_METRICS, recordSweepFinished } from '../../functions/shared/observability.ts';
import { lambdaContext } from '../../local/runner/lambda-context.ts';
import { emittedMetrics, emittedMetricsOf } from '../emf.ts';
import { awsError } from '../helpers.ts';

vi.hoisted(() => {
  process.env.ADMINISTRATOR_ACCOUNT_ID = '999999999999';
  process.env.DEFAULT_REGIONS = 'us-east-1';
  process.env.REPORT_BUCKET = 'muster-reports';
});
const { handler } = await import('../../functions/resolve-accounts/handler.ts');

const organizations = mockClient(OrganizationsClient);
const detective = mockClient(DetectiveClient);
const securityHub = mockClient(SecurityHubClient);
const s3 = mockClient(S3Client);
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';
const event = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));
const context = lambdaContext('resolve-accounts', '999999999999');

describe('resolve-accounts handler', () => {
  beforeEach(() => {
    organizations.reset();
    detective.reset();
    securityHub.reset();
    s3.reset();
    // No sweep has run yet: S3 answers NoSuchKey for a missing object to a caller that may s3:ListBucket.
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 404));
    s3.on(PutObjectCommand).resolves({});
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(DescribeOrganizationConfigurationCommand).resolves({ MemberAccountLimitReached: false });
    securityHub.on(ListMembersCommand).resolves({ Members: [] });
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });
    organizations.on(DescribeAccountCommand).callsFake(({ AccountId }: { AccountId: string }) => ({
      Account: { Id: AccountId, Email: `root+${AccountId}@example.com`, State: 'ACTIVE' },
    }));
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '999999999999', Email: 'security@example.com', State: 'ACTIVE' },
        { Id: '111111111111', Email: 'dev@example.com', State: 'ACTIVE' },
      ],
    });
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
  });

  it.each([
    ['triggers/create-account-result-succeeded', 'CreateAccountResult', ['444455556666'], true],
    ['triggers/control-tower-create-managed-account', 'CreateManagedAccount', ['012345678901'], true],
    ['triggers/control-tower-update-managed-account', 'UpdateManagedAccount', ['210987654321'], true],
    ['triggers/account-joined-organization-invited', 'AccountJoinedOrganization', ['777788889999'], true],
    ['triggers/account-joined-organization-created', 'AccountJoinedOrganization', ['444455556666'], true],
    ['triggers/create-account-result-failed', 'CreateAccountResult', [], false],
    ['manual/accounts', 'manual', ['012345678901', '210987654321'], true],
    ['manual/all-accounts', 'manual', ['111111111111'], true],
    ['triggers/scheduled-sweep', 'sweep', ['111111111111'], true],
    ['manual/dry-run', 'manual', ['111111111111'], false],
  ])('returns the plan of the sample %s', async (path, trigger, accountIds, hasWork) => {
    const plan = await handler(event(path), context);
    expect(plan).toMatchObject({ administratorId: '999999999999', trigger, accountIds, hasWork });
    const homesOf = (service: string) =>
      plan.homes.filter((home) => home.service === service).map(({ region }) => region);
    expect(homesOf('detective')).toEqual(accountIds.length > 0 ? plan.regions : []);
    expect(homesOf('securityhub')).toEqual(accountIds.length > 0 ? plan.regions : []);
  });

  it("keeps, for the next sweep, the organization's accounts a sweep saw, in the report bucket", async () => {
    await handler(event('triggers/scheduled-sweep'), context);

    const put = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    const memory = put.find(({ Key }) => Key === 'executions/sweep-memory/organization.json');
    expect(JSON.parse(String(memory?.Body))).toMatchObject({
      organization: ['111111111111', '999999999999'],
      departed: [],
    });
  });

  it('stops a sweep whose memory S3 denies, naming the object, and writes no new memory over it', async () => {
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));

    await expect(handler(event('triggers/scheduled-sweep'), context)).rejects.toThrow(
      /could not read s3:\/\/[^/]+\/executions\/sweep-memory\/organization\.json: AccessDenied: muster stops rather than go on without the sweep's memory/,
    );
    const put = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input.Key);
    expect(put).not.toContain('executions/sweep-memory/organization.json');
  });

  it('reads the Organizations client from us-east-1 and the default Regions from the environment', async () => {
    const plan = await handler(event('triggers/create-account-result-succeeded'), context);
    expect(plan.regions).toEqual(['us-east-1']);
    expect(plan.pairs).toEqual([
      { region: 'us-east-1', service: 'securityhub', enabled: true },
      { region: 'us-east-1', service: 'detective', enabled: true, home: GRAPH },
    ]);
    const client = organizations.commandCalls(DescribeAccountCommand)[0]?.thisValue as OrganizationsClient;
    await expect(client.config.region()).resolves.toBe('us-east-1');
  });

  it('rejects a spreadsheet-mangled account id with its value and position before any AWS call', async () => {
    const run = handler(event('resolve-accounts/mangled-account-id'), context);
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(handler(event('resolve-accounts/mangled-account-id'), context)).rejects.toThrow(
      'input.accounts[1].accountId: "444455556666.0" is not an account id',
    );
    expect(organizations).not.toHaveReceivedAnyCommand();
    expect(detective).not.toHaveReceivedAnyCommand();
  });
});

describe('resolve-accounts handler of a parent execution', () => {
  beforeEach(() => {
    organizations.reset();
    detective.reset();
    securityHub.reset();
    s3.reset();
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(DescribeOrganizationConfigurationCommand).resolves({ MemberAccountLimitReached: false });
    securityHub.on(ListMembersCommand).resolves({ Members: [] });
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });
    s3.on(PutObjectCommand).resolves({});
    organizations
      .on(DescribeAccountCommand, { AccountId: '111111111111' })
      .resolves({ Account: { Id: '111111111111', Name: 'dev-sandbox', State: 'ACTIVE' } })
      .on(DescribeAccountCommand, { AccountId: '222222222222' })
      .rejects(Object.assign(new Error('not in the organization'), { name: 'AccountNotFoundException' }));
  });

  it("writes Organizations' names, and the input's for an account outside it, to the batch file and not the plan", async () => {
    const request = {
      accounts: [
        { accountId: '111111111111', name: 'what the CSV called it' },
        { accountId: '222222222222', email: 'partner@example.com', name: '=partner "audit" <b>' },
      ],
    };
    const executionId = 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:run-1';

    const plan = await handler({ request, executionId }, context);

    expect(JSON.stringify(plan)).not.toMatch(/dev-sandbox|partner "audit"|CSV called/);
    const put = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    expect(put.map(({ Key }) => Key)).toEqual(['executions/muster-onboarding/run-1/batches/0000.json']);
    expect(JSON.parse(String(put[0]?.Body)).accountNames).toEqual({
      '111111111111': 'dev-sandbox',
      '222222222222': '=partner "audit" <b>',
    });
  });

  it("writes a dry run's whole plan with Organizations' names and the input's to plan.json, and no name to the state", async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '999999999999', Name: 'security-tooling', State: 'ACTIVE' },
        { Id: '111111111111', Name: 'payments-prod', Email: 'prod@example.com', State: 'ACTIVE' },
        { Id: '333333333333', Name: 'old-sandbox', State: 'SUSPENDED' },
      ],
    });
    const request = {
      allAccounts: true,
      dryRun: true,
    };
    const executionId = 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:dry-1';

    const plan = await handler({ request, executionId }, context);

    expect(JSON.stringify(plan)).not.toMatch(/security-tooling|payments-prod|old-sandbox/);
    expect(plan).toMatchObject({
      dryRun: true,
      hasWork: false,
      accountIds: ['111111111111'],
      planKey: 'executions/muster-onboarding/dry-1/plan.json',
      planBucket: 'muster-reports',
    });
    const put = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    expect(put.map(({ Bucket, Key }) => `${Bucket}/${Key}`)).toEqual([
      'muster-reports/executions/muster-onboarding/dry-1/plan.json',
    ]);
    const stored = JSON.parse(String(put[0]?.Body));
    expect(stored.accountIds).toEqual(['111111111111']);
    expect(stored.accountNames).toEqual({
      '111111111111': 'payments-prod',
      '999999999999': 'security-tooling',
      '333333333333': 'old-sandbox',
    });
  });

  it.each([
    ['an organization of the administrator and a suspended account', 'SUSPENDED', true],
    ['an account to onboard (Merge Reports records that one)', 'ACTIVE', false],
  ] as const)('records a sweep with %s as finished here: %s', async (_, state, finishedHere) => {
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 404));
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '999999999999', Name: 'security-tooling', State: 'ACTIVE' },
        { Id: '333333333333', Name: 'old-sandbox', State: state },
      ],
    });
    const executionId = 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:sweep-1';

    const metrics = await emittedMetricsOf(() => handler({ request: { sweep: true }, executionId }, context));

    expect(metrics.filter(({ name }) => name === COVERAGE_METRICS.sweepsFinished)).toEqual(
      finishedHere ? emittedMetrics(() => recordSweepFinished(SWEEP_RESULTS.covered)) : [],
    );
  });

  it("writes the input's name to a dry run's plan.json only for an account Organizations does not name", async () => {
    const request = {
      accounts: [
        { accountId: '111111111111', name: 'what the CSV called it' },
        { accountId: '222222222222', email: 'partner@example.com', name: 'partner-audit' },
      ],
      dryRun: true,
    };
    const executionId = 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:dry-2';

    await handler({ request, executionId }, context);

    const put = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    expect(JSON.parse(String(put[0]?.Body)).accountNames).toEqual({
      '111111111111': 'dev-sandbox',
      '222222222222': 'partner-audit',
    });
  });
});

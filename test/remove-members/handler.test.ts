import { readFileSync } from 'node:fs';
import {
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMembersCommand,
  DescribeHubCommand,
  DisassociateMembersCommand,
  GetMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../local/runner/lambda-context.ts';
import { awsError } from '../helpers.ts';

vi.hoisted(() => {
  process.env.ADMINISTRATOR_ACCOUNT_ID = '999999999999';
  process.env.DEFAULT_REGIONS = 'us-east-1,eu-west-1';
  process.env.DEFAULT_SERVICES = 'securityhub';
  process.env.REPORT_BUCKET = 'muster-reports';
});
const { handler } = await import('../../functions/remove-members/handler.ts');

const securityHub = mockClient(SecurityHubClient);
const organizations = mockClient(OrganizationsClient);
const s3 = mockClient(S3Client);
const sample = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

describe('remove-members handler', () => {
  beforeEach(() => {
    securityHub.reset();
    organizations.reset();
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    // No sweep memory yet (S3's answer to a caller that may s3:ListBucket).
    s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 404));
    organizations.on(DescribeAccountCommand).rejects(awsError('AccountNotFoundException', 400));
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub
      .on(GetMembersCommand)
      .resolves({ Members: [{ AccountId: '777788889999', MemberStatus: 'Enabled' }] });
    securityHub.on(DisassociateMembersCommand).resolves({});
    securityHub.on(DeleteMembersCommand).resolves({ UnprocessedAccounts: [] });
  });

  it('offboards the departed account of the sample event in every configured Region', async () => {
    const output = await handler(
      {
        request: sample('triggers/account-departed-organization-left'),
        executionId: 'arn:aws:states:us-east-1:111111111111:execution:Offboarding:x',
      },
      lambdaContext('remove-members', '999999999999'),
    );

    expect(output).toMatchObject({
      trigger: 'AccountDepartedOrganization',
      departure: 'LEFT',
      regions: ['us-east-1', 'eu-west-1'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 2 },
      needsAttention: false,
    });
    expect(securityHub.commandCalls(DeleteMembersCommand)).toHaveLength(2);
    // The full report, under the execution's own prefix, named in the output.
    expect(output).toMatchObject({
      total: 2,
      files: {
        bucket: 'muster-reports',
        jsonl: 'executions/Offboarding/x/report.jsonl',
        csv: 'executions/Offboarding/x/report.csv',
      },
    });
    const written = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    expect(written.map(({ Key }) => Key).sort()).toEqual([
      'executions/Offboarding/x/report.csv',
      'executions/Offboarding/x/report.jsonl',
    ]);
    const jsonl = String(written.find(({ Key }) => Key?.endsWith('.jsonl'))?.Body);
    expect(
      jsonl
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).region),
    ).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('plans the sample manual removal as a dry run, calling no service', async () => {
    const output = await handler(
      sample('remove-members/manual'),
      lambdaContext('remove-members', '999999999999'),
    );

    expect(output).toMatchObject({
      trigger: 'manual',
      dryRun: true,
      accountIds: ['444455556666'],
      counts: {},
    });
    expect(securityHub.calls()).toHaveLength(0);
  });

  it('refuses Regions of another partition by name before any call', async () => {
    await expect(
      handler(
        { request: { remove: { accounts: ['444455556666'], regions: ['cn-north-1'] } }, executionId: 'x' },
        lambdaContext('remove-members', '999999999999'),
      ),
    ).rejects.toThrow(/cn-north-1/);
    expect(securityHub.calls()).toHaveLength(0);
  });

  it('removes, for {"staleMembers": true}, the memberships of the accounts Organizations calls inactive, and no others', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', State: 'ACTIVE' },
        { Id: '222222222222', State: 'SUSPENDED' },
        { Id: '333333333333', State: 'PENDING_CLOSURE' },
      ],
    });
    organizations.on(DescribeAccountCommand).callsFake(({ AccountId }) => ({
      Account: { Id: AccountId, State: AccountId === '111111111111' ? 'ACTIVE' : 'SUSPENDED' },
    }));
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }) => ({
      Members: (AccountIds as string[]).map((AccountId) => ({ AccountId, MemberStatus: 'Enabled' })),
    }));

    const output = await handler(
      { request: { staleMembers: true }, executionId: 'x' },
      lambdaContext('remove-members', '999999999999'),
    );

    expect(output).toMatchObject({
      trigger: 'staleMembers',
      accountIds: ['222222222222', '333333333333'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 4 },
    });
    for (const call of securityHub.commandCalls(DeleteMembersCommand))
      expect(call.args[0].input.AccountIds).toEqual(['222222222222', '333333333333']);
  });

  it('removes nothing, for {"staleMembers": true}, when S3 denies the sweep\'s memory, and says which object', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolves({ Accounts: [{ Id: '222222222222', State: 'SUSPENDED' }] });
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));

    await expect(
      handler(
        { request: { staleMembers: true }, executionId: 'x' },
        lambdaContext('remove-members', '999999999999'),
      ),
    ).rejects.toThrow(
      /executions\/sweep-memory\/organization\.json: AccessDenied: muster stops rather than go on without the sweep's memory/,
    );
    expect(securityHub.commandCalls(DisassociateMembersCommand)).toHaveLength(0);
    expect(securityHub.commandCalls(DeleteMembersCommand)).toHaveLength(0);
  });

  it('removes, for {"staleMembers": true}, the departed accounts the last sweep found still members too, unless they are back in the organization', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', State: 'ACTIVE' },
        { Id: '222222222222', State: 'SUSPENDED' },
      ],
    });
    organizations
      .on(DescribeAccountCommand)
      .callsFake(({ AccountId }) =>
        AccountId === '111111111111'
          ? { Account: { Id: AccountId, State: 'ACTIVE' } }
          : AccountId === '222222222222'
            ? { Account: { Id: AccountId, State: 'SUSPENDED' } }
            : Promise.reject(awsError('AccountNotFoundException', 400)),
      );
    const memory = {
      sweptAt: '2026-12-01T00:00:00.000Z',
      organization: ['111111111111', '222222222222'],
      // 111111111111 left and came back: no longer departed.
      departed: ['444444444444', '111111111111'],
    };
    s3.on(GetObjectCommand, { Key: 'executions/sweep-memory/organization.json' }).resolves({
      Body: { transformToString: async () => JSON.stringify(memory) } as never,
    });
    securityHub.on(GetMembersCommand).callsFake(({ AccountIds }) => ({
      Members: (AccountIds as string[]).map((AccountId) => ({ AccountId, MemberStatus: 'Enabled' })),
    }));

    const output = await handler(
      { request: { staleMembers: true }, executionId: 'x' },
      lambdaContext('remove-members', '999999999999'),
    );

    expect(output).toMatchObject({
      trigger: 'staleMembers',
      accountIds: ['222222222222', '444444444444'],
      counts: { REMOVED_FROM_ADMINISTRATOR: 4 },
    });
  });
});

import { readFileSync } from 'node:fs';
import {
  AcceptInvitationCommand,
  DetectiveClient,
  ListInvitationsCommand as ListGraphInvitationsCommand,
} from '@aws-sdk/client-detective';
import {
  AcceptAdministratorInvitationCommand,
  DescribeHubCommand,
  GetAdministratorAccountCommand,
  ListInvitationsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { awsError } from '../helpers.ts';
import { lambdaContext } from '../lambda-context.ts';

// The handler reads its configuration when loaded, as in Lambda.
vi.hoisted(() => {
  process.env.MEMBER_ROLE_NAME = 'MusterMemberRole';
  process.env.ADMINISTRATOR_ACCOUNT_ID = '999999999999';
  process.env.REPORT_BUCKET = 'muster-reports-test';
});
const { handler } = await import('../../functions/accept-invitations/handler.ts');

const sts = mockClient(STSClient);
const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const event = (name: string): unknown =>
  JSON.parse(readFileSync(`events/accept-invitations/${name}.json`, 'utf8'));
const context = lambdaContext('accept-invitations');

describe('accept-invitations handler', () => {
  beforeEach(() => {
    sts.reset();
    securityHub.reset();
    detective.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKIA',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 900_000),
      },
    });
  });

  it('returns ENABLED for every account, Region and service of the sample batch', async () => {
    securityHub.on(DescribeHubCommand).resolves({});
    securityHub.on(GetAdministratorAccountCommand).resolves({});
    securityHub.on(ListInvitationsCommand).resolves({
      Invitations: [{ AccountId: '999999999999', InvitationId: 'ours', MemberStatus: 'Invited' }],
    });
    securityHub.on(AcceptAdministratorInvitationCommand).resolves({});
    const graphs = Object.fromEntries(
      (event('two-accounts') as { homes: { region: string; home?: string }[] }).homes.flatMap(
        ({ region, home }) => (home === undefined ? [] : [[region, home]]),
      ),
    );
    detective.on(ListGraphInvitationsCommand).resolves({
      Invitations: Object.values(graphs).map((GraphArn) => ({ GraphArn, Status: 'INVITED' as const })),
    });
    detective.on(AcceptInvitationCommand).resolves({});

    const output = await handler(event('two-accounts'), context);

    expect(output).toEqual({
      counts: { ENABLED: 8 },
      unfinished: [],
      retryAccountIds: [],
      unfinishedKey: null,
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::222222222222:role/MusterMemberRole',
      RoleSessionName: 'muster-sam-local',
    });
  });

  it('returns MEMBER_ROLE_MISSING to retry in every Region when the member role is not deployed yet', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 403, 'not authorized to perform: sts:AssumeRole'));

    const output = await handler(event('securityhub-only'), context);

    expect(output.counts).toEqual({ MEMBER_ROLE_MISSING: 3 });
    expect(output.unfinished).toEqual([
      {
        outcome: 'MEMBER_ROLE_MISSING',
        reason: expect.stringContaining('AccessDenied'),
        // No pairs: every Region and service of the batch.
        accountIds: ['111111111111'],
      },
    ]);
    expect(output.retryAccountIds).toEqual(['111111111111']);
    expect(securityHub).not.toHaveReceivedAnyCommand();
  });

  it('throws InvalidInputError naming a mangled account id and its position before any AWS call', async () => {
    const run = () => handler(event('mangled-account-id'), context);

    await expect(run()).rejects.toThrow(InvalidInputError);
    await expect(run()).rejects.toThrow('input.accountIds[1]: "4.44456E+11" is not an account id');
    expect(sts).not.toHaveReceivedAnyCommand();
    expect(securityHub).not.toHaveReceivedAnyCommand();
    expect(detective).not.toHaveReceivedAnyCommand();
  });
});

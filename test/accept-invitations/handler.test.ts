import { readFileSync } from 'node:fs';
import {
  AcceptInvitationCommand,
  DetectiveClient,
  ListInvitationsCommand as ListGraphInvitationsCommand,
} from '@aws-sdk/client-detective';
import {
  AcceptAdministratorInvitationCommand,
  GetAdministratorAccountCommand,
  ListInvitationsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { lambdaContext } from '../../local/runner/lambda-context.ts';
import { awsError } from '../helpers.ts';

// The handler reads its configuration when loaded, as in Lambda.
vi.hoisted(() => {
  process.env.MEMBER_ROLE_NAME = 'MusterMemberRole';
  process.env.ADMINISTRATOR_ACCOUNT_ID = '999999999999';
  process.env.REPORT_BUCKET = 'muster-reports-test';
});
const { handler, createHandler } = await import('../../functions/accept-invitations/handler.ts');

const sts = mockClient(STSClient);
const securityHub = mockClient(SecurityHubClient);
const detective = mockClient(DetectiveClient);
const event = (name: string): unknown =>
  JSON.parse(readFileSync(`events/accept-invitations/${name}.json`, 'utf8'));
const context = lambdaContext('accept-invitations', '999999999999');

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

  it("reuses a warm container's member sessions in a later round of the same execution: one AssumeRole per account for 2 Regions × 2 services, twice", async () => {
    securityHub.on(ListInvitationsCommand).resolves({ Invitations: [] });
    securityHub.on(GetAdministratorAccountCommand).resolves({});
    detective
      .on(AcceptInvitationCommand)
      .rejects(awsError('ResourceNotFoundException', 404, 'The request refers to a nonexistent resource.'));
    const container = createHandler();

    const first = await container(event('two-accounts'), context);
    const second = await container(event('two-accounts'), context);

    expect(first.counts).toEqual({ PENDING_INVITATION: 8 });
    expect(second.counts).toEqual({ PENDING_INVITATION: 8 });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(securityHub).toHaveReceivedCommandTimes(ListInvitationsCommand, 8);
  });

  it('assumes the member role again for another execution, even in the same container', async () => {
    securityHub.on(ListInvitationsCommand).resolves({ Invitations: [] });
    securityHub.on(GetAdministratorAccountCommand).resolves({});
    detective.on(AcceptInvitationCommand).rejects(awsError('ResourceNotFoundException', 404));
    const container = createHandler();
    const other = {
      ...(event('two-accounts') as object),
      executionId: 'arn:aws:states:us-east-1:999999999999:execution:muster-onboarding:another-run',
    };

    await container(event('two-accounts'), context);
    await container(other, context);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 4);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleSessionName: 'muster-another-run' });
  });

  it('returns MEMBER_ROLE_MISSING to retry in every Region when the member role is not deployed yet', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 403, 'not authorized to perform: sts:AssumeRole'));

    // A fresh container: the module's own handler keeps the sessions of the other tests' execution.
    const output = await createHandler()(event('securityhub-only'), context);

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

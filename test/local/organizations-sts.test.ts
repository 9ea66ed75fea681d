import { ListGraphsCommand } from '@aws-sdk/client-detective';
import {
  AccessDeniedException,
  AccountNotFoundException,
  DescribeAccountCommand,
  InvalidInputException,
  ListAccountsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DescribeHubCommand, EnableSecurityHubCommand } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import {
  ADMIN,
  clientsFor,
  failure,
  memberClients,
  memberCredentials,
  sleep,
  smallScenario,
} from './helpers.ts';

let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

async function start(overrides: Parameters<typeof smallScenario>[0] = {}, timeScale = 1): Promise<StandIn> {
  standIn = await startStandIn({ scenario: smallScenario(overrides), timeScale });
  return standIn;
}

async function listAll(organizations: OrganizationsClient): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let NextToken: string | undefined;
  do {
    const out = await organizations.send(new ListAccountsCommand({ MaxResults: 20, NextToken }));
    pages.push(out.Accounts?.length ?? 0);
    ids.push(...(out.Accounts ?? []).map((a) => a.Id ?? ''));
    NextToken = out.NextToken;
  } while (NextToken !== undefined);
  return { ids, pages };
}

function assumeRole(
  s: StandIn,
  accountId: string,
  extra: { RoleSessionName?: string; DurationSeconds?: number } = {},
) {
  return clientsFor(s).sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/MusterMemberRole`,
      RoleSessionName: 'muster-test',
      ...extra,
    }),
  );
}

describe('stand-in Organizations', () => {
  it('lists the administrator and every organization account, 20 a page, but not accounts outside it', async () => {
    const s = await start({ generate: { count: 40 } });

    const { ids, pages } = await listAll(clientsFor(s).organizations);

    // 1 administrator + 3 listed organization accounts + 40 generated; the OUTSIDE account is not listed.
    expect(pages).toEqual([20, 20, 4]);
    expect(ids).toContain(ADMIN);
    expect(ids).toContain('000000000002');
    expect(ids).not.toContain('444444444444');
    expect(new Set(ids).size).toBe(44);
  });

  it('serves an empty page before each real one when emptyListPages is on', async () => {
    const s = await start({ faults: { emptyListPages: true } });

    const { ids, pages } = await listAll(clientsFor(s).organizations);

    expect(pages).toEqual([0, 4]);
    expect(ids).toHaveLength(4);
  });

  it('returns InvalidInputException when MaxResults is above 20', async () => {
    const s = await start();

    const error = await failure(
      clientsFor(s).organizations.send(new ListAccountsCommand({ MaxResults: 21 })),
    );

    expect(error).toBeInstanceOf(InvalidInputException);
  });

  it('describes an account with Email, State and JoinedMethod, and AccountNotFoundException for others', async () => {
    const s = await start({
      accounts: [
        { accountId: '666666666666', email: 's@example.com', joinedMethod: 'INVITED', state: 'SUSPENDED' },
      ],
    });
    const organizations = clientsFor(s).organizations;

    const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: '666666666666' }));
    const missing = await failure(
      organizations.send(new DescribeAccountCommand({ AccountId: '999999999999' })),
    );

    expect(Account).toMatchObject({
      Id: '666666666666',
      Email: 's@example.com',
      State: 'SUSPENDED',
      JoinedMethod: 'INVITED',
      JoinedTimestamp: expect.any(Date),
    });
    expect(Account?.Arn).toBe('arn:aws:organizations::111111111111:account/o-exampleorg1/666666666666');
    expect(missing).toBeInstanceOf(AccountNotFoundException);
  });

  it('returns AccessDeniedException unless the caller is the delegated administrator or the management account', async () => {
    const s = await start({ managementAccountId: '000000000002' });

    const member = await failure(
      (await memberClients(s, '222222222222')).organizations.send(new ListAccountsCommand({})),
    );
    const management = await (await memberClients(s, '000000000002')).organizations.send(
      new ListAccountsCommand({}),
    );

    expect(member).toBeInstanceOf(AccessDeniedException);
    expect(management.Accounts).toHaveLength(4);
  });

  it('returns AccessDeniedException to an administrator that is not the delegated administrator', async () => {
    const s = await start({ delegatedAdministrator: false });

    const error = await failure(clientsFor(s).organizations.send(new ListAccountsCommand({})));

    expect(error).toBeInstanceOf(AccessDeniedException);
  });
});

describe('stand-in STS', () => {
  it('issues credentials that act as the member account on every later call', async () => {
    const s = await start();

    const member = await memberClients(s, '000000000002', 'eu-west-1');
    const identity = await member.sts.send(new GetCallerIdentityCommand({}));
    await member.securityHub.send(new EnableSecurityHubCommand({}));
    const hub = await member.securityHub.send(new DescribeHubCommand({}));

    expect(identity).toMatchObject({
      Account: '000000000002',
      Arn: 'arn:aws:sts::000000000002:assumed-role/MusterMemberRole/muster-test',
    });
    expect(hub.HubArn).toBe('arn:aws:securityhub:eu-west-1:000000000002:hub/default');
    expect(s.inspect().calls.byAccount['000000000002']).toBe(3);
    expect(s.inspect().credentialsIssued).toBe(1);
  });

  it('returns AccessDenied when the member role is missing, misnamed or the account suspended', async () => {
    const s = await start({
      memberRoleName: 'MusterMemberRole',
      accounts: [
        {
          accountId: '000000000002',
          email: 'a@example.com',
          joinedMethod: 'CREATED',
          memberRoleMissing: true,
        },
        { accountId: '222222222222', email: 'b@example.com', joinedMethod: 'CREATED', state: 'SUSPENDED' },
        { accountId: '333333333333', email: 'c@example.com', joinedMethod: 'CREATED' },
      ],
    });
    const misnamed = clientsFor(s).sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
        RoleSessionName: 'x1',
      }),
    );

    const errors = await Promise.all([
      failure(assumeRole(s, '000000000002')),
      failure(assumeRole(s, '222222222222')),
      failure(assumeRole(s, '999999999999')),
      failure(misnamed),
    ]);

    for (const error of errors) {
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
    expect(errors[0]?.message).toContain('is not authorized to perform: sts:AssumeRole on resource');
  });

  it('returns AccessDenied without the external id the member role requires, and ValidationError for a malformed one', async () => {
    const s = await start({ memberRoleExternalId: 'muster-external-id' });
    const sts = clientsFor(s).sts;
    const roleArn = 'arn:aws:iam::000000000002:role/MusterMemberRole';

    const missing = await failure(assumeRole(s, '000000000002'));
    const malformed = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1', ExternalId: 'a b' })),
    );
    const granted = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1', ExternalId: 'muster-external-id' }),
    );

    expect(missing.name).toBe('AccessDenied');
    expect(malformed.name).toBe('ValidationError');
    expect(granted.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000002:assumed-role/MusterMemberRole/x1');
  });

  it('returns AccessDenied until the member role appears after the scaled delay', async () => {
    const s = await start(
      {
        accounts: [
          {
            accountId: '000000000002',
            email: 'a@example.com',
            joinedMethod: 'CREATED',
            memberRoleAppearsAfterSeconds: 40,
          },
        ],
      },
      0.01,
    );

    const early = await failure(assumeRole(s, '000000000002'));
    await sleep(450);
    const later = await assumeRole(s, '000000000002');

    expect(early.name).toBe('AccessDenied');
    expect(later.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('returns ValidationError for a bad session name and for more than one hour of role chaining', async () => {
    const s = await start();

    const name = await failure(assumeRole(s, '000000000002', { RoleSessionName: 'has space' }));
    const duration = await failure(assumeRole(s, '000000000002', { DurationSeconds: 7200 }));

    expect(name.name).toBe('ValidationError');
    expect(duration.name).toBe('ValidationError');
    expect(duration.message).toContain('role chaining');
  });
});

describe('stand-in opt-in Regions', () => {
  const optIn = {
    regions: ['us-east-1', 'ap-east-1'],
    accounts: [
      {
        accountId: '000000000002',
        email: 'a@example.com',
        joinedMethod: 'CREATED' as const,
        disabledRegions: ['ap-east-1'],
      },
    ],
  };

  it('returns UnrecognizedClientException 403 to a member calling Security Hub or Detective in its disabled Region', async () => {
    const s = await start(optIn);
    const member = await memberClients(s, '000000000002', 'ap-east-1');

    const hub = await failure(member.securityHub.send(new EnableSecurityHubCommand({})));
    const detective = await failure(member.detective.send(new ListGraphsCommand({})));

    for (const error of [hub, detective]) {
      expect(error.name).toBe('UnrecognizedClientException');
      expect(error.message).toBe('The security token included in the request is invalid.');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
  });

  it('returns InvalidClientTokenId from the STS endpoint of a Region the caller has not enabled', async () => {
    const s = await start(optIn);
    const credentials = await memberCredentials(s, '000000000002');

    const member = await failure(
      clientsFor(s, 'ap-east-1', credentials).sts.send(new GetCallerIdentityCommand({})),
    );
    const admin = await failure(clientsFor(s, 'me-south-1').sts.send(new GetCallerIdentityCommand({})));
    const global = await clientsFor(s, 'us-east-1', credentials).sts.send(new GetCallerIdentityCommand({}));

    expect(member.name).toBe('InvalidClientTokenId');
    expect(admin.name).toBe('InvalidClientTokenId');
    expect(global.Account).toBe('000000000002');
  });

  it('answers the administrator in a Region outside the scenario as a Region it has not enabled', async () => {
    const s = await start(optIn);

    const error = await failure(clientsFor(s, 'eu-central-2').securityHub.send(new DescribeHubCommand({})));

    expect(error.name).toBe('UnrecognizedClientException');
  });
});

import {
  CreateDetectorCommand,
  GetAdministratorAccountCommand,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import {
  CreateMembersCommand,
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  EnableOrganizationAdminAccountCommand,
  EnableSecurityHubCommand,
  GetMembersCommand,
  InvalidAccessException,
  ListMembersCommand,
  ResourceConflictException,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { guardDutyClient } from './guardduty-client.ts';
import { type AwsCredentialIdentity, type Clients, clientsFor } from './helpers.ts';
import { type Moto, SKIPPED_WITHOUT_MOTO, skipWithoutMoto, startMoto } from './moto.ts';

// moto runs every unknown access key as its default account; the stand-in's administrator is the same id.
const ADMIN = '123456789012';
const OUTSIDE = '444444444444';
const CREDENTIALS = {
  accessKeyId: 'conformance-test-key',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

interface Side {
  name: 'moto' | 'stand-in';
  /** An organization account that AssumeRole reaches. */
  memberId: string;
  /** Where its server listens. */
  endpoint: { endpoint: string };
  clients(region: string, credentials?: AwsCredentialIdentity): Clients;
}

/** The shape of a response: keys and value types, recursively; arrays by their first element. */
function shape(value: unknown): unknown {
  if (value instanceof Date) return 'Date';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== '$metadata' && v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, shape(v)]),
    );
  }
  return typeof value;
}

function without(value: unknown, ...keys: string[]): unknown {
  const s = shape(value) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(s).filter(([key]) => !keys.includes(key)));
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; status?: number } | 'succeeded'> {
  try {
    await promise;
    return 'succeeded';
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
}

describe.skipIf(skipWithoutMoto)(`stand-in conformance with moto_server${SKIPPED_WITHOUT_MOTO}`, () => {
  let moto: Moto | undefined;
  let standIn: StandIn | undefined;
  let sides: Side[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    const motoEndpoint = moto.endpoint;

    const motoOrganizations = clientsFor({ endpoint: motoEndpoint }, 'us-east-1', CREDENTIALS).organizations;
    await motoOrganizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await motoOrganizations.send(
      new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }),
    );
    const motoMember = created.CreateAccountStatus?.AccountId ?? '';
    // The member in an OU of its own, as the stand-in's scenario places it (its account's `ou`).
    const motoRoot = (await motoOrganizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
    const unit = await motoOrganizations.send(
      new CreateOrganizationalUnitCommand({ ParentId: motoRoot, Name: 'Workloads' }),
    );
    await motoOrganizations.send(
      new MoveAccountCommand({
        AccountId: motoMember,
        SourceParentId: motoRoot,
        DestinationParentId: unit.OrganizationalUnit?.Id ?? '',
      }),
    );

    standIn = await startStandIn({
      scenario: {
        administratorAccountId: ADMIN,
        regions: [
          'us-east-1',
          'us-east-2',
          'us-west-1',
          'us-west-2',
          'eu-west-1',
          'eu-west-2',
          'eu-central-1',
        ],
        delegatedAdministrator: true,
        services: {
          securityhub: { enabledRegions: [] },
          detective: { enabledRegions: [] },
          guardduty: { enabledRegions: [] },
        },
        accounts: [
          {
            accountId: '210987654321',
            email: 'member@example.com',
            name: 'member',
            ou: 'Workloads',
            joinedMethod: 'CREATED',
          },
          { accountId: OUTSIDE, email: 'outside@example.net', joinedMethod: 'OUTSIDE' },
        ],
      },
    });
    const s = standIn;
    sides = [
      {
        name: 'moto',
        memberId: motoMember,
        endpoint: { endpoint: motoEndpoint },
        clients: (r, c = CREDENTIALS) => clientsFor({ endpoint: motoEndpoint }, r, c),
      },
      {
        name: 'stand-in',
        memberId: '210987654321',
        endpoint: s,
        clients: (r, c = CREDENTIALS) => clientsFor(s, r, c),
      },
    ];
  }, 30_000);

  afterAll(async () => {
    await standIn?.stop();
    await moto?.stop();
  });

  /** Runs the same calls against moto and the stand-in. */
  function onBoth<T>(run: (side: Side) => Promise<T>): Promise<[T, T]> {
    const [motoSide, standInSide] = sides;
    if (motoSide === undefined || standInSide === undefined) throw new Error('setup did not finish');
    return Promise.all([run(motoSide), run(standInSide)]);
  }

  it('returns ListAccounts and DescribeAccount in the same shape, and AccountNotFoundException for unknown ids', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const organizations = side.clients('us-east-1').organizations;
      const list = await organizations.send(new ListAccountsCommand({ MaxResults: 20 }));
      const described = await organizations.send(new DescribeAccountCommand({ AccountId: side.memberId }));
      const missing = await rejection(
        organizations.send(new DescribeAccountCommand({ AccountId: '999999999999' })),
      );
      return { list, described, missing };
    });

    expect(shape(ours.list)).toEqual(shape(moto.list));
    expect(shape(ours.described)).toEqual(shape(moto.described));
    expect(ours.described.Account).toMatchObject({ State: 'ACTIVE', JoinedMethod: 'CREATED' });
    expect(ours.missing).toEqual(moto.missing);
    expect(ours.missing).toMatchObject({ name: 'AccountNotFoundException' });
  });

  it('walks the OU tree in the same shapes: ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ParentNotFoundException', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const organizations = side.clients('us-east-1').organizations;
      const roots = await organizations.send(new ListRootsCommand({ MaxResults: 20 }));
      const root = roots.Roots?.[0]?.Id ?? '';
      const units = await organizations.send(
        new ListOrganizationalUnitsForParentCommand({ ParentId: root, MaxResults: 20 }),
      );
      const unit = units.OrganizationalUnits?.[0]?.Id ?? '';
      const accounts = await organizations.send(
        new ListAccountsForParentCommand({ ParentId: unit, MaxResults: 20 }),
      );
      const missing = await rejection(
        organizations.send(new ListAccountsForParentCommand({ ParentId: 'ou-zzzz-99999999' })),
      );
      return { roots, units, accounts, missing, memberId: side.memberId };
    });

    expect(shape(ours.roots)).toEqual(shape(moto.roots));
    expect(ours.roots.Roots?.[0]).toMatchObject({
      Name: 'Root',
      Id: expect.stringMatching(/^r-[0-9a-z]{4,32}$/),
    });
    expect(shape(ours.units)).toEqual(shape(moto.units));
    expect(ours.units.OrganizationalUnits?.map(({ Name }) => Name)).toEqual(['Workloads']);
    expect(moto.units.OrganizationalUnits?.map(({ Name }) => Name)).toEqual(['Workloads']);
    expect(ours.units.OrganizationalUnits?.[0]?.Id).toMatch(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
    expect(shape(ours.accounts)).toEqual(shape(moto.accounts));
    expect(ours.accounts.Accounts?.map(({ Id }) => Id)).toEqual([ours.memberId]);
    expect(moto.accounts.Accounts?.map(({ Id }) => Id)).toEqual([moto.memberId]);
    expect(ours.missing).toEqual(moto.missing);
    expect(ours.missing).toMatchObject({ name: 'ParentNotFoundException' });
  });

  it('differs on purpose when ListAccounts asks for more than 20: AWS rejects it, moto answers', async () => {
    const [moto, ours] = await onBoth((side) =>
      rejection(side.clients('us-east-1').organizations.send(new ListAccountsCommand({ MaxResults: 21 }))),
    );

    expect(moto).toBe('succeeded');
    expect(ours).toMatchObject({ name: 'InvalidInputException' });
  });

  it('issues AssumeRole credentials of the same shape that then act as the member account', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const assumed = await side.clients('us-east-1').sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${side.memberId}:role/MusterMemberRole`,
          RoleSessionName: 'muster',
        }),
      );
      const c = assumed.Credentials;
      const member = side.clients('us-east-1', {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken,
      });
      const identity = await member.sts.send(new GetCallerIdentityCommand({}));
      await member.securityHub.send(new EnableSecurityHubCommand({}));
      const hub = await member.securityHub.send(new DescribeHubCommand({}));
      return { assumed, identity, hubArn: hub.HubArn, memberId: side.memberId };
    });

    // moto always reports PackedPolicySize; AWS sends it only with session policies or tags, so the stand-in omits it.
    expect(without(ours.assumed, 'PackedPolicySize')).toEqual(without(moto.assumed, 'PackedPolicySize'));
    expect(shape(ours.identity)).toEqual(shape(moto.identity));
    for (const side of [moto, ours]) {
      expect(side.identity.Account).toBe(side.memberId);
      expect(side.hubArn).toBe(`arn:aws:securityhub:us-east-1:${side.memberId}:hub/default`);
    }
  });

  it('returns InvalidAccessException 401 from DescribeHub before Security Hub is enabled', async () => {
    const [moto, ours] = await onBoth((side) =>
      rejection(side.clients('us-east-2').securityHub.send(new DescribeHubCommand({}))),
    );

    expect(ours).toEqual(moto);
    expect(ours).toEqual({ name: 'InvalidAccessException', status: 401 });
  });

  it('enables Security Hub with the same answer and describes the hub in the same shape; a second enable differs on purpose', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const hub = side.clients('us-west-1').securityHub;
      const enabled = await hub.send(new EnableSecurityHubCommand({}));
      const described = await hub.send(new DescribeHubCommand({}));
      const again = await rejection(hub.send(new EnableSecurityHubCommand({})));
      return { enabled, described, again };
    });

    expect(shape(ours.enabled)).toEqual(shape(moto.enabled));
    expect(shape(ours.described)).toEqual(shape(moto.described));
    expect(ours.described.HubArn).toBe(moto.described.HubArn);
    // AWS answers ResourceConflictException 409 when the hub is already enabled
    // (docs/aws-facts.md, Security Hub); moto answers 200.
    expect(moto.again).toBe('succeeded');
    expect(ours.again).toEqual({ name: ResourceConflictException.name, status: 409 });
  });

  it('differs on purpose when CreateMembers comes before the hub is enabled: AWS refuses, moto accepts', async () => {
    const [moto, ours] = await onBoth((side) =>
      rejection(
        side
          .clients('eu-central-1')
          .securityHub.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }] })),
      ),
    );

    expect(moto).toBe('succeeded');
    expect(ours).toEqual({ name: InvalidAccessException.name, status: 401 });
  });

  it('returns CreateMembers, GetMembers and ListMembers in the same shape, with the deliberate status difference', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const hub = side.clients('eu-west-1').securityHub;
      await hub.send(new EnableSecurityHubCommand({}));
      const details = [
        { AccountId: side.memberId, Email: 'member@example.com' },
        { AccountId: OUTSIDE, Email: 'outside@example.net' },
      ];
      const created = await hub.send(new CreateMembersCommand({ AccountDetails: details }));
      const again = await hub.send(new CreateMembersCommand({ AccountDetails: details.slice(0, 1) }));
      const got = await hub.send(
        new GetMembersCommand({ AccountIds: [side.memberId, OUTSIDE, '999999999999'] }),
      );
      const associated = await hub.send(new ListMembersCommand({}));
      const firstPage = await hub.send(new ListMembersCommand({ OnlyAssociated: false, MaxResults: 1 }));
      return { created, again, got, associated, firstPage, memberId: side.memberId };
    });

    expect(shape(ours.created)).toEqual(shape(moto.created));
    expect(ours.created.UnprocessedAccounts).toEqual([]);
    expect(shape(ours.again)).toEqual(shape(moto.again));
    expect(ours.again.UnprocessedAccounts?.[0]?.AccountId).toBe(ours.memberId);
    // AWS's Member carries AdministratorId and MasterId; moto adds them only once an organization admin is set.
    const member = (m: unknown) => without(m, 'AdministratorId', 'MasterId');
    expect(member(ours.got.Members?.[0])).toEqual(member(moto.got.Members?.[0]));
    expect(shape(ours.got.UnprocessedAccounts)).toEqual(shape(moto.got.UnprocessedAccounts));
    expect(shape(ours.firstPage.NextToken)).toBe('string');
    expect(shape(moto.firstPage.NextToken)).toBe('string');

    const statuses = (out: typeof ours.got) =>
      Object.fromEntries(
        (out.Members ?? []).map((m) => [
          m.AccountId === OUTSIDE ? 'outside' : 'organization',
          m.MemberStatus,
        ]),
      );
    // moto makes every member ENABLED at once. AWS enables organization accounts for the delegated
    // administrator but leaves invitation accounts Created until they are invited and accept.
    expect(statuses(moto.got)).toEqual({ organization: 'ENABLED', outside: 'ENABLED' });
    expect(statuses(ours.got)).toEqual({ organization: 'Enabled', outside: 'Created' });
    // Hence ListMembers (OnlyAssociated defaults to true) lists both on moto and only the enabled one here.
    expect(moto.associated.Members).toHaveLength(2);
    expect(ours.associated.Members?.map((m) => m.AccountId)).toEqual([ours.memberId]);
  });

  it('lists, creates and reads GuardDuty detectors in the same shape; a second detector differs on purpose', async () => {
    const [moto, ours] = await onBoth(async (side) => {
      const guardDuty = guardDutyClient(side.endpoint, 'us-east-2', CREDENTIALS);
      const before = await guardDuty.send(new ListDetectorsCommand({}));
      const created = await guardDuty.send(new CreateDetectorCommand({ Enable: true }));
      const after = await guardDuty.send(new ListDetectorsCommand({ MaxResults: 50 }));
      const administrator = await guardDuty.send(
        new GetAdministratorAccountCommand({ DetectorId: created.DetectorId }),
      );
      const again = await rejection(guardDuty.send(new CreateDetectorCommand({ Enable: true })));
      return { before, created, after, administrator, again };
    });

    expect(ours.before.DetectorIds).toEqual([]);
    expect(moto.before.DetectorIds).toEqual([]);
    expect(shape(ours.created)).toEqual(shape(moto.created));
    for (const side of [moto, ours]) {
      expect(side.created.DetectorId).toMatch(/^[0-9a-f]{32}$/);
      expect(side.after.DetectorIds).toEqual([side.created.DetectorId]);
    }
    // An account that has no administrator: both answer without one.
    expect(shape(ours.administrator)).toEqual(shape(moto.administrator));
    expect(ours.administrator.Administrator).toBeUndefined();
    // AWS allows one detector per account and Region (docs/aws-facts.md, Amazon GuardDuty); moto makes another.
    expect(moto.again).toBe('succeeded');
    expect(ours.again).toEqual({ name: 'BadRequestException', status: 400 });
  });

  it('returns BadRequestException 400 for a GuardDuty detector the caller does not own', async () => {
    const [moto, ours] = await onBoth((side) =>
      rejection(
        guardDutyClient(side.endpoint, 'us-west-1', CREDENTIALS).send(
          new GetAdministratorAccountCommand({ DetectorId: 'a'.repeat(32) }),
        ),
      ),
    );

    expect(ours).toEqual(moto);
    expect(ours).toEqual({ name: 'BadRequestException', status: 400 });
  });

  // Last: designating the delegated administrator changes what moto returns for members afterwards.
  it('describes the organization configuration in the same shape to the delegated administrator; refuses others differently on purpose', async () => {
    const [motoSide] = sides;
    await motoSide
      ?.clients('us-east-1')
      .securityHub.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: ADMIN }));
    const [moto, ours] = await onBoth(async (side) => {
      const hub = side.clients('us-west-2').securityHub;
      await hub.send(new EnableSecurityHubCommand({}));
      const described = await hub.send(new DescribeOrganizationConfigurationCommand({}));
      const credentials = (
        await side.clients('us-west-2').sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${side.memberId}:role/MusterMemberRole`,
            RoleSessionName: 'conformance',
          }),
        )
      ).Credentials;
      const memberHub = side.clients('us-west-2', {
        accessKeyId: credentials?.AccessKeyId ?? '',
        secretAccessKey: credentials?.SecretAccessKey ?? '',
        sessionToken: credentials?.SessionToken ?? '',
      }).securityHub;
      await memberHub.send(new EnableSecurityHubCommand({})).catch(() => undefined);
      const refused = await rejection(memberHub.send(new DescribeOrganizationConfigurationCommand({})));
      return { described, refused };
    });
    expect(without(ours.described, 'OrganizationConfiguration')).toEqual(
      without(moto.described, 'OrganizationConfiguration'),
    );
    // AWS documents StatusMessage only for a FAILED central configuration; moto always sends it, empty.
    expect(without(ours.described.OrganizationConfiguration, 'StatusMessage')).toEqual(
      without(moto.described.OrganizationConfiguration, 'StatusMessage'),
    );
    expect(ours.described.OrganizationConfiguration).toEqual({
      ConfigurationType: 'LOCAL',
      Status: 'ENABLED',
    });
    // AWS answers an account that is not the administrator InvalidAccessException 401 ("... is not an
    // administrator for this organization", seen in public bug reports); moto answers AccessDeniedException.
    expect(ours.refused).toEqual({ name: 'InvalidAccessException', status: 401 });
    expect(moto.refused).toMatchObject({ name: 'AccessDeniedException' });
  });
});

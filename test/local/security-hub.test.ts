import {
  AcceptAdministratorInvitationCommand,
  AcceptInvitationCommand,
  CreateMembersCommand,
  DeleteMembersCommand,
  DescribeHubCommand,
  DescribeOrganizationConfigurationCommand,
  DisassociateFromAdministratorAccountCommand,
  DisassociateMembersCommand,
  EnableSecurityHubCommand,
  GetAdministratorAccountCommand,
  GetMembersCommand,
  InvalidAccessException,
  InvalidInputException,
  InviteMembersCommand,
  ListInvitationsCommand,
  ListMembersCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { SECURITY_HUB_TEXTS, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { ADMIN, clientsFor, failure, memberClients, smallScenario } from './helpers.ts';

const OUTSIDE = '444444444444';
let standIn: StandIn | undefined;

afterEach(async () => {
  await standIn?.stop();
  standIn = undefined;
});

async function start(overrides: Parameters<typeof smallScenario>[0] = {}): Promise<StandIn> {
  standIn = await startStandIn({ scenario: smallScenario(overrides) });
  return standIn;
}

async function statusOf(hub: SecurityHubClient, accountId: string): Promise<string | undefined> {
  const out = await hub.send(new GetMembersCommand({ AccountIds: [accountId] }));
  return out.Members?.[0]?.MemberStatus;
}

/** Creates, invites and returns the member-side client of an account outside the organization. */
async function invite(s: StandIn, accountId: string): Promise<SecurityHubClient> {
  const admin = clientsFor(s).securityHub;
  await admin.send(
    new CreateMembersCommand({ AccountDetails: [{ AccountId: accountId, Email: 'x@example.net' }] }),
  );
  const out = await admin.send(new InviteMembersCommand({ AccountIds: [accountId] }));
  expect(out.UnprocessedAccounts).toEqual([]);
  return (await memberClients(s, accountId)).securityHub;
}

async function acceptAll(member: SecurityHubClient): Promise<void> {
  const { Invitations } = await member.send(new ListInvitationsCommand({}));
  for (const i of Invitations ?? []) {
    await member.send(
      new AcceptAdministratorInvitationCommand({
        AdministratorId: i.AccountId,
        InvitationId: i.InvitationId,
      }),
    );
  }
}

describe('stand-in Security Hub', () => {
  it('describes the organization configuration to the delegated administrator, counting invitation-based members toward the limit', async () => {
    const s = await start({
      services: {
        securityhub: { enabledRegions: 'all', configurationType: 'CENTRAL' },
        detective: { enabledRegions: 'all' },
      },
    });
    const admin = clientsFor(s).securityHub;
    const out = await admin.send(new DescribeOrganizationConfigurationCommand({}));
    expect(out).toMatchObject({
      AutoEnable: false,
      MemberAccountLimitReached: false,
      AutoEnableStandards: 'NONE',
      OrganizationConfiguration: { ConfigurationType: 'CENTRAL', Status: 'ENABLED' },
    });
  });

  it.each([
    ['an administrator that is not the delegated administrator', { delegatedAdministrator: false }, ADMIN],
    ['a member account', {}, '222222222222'],
  ])('answers %s InvalidAccessException 401, as AWS does', async (_who, overrides, caller) => {
    const s = await start(overrides);
    const hub = caller === ADMIN ? clientsFor(s).securityHub : (await memberClients(s, caller)).securityHub;
    if (caller !== ADMIN) await hub.send(new EnableSecurityHubCommand({})).catch(() => undefined);
    const error = await failure(hub.send(new DescribeOrganizationConfigurationCommand({})));
    expect(error).toBeInstanceOf(InvalidAccessException);
    expect(error).toMatchObject({
      message: `Account ${caller} is not an administrator for this organization`,
      $metadata: { httpStatusCode: 401 },
    });
  });

  it('returns organization accounts Enabled with their hub turned on when the delegated administrator creates them', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;

    const out = await admin.send(
      new CreateMembersCommand({
        AccountDetails: [{ AccountId: '000000000002' }, { AccountId: '222222222222' }],
      }),
    );

    expect(out.UnprocessedAccounts).toEqual([]);
    expect(await statusOf(admin, '000000000002')).toBe('Enabled');
    const member = (await memberClients(s, '000000000002')).securityHub;
    expect((await member.send(new DescribeHubCommand({}))).HubArn).toBe(
      'arn:aws:securityhub:us-east-1:000000000002:hub/default',
    );
    expect((await member.send(new GetAdministratorAccountCommand({}))).Administrator?.AccountId).toBe(ADMIN);
    expect(s.inspect().invitations).toEqual([]);
  });

  it('returns the 51st account unprocessed with "Maximum number of results exceeded" when one call carries 51', async () => {
    const s = await start({ accounts: [], generate: { count: 51 } });
    const ids = s.scenario.accounts.map((a) => a.accountId);

    const out = await clientsFor(s).securityHub.send(
      new CreateMembersCommand({ AccountDetails: ids.map((AccountId) => ({ AccountId })) }),
    );

    expect(out.UnprocessedAccounts).toEqual([
      { AccountId: ids[50], ProcessingResult: 'Maximum number of results exceeded' },
    ]);
    expect(s.inspect().largestAccountList['securityhub:CreateMembers']).toBe(51);
  });

  it("returns AWS's already-member wording when an account is created twice", async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }] }));

    const out = await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }] }));

    expect(out.UnprocessedAccounts).toEqual([
      {
        AccountId: OUTSIDE,
        ProcessingResult:
          'The request is rejected because the given account ID is already a member or associated member of the current account.',
      },
    ]);
  });

  it('walks an outside account from Created through Invited to Enabled when it enables its hub and accepts', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE, Email: 'outside@example.net' }] }),
    );
    expect(await statusOf(admin, OUTSIDE)).toBe('Created');
    await admin.send(new InviteMembersCommand({ AccountIds: [OUTSIDE] }));
    expect(await statusOf(admin, OUTSIDE)).toBe('Invited');
    const member = (await memberClients(s, OUTSIDE)).securityHub;

    // A member must enable Security Hub before it can see or accept invitations
    // (docs/aws-facts.md, Security Hub).
    expect(await failure(member.send(new ListInvitationsCommand({})))).toBeInstanceOf(InvalidAccessException);
    await member.send(new EnableSecurityHubCommand({}));
    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    expect(Invitations).toEqual([
      {
        AccountId: ADMIN,
        InvitationId: expect.stringMatching(/^[0-9a-f]{32}$/),
        InvitedAt: expect.any(Date),
        MemberStatus: 'Invited',
      },
    ]);
    await member.send(
      new AcceptAdministratorInvitationCommand({
        AdministratorId: ADMIN,
        InvitationId: Invitations?.[0]?.InvitationId,
      }),
    );

    expect(await statusOf(admin, OUTSIDE)).toBe('Enabled');
    expect((await member.send(new GetAdministratorAccountCommand({}))).Administrator).toMatchObject({
      AccountId: ADMIN,
      MemberStatus: 'Enabled',
    });
    expect(s.inspect().invitations).toEqual([
      expect.objectContaining({
        service: 'securityhub',
        operation: 'InviteMembers',
        accountId: OUTSIDE,
        region: 'us-east-1',
      }),
    ]);
  });

  it('accepts through the deprecated AcceptInvitation with MasterId as well', async () => {
    const s = await start();
    const member = await invite(s, OUTSIDE);
    await member.send(new EnableSecurityHubCommand({}));
    const { Invitations } = await member.send(new ListInvitationsCommand({}));

    await member.send(
      new AcceptInvitationCommand({ MasterId: ADMIN, InvitationId: Invitations?.[0]?.InvitationId }),
    );

    expect(await statusOf(clientsFor(s).securityHub, OUTSIDE)).toBe('Enabled');
  });

  it('returns ResourceNotFoundException when the invitation id is not the one sent', async () => {
    const s = await start();
    const member = await invite(s, OUTSIDE);
    await member.send(new EnableSecurityHubCommand({}));

    const error = await failure(
      member.send(
        new AcceptAdministratorInvitationCommand({ AdministratorId: ADMIN, InvitationId: 'f'.repeat(32) }),
      ),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('re-invites after Removed or Resigned and leaves unneeded invitations unprocessed', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    const member = await invite(s, OUTSIDE);
    await member.send(new EnableSecurityHubCommand({}));
    await acceptAll(member);
    const reinvite = async () =>
      (await admin.send(new InviteMembersCommand({ AccountIds: [OUTSIDE] }))).UnprocessedAccounts;

    expect(await reinvite()).toEqual([
      { AccountId: OUTSIDE, ProcessingResult: SECURITY_HUB_TEXTS.alreadyAssociated },
    ]);
    await admin.send(new DisassociateMembersCommand({ AccountIds: [OUTSIDE] }));
    expect(await statusOf(admin, OUTSIDE)).toBe('Removed');
    expect(await reinvite()).toEqual([]);
    expect(await reinvite()).toEqual([
      { AccountId: OUTSIDE, ProcessingResult: SECURITY_HUB_TEXTS.alreadyInvited },
    ]);
    await acceptAll(member);
    await member.send(new DisassociateFromAdministratorAccountCommand({}));
    expect(await statusOf(admin, OUTSIDE)).toBe('Resigned');
    expect(await reinvite()).toEqual([]);
    expect(s.inspect().invitations).toHaveLength(3);
  });

  it('leaves organization members and strangers unprocessed when InviteMembers names them', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '000000000002' }] }));

    const out = await admin.send(new InviteMembersCommand({ AccountIds: ['000000000002', '999999999999'] }));

    expect(out.UnprocessedAccounts).toEqual([
      { AccountId: '000000000002', ProcessingResult: SECURITY_HUB_TEXTS.organizationManaged },
      { AccountId: '999999999999', ProcessingResult: SECURITY_HUB_TEXTS.notMember },
    ]);
    expect(s.inspect().invitations).toEqual([]);
  });

  it('lists only Enabled members unless OnlyAssociated is false, at most 50 a page', async () => {
    const s = await start({ generate: { count: 60, joinedMethod: 'CREATED' } });
    const admin = clientsFor(s).securityHub;
    const ids = s.scenario.accounts.map((a) => a.accountId);
    for (let i = 0; i < ids.length; i += 50) {
      await admin.send(
        new CreateMembersCommand({
          AccountDetails: ids.slice(i, i + 50).map((AccountId) => ({ AccountId })),
        }),
      );
    }

    const first = await admin.send(new ListMembersCommand({}));
    const second = await admin.send(new ListMembersCommand({ NextToken: first.NextToken }));
    const all = await admin.send(new ListMembersCommand({ OnlyAssociated: false, MaxResults: 50 }));
    const allSecond = await admin.send(
      new ListMembersCommand({ OnlyAssociated: false, NextToken: all.NextToken }),
    );

    // 63 organization accounts are Enabled; the outside account is only Created.
    expect(first.Members).toHaveLength(50);
    expect(second.Members).toHaveLength(13);
    expect(second.NextToken).toBeUndefined();
    expect(
      [...(first.Members ?? []), ...(second.Members ?? [])].every((m) => m.MemberStatus === 'Enabled'),
    ).toBe(true);
    expect((all.Members?.length ?? 0) + (allSecond.Members?.length ?? 0)).toBe(64);
    expect(await failure(admin.send(new ListMembersCommand({ MaxResults: 51 })))).toBeInstanceOf(
      InvalidInputException,
    );
  });

  it('deletes only members that are not enabled and hides Deleted ones from GetMembers', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }, { AccountId: '000000000002' }] }),
    );

    const out = await admin.send(new DeleteMembersCommand({ AccountIds: [OUTSIDE, '000000000002'] }));
    const after = await admin.send(new GetMembersCommand({ AccountIds: [OUTSIDE] }));
    const recreated = await admin.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }] }),
    );

    expect(out.UnprocessedAccounts).toEqual([
      { AccountId: '000000000002', ProcessingResult: SECURITY_HUB_TEXTS.organizationManaged },
    ]);
    expect(after.Members).toEqual([]);
    expect(after.UnprocessedAccounts?.[0]?.ProcessingResult).toBe(SECURITY_HUB_TEXTS.notMember);
    expect(recreated.UnprocessedAccounts).toEqual([]);
  });

  it('brings a disassociated organization account back to Enabled through CreateMembers', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '222222222222' }] }));
    await admin.send(new DisassociateMembersCommand({ AccountIds: ['222222222222'] }));
    expect(await statusOf(admin, '222222222222')).toBe('Removed');

    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '222222222222' }] }));

    expect(await statusOf(admin, '222222222222')).toBe('Enabled');
  });

  it('returns InvalidAccessException 401 until the administrator enables Security Hub, then 409 on a second enable', async () => {
    const s = await start({
      services: { securityhub: { enabledRegions: ['us-east-1'] }, detective: { enabledRegions: [] } },
    });
    const admin = clientsFor(s, 'eu-west-1').securityHub;

    const notEnabled = await failure(
      admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: OUTSIDE }] })),
    );
    const describe = await failure(admin.send(new DescribeHubCommand({})));
    await admin.send(new EnableSecurityHubCommand({}));
    const twice = await failure(admin.send(new EnableSecurityHubCommand({})));

    expect(notEnabled).toBeInstanceOf(InvalidAccessException);
    expect(notEnabled.$metadata?.httpStatusCode).toBe(401);
    expect(describe.message).toBe(`Account ${ADMIN} is not subscribed to AWS Security Hub`);
    expect(twice).toBeInstanceOf(ResourceConflictException);
    expect(twice.$metadata?.httpStatusCode).toBe(409);
    expect((await admin.send(new DescribeHubCommand({}))).HubArn).toBe(
      `arn:aws:securityhub:eu-west-1:${ADMIN}:hub/default`,
    );
  });

  it('keeps a member with another administrator: organization accounts unprocessed, invited ones cannot accept', async () => {
    const s = await start({
      accounts: [
        {
          accountId: '555555555555',
          email: 'o@example.com',
          joinedMethod: 'CREATED',
          otherAdministrator: { securityhub: '999999999999' },
        },
        {
          accountId: '555555555556',
          email: 'i@example.net',
          joinedMethod: 'OUTSIDE',
          otherAdministrator: { securityhub: '999999999999' },
        },
      ],
    });
    const admin = clientsFor(s).securityHub;

    const org = await admin.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '555555555555' }] }),
    );
    const member = await invite(s, '555555555556');
    const { Invitations } = await member.send(new ListInvitationsCommand({}));
    const accept = await failure(
      member.send(
        new AcceptAdministratorInvitationCommand({
          AdministratorId: ADMIN,
          InvitationId: Invitations?.[0]?.InvitationId,
        }),
      ),
    );

    expect(org.UnprocessedAccounts).toEqual([
      { AccountId: '555555555555', ProcessingResult: SECURITY_HUB_TEXTS.otherAdministrator },
    ]);
    expect(accept).toBeInstanceOf(InvalidInputException);
    expect((await member.send(new GetAdministratorAccountCommand({}))).Administrator?.AccountId).toBe(
      '999999999999',
    );
    expect(s.inspect().membership.securityhub['us-east-1']?.administrators['999999999999']).toMatchObject({
      '555555555556': { status: 'Enabled' },
    });
  });

  it('refuses an invitation to an account that is itself an administrator', async () => {
    const s = await start();
    const admin = clientsFor(s).securityHub;
    await admin.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: '000000000002' }] }));
    // An outside account becomes an administrator and invites ours.
    const other = (await memberClients(s, OUTSIDE)).securityHub;
    await other.send(new EnableSecurityHubCommand({}));
    await other.send(new CreateMembersCommand({ AccountDetails: [{ AccountId: ADMIN }] }));
    await other.send(new InviteMembersCommand({ AccountIds: [ADMIN] }));
    const { Invitations } = await admin.send(new ListInvitationsCommand({}));

    const error = await failure(
      admin.send(
        new AcceptAdministratorInvitationCommand({
          AdministratorId: OUTSIDE,
          InvitationId: Invitations?.[0]?.InvitationId,
        }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidInputException);
    expect(error.message).toContain('administrator account cannot accept');
  });

  it('returns suspended accounts AccountSuspended and opt-in Region holdouts unprocessed', async () => {
    const s = await start({
      regions: ['us-east-1', 'ap-east-1'],
      accounts: [
        { accountId: '666666666666', email: 's@example.com', joinedMethod: 'CREATED', state: 'SUSPENDED' },
        {
          accountId: '777777777777',
          email: 'r@example.com',
          joinedMethod: 'CREATED',
          disabledRegions: ['ap-east-1'],
        },
      ],
    });
    const admin = clientsFor(s, 'ap-east-1').securityHub;

    const out = await admin.send(
      new CreateMembersCommand({
        AccountDetails: [{ AccountId: '666666666666' }, { AccountId: '777777777777' }],
      }),
    );

    expect(out.UnprocessedAccounts).toEqual([
      { AccountId: '777777777777', ProcessingResult: SECURITY_HUB_TEXTS.regionDisabled },
    ]);
    expect(await statusOf(admin, '666666666666')).toBe('AccountSuspended');
  });

  it('returns InvalidInputException when an account id is not exactly 12 digits', async () => {
    const s = await start();

    const error = await failure(
      clientsFor(s).securityHub.send(
        new CreateMembersCommand({ AccountDetails: [{ AccountId: '1234567890123' }] }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidInputException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

import { readFileSync } from 'node:fs';
import {
  DetectiveClient,
  ListMembersCommand as ListGraphMembersCommand,
  ListGraphsCommand,
} from '@aws-sdk/client-detective';
import {
  DescribeOrganizationConfigurationCommand as DescribeGuardDutyOrganizationCommand,
  GuardDutyClient,
  ListMembersCommand as ListDetectorMembersCommand,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  type AccountState,
  type Account as AwsAccount,
  DescribeAccountCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DescribeOrganizationConfigurationCommand,
  ListMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EXECUTION_ACCOUNT_LIMIT,
  type ResolveAccountsDeps,
  resolveAccounts,
} from '../../functions/resolve-accounts/resolve-accounts.ts';
import type { SweepMemory } from '../../functions/resolve-accounts/sweep-memory.ts';
import { readWorkflowSettings } from '../../functions/shared/config.ts';
import { CREATE_LIST_LIMIT } from '../../functions/shared/contracts.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import {
  AdministratorAccessError,
  InvalidInputError,
  MemberLimitExceededError,
} from '../../functions/shared/errors.ts';
import { detectivePlanner } from '../../functions/shared/services/detective/administrator.ts';
import { guardDutyPlanner } from '../../functions/shared/services/guardduty/administrator.ts';
import { organizationsDirectory } from '../../functions/shared/services/organizations.ts';
import { securityHubPlanner } from '../../functions/shared/services/securityhub/administrator.ts';
import { awsError, accounts as sampleAccounts } from '../helpers.ts';

const organizations = mockClient(OrganizationsClient);
const detective = mockClient(DetectiveClient);
const securityHub = mockClient(SecurityHubClient);
const guardDuty = mockClient(GuardDutyClient);

const ADMIN = '999999999999';
const GRAPH = 'arn:aws:detective:us-east-1:999999999999:graph:0123456789abcdef0123456789abcdef';
const event = (path: string): unknown => JSON.parse(readFileSync(`events/${path}.json`, 'utf8'));

function deps(defaultServices: ServiceName[] = ['securityhub', 'detective']): ResolveAccountsDeps {
  return {
    administratorId: ADMIN,
    homeRegion: 'us-east-1',
    defaultRegions: ['us-east-1', 'eu-west-1'],
    defaultServices,
    organizations: organizationsDirectory(new OrganizationsClient({ region: 'us-east-1' })),
    settings: readWorkflowSettings({}),
    planner: (service, region) =>
      service === 'detective'
        ? detectivePlanner(new DetectiveClient({ region }))
        : service === 'guardduty'
          ? guardDutyPlanner(new GuardDutyClient({ region }))
          : securityHubPlanner(new SecurityHubClient({ region })),
  };
}

function member(id: string, state: AccountState = 'ACTIVE'): AwsAccount {
  return { Id: id, Email: `root+${id}@example.com`, State: state, Status: 'ACTIVE', JoinedMethod: 'CREATED' };
}

/**
 * An organization of `members`, readable by the administrator: DescribeAccount, and ListAccounts in
 * pages of 20 with, at `emptyPageAt`, an empty page while more remain (docs/aws-facts.md, AWS Organizations).
 */
function organizationOf(members: AwsAccount[], emptyPageAt?: number): void {
  organizations.on(DescribeAccountCommand).callsFake(({ AccountId }: { AccountId: string }) => {
    const account = members.find(({ Id }) => Id === AccountId);
    if (account === undefined)
      throw awsError('AccountNotFoundException', 400, "You specified an account that doesn't exist.");
    return { Account: account };
  });
  organizations.on(ListAccountsCommand).callsFake(({ NextToken }: { NextToken?: string }) => {
    const start = Number.parseInt(NextToken ?? '0', 10);
    if (start === emptyPageAt && NextToken?.endsWith('+') !== true) {
      return { Accounts: [], NextToken: `${start}+` };
    }
    return {
      Accounts: members.slice(start, start + 20),
      ...(start + 20 < members.length ? { NextToken: String(start + 20) } : {}),
    };
  });
}

/** Detective is enabled for the administrator in us-east-1 only. */
function graphInUsEast1(): void {
  detective.on(ListGraphsCommand).callsFake(async (_input, getClient: () => DetectiveClient) => ({
    GraphList: (await getClient().config.region()) === 'us-east-1' ? [{ Arn: GRAPH }] : [],
  }));
}

/**
 * The commands a mocked client received that are not reads (Describe, List, Get): the administrator's
 * reads run beside the organization listing, so a refusal may follow them, but never a change.
 */
function changesSent(client: { calls(): { args: unknown[] }[] }): string[] {
  return client
    .calls()
    .map(({ args }) => (args[0] as object).constructor.name)
    .filter((name) => !/^(Describe|List|Get)/.test(name));
}

describe('resolveAccounts', () => {
  beforeEach(() => {
    organizations.reset();
    guardDuty.reset();
    detective.reset();
    securityHub.reset();
    // The administrator is Security Hub's delegated administrator, with local configuration and no members yet.
    securityHub.on(DescribeOrganizationConfigurationCommand).resolves({
      AutoEnable: false,
      MemberAccountLimitReached: false,
      OrganizationConfiguration: { ConfigurationType: 'LOCAL', Status: 'ENABLED' },
    });
    securityHub.on(ListMembersCommand).resolves({ Members: [] });
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });
  });

  it.each([
    ['every account is outside the organization', [], [true, undefined, true, undefined]],
    [
      'an organization account is among them',
      [member('111111111111')],
      [undefined, undefined, undefined, undefined],
    ],
  ] as const)(
    'marks the pairs where Security Hub invites every account (%s) so the create step invites what it creates',
    async (_, organizationAccounts, marks) => {
      organizationOf([...organizationAccounts]);
      graphInUsEast1();

      const plan = await resolveAccounts(
        {
          accounts: [
            { accountId: '200000000001', email: 'outside@example.com' },
            ...organizationAccounts.map(({ Id }) => ({ accountId: Id })),
          ],
        },
        deps(),
      );

      expect(plan.pairs.map(({ inviteCreated }) => inviteCreated)).toEqual(marks);
    },
  );

  it('returns a plan for the new account of a succeeded CreateAccountResult, with its email from Organizations', async () => {
    organizationOf([member('444455556666')]);
    graphInUsEast1();

    const plan = await resolveAccounts(event('triggers/create-account-result-succeeded'), deps());

    expect(plan).toEqual({
      administratorId: ADMIN,
      trigger: 'CreateAccountResult',
      dryRun: false,
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub', 'detective'],
      accounts: [{ accountId: '444455556666', email: 'root+444455556666@example.com' }],
      accountIds: ['444455556666'],
      invitationBased: 0,
      invitedAccountIds: [],
      notOffered: [],
      centrallyConfigured: [],
      skipped: [],
      pairs: [
        { region: 'us-east-1', service: 'securityhub', enabled: true },
        { region: 'us-east-1', service: 'detective', enabled: true, home: GRAPH },
        { region: 'eu-west-1', service: 'securityhub', enabled: true },
        { region: 'eu-west-1', service: 'detective', enabled: false },
      ],
      homes: [
        { region: 'us-east-1', service: 'securityhub' },
        { region: 'eu-west-1', service: 'securityhub' },
        { region: 'us-east-1', service: 'detective', home: GRAPH },
      ],
      hasWork: true,
      settings: {
        maxConcurrency: 10,
        memberBatchSize: 20,
        maxAttempts: 5,
        pollIntervalSeconds: 150,
        maxPollRounds: 12,
      },
    });
    expect(organizations).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: '444455556666' });
  });

  it('returns nothing to do, saying why, when the account creation FAILED, and calls nothing', async () => {
    const plan = await resolveAccounts(event('triggers/create-account-result-failed'), deps());
    expect(plan).toMatchObject({ trigger: 'CreateAccountResult', accounts: [], hasWork: false });
    expect(plan.note).toContain('FAILED (EMAIL_ALREADY_EXISTS)');
    expect(organizations).not.toHaveReceivedAnyCommand();
    expect(detective).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['triggers/control-tower-create-managed-account', 'CreateManagedAccount', '012345678901'],
    ['triggers/control-tower-update-managed-account', 'UpdateManagedAccount', '210987654321'],
    ['triggers/account-joined-organization-invited', 'AccountJoinedOrganization', '777788889999'],
  ])('returns a plan for the account of %s', async (path, trigger, accountId) => {
    organizationOf([member(accountId)]);
    graphInUsEast1();
    const plan = await resolveAccounts(event(path), deps());
    expect(plan).toMatchObject({
      trigger,
      accounts: [{ accountId, email: `root+${accountId}@example.com` }],
      accountIds: [accountId],
      hasWork: true,
    });
  });

  it('returns the manual list, keeping a given email and filling a missing one from Organizations', async () => {
    organizationOf([member('012345678901'), member('210987654321')]);
    graphInUsEast1();
    const plan = await resolveAccounts(event('manual/accounts'), deps());
    expect(plan.accounts).toEqual([
      { accountId: '012345678901', email: 'aws+payments-prod@example.com' },
      { accountId: '210987654321', email: 'root+210987654321@example.com' },
    ]);
    expect(plan.note).toBeUndefined();
  });

  it('returns every active account of the organization, reading every page, when allAccounts is true', async () => {
    const members = [
      member(ADMIN),
      ...sampleAccounts(45).map(({ accountId }) => member(accountId)),
      member('500000000001', 'SUSPENDED'),
      member('500000000002', 'CLOSED'),
      member('500000000003', 'PENDING_CLOSURE'),
    ];
    organizationOf(members, 20);
    graphInUsEast1();

    const plan = await resolveAccounts(event('manual/all-accounts'), deps());

    expect(plan.accountIds).toHaveLength(45);
    expect(plan.accountIds).not.toContain(ADMIN);
    expect(plan.skipped).toEqual([
      {
        accountId: ADMIN,
        outcome: 'SKIPPED_ADMINISTRATOR',
        reason: 'this is the administrator account itself; it cannot be its own member',
      },
      {
        accountId: '500000000001',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: 'the account is SUSPENDED in AWS Organizations',
      },
      {
        accountId: '500000000002',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: 'the account is CLOSED in AWS Organizations',
      },
      {
        accountId: '500000000003',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: 'the account is PENDING_CLOSURE in AWS Organizations',
      },
    ]);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 4);
    expect(organizations).not.toHaveReceivedCommand(DescribeAccountCommand);
  });

  it('returns a listed suspended account and the administrator as skipped', async () => {
    organizationOf([member('111111111111', 'SUSPENDED'), member('222222222222')]);
    graphInUsEast1();
    const plan = await resolveAccounts(
      { accounts: [{ accountId: '111111111111' }, { accountId: ADMIN }, { accountId: '222222222222' }] },
      deps(),
    );
    expect(plan.accountIds).toEqual(['222222222222']);
    expect(plan.skipped.map(({ accountId, outcome }) => [accountId, outcome])).toEqual([
      [ADMIN, 'SKIPPED_ADMINISTRATOR'],
      ['111111111111', 'SKIPPED_ACCOUNT_INACTIVE'],
    ]);
  });

  it('returns no work, saying so, when every listed account is skipped', async () => {
    const plan = await resolveAccounts({ accounts: [{ accountId: ADMIN }] }, deps());
    expect(plan).toMatchObject({
      accounts: [],
      homes: [],
      hasWork: false,
      note: 'No account to onboard (1 skipped).',
    });
    expect(changesSent(detective)).toEqual([]);
  });

  it('sweeps ListAccounts once instead of calling DescribeAccount for more than 20 accounts', async () => {
    organizationOf(sampleAccounts(30).map(({ accountId }) => member(accountId)));
    graphInUsEast1();
    const listed = sampleAccounts(21).map(({ accountId }) => ({ accountId }));
    const plan = await resolveAccounts({ accounts: listed }, deps());
    expect(plan.accounts).toHaveLength(21);
    expect(plan.accounts[20]).toEqual({ accountId: '100000000020', email: 'root+100000000020@example.com' });
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(organizations).not.toHaveReceivedCommand(DescribeAccountCommand);
  });

  it("notes the accounts whose email GuardDuty's address rules refuse, and plans them still", async () => {
    organizationOf([]);
    guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: ['d0'] });
    guardDuty.on(ListDetectorMembersCommand).resolves({ Members: [] });
    guardDuty
      .on(DescribeGuardDutyOrganizationCommand)
      .rejects(awsError('BadRequestException', 400, 'not the delegated administrator'));
    const accounts = [
      { accountId: '333333333333', email: "o'brien@example.com" },
      { accountId: '333333333334', email: 'root@example.com' },
    ];
    const plan = await resolveAccounts({ accounts, services: ['guardduty'], dryRun: true }, deps());
    expect(plan.accounts).toEqual(accounts);
    expect(plan.note).toContain(
      "1 account(s) have an email GuardDuty does not take (its address rules are stricter than Detective's, which every email meets on input), so create-members reports them FAILED for GuardDuty, with the rule: 333333333333.",
    );
  });

  it('keeps an account outside the organization and notes that Detective needs its email', async () => {
    organizationOf([]);
    graphInUsEast1();
    const plan = await resolveAccounts({ accounts: [{ accountId: '333333333333' }] }, deps());
    expect(plan.accounts).toEqual([{ accountId: '333333333333' }]);
    expect(plan.hasWork).toBe(true);
    expect(plan.note).toContain('1 account(s) have no email');
    expect(plan.note).toContain('333333333333');
  });

  it.each([
    ['named', { accounts: [{ accountId: '444455556666' }] }],
    ['the whole organization', { allAccounts: true }],
  ])(
    'keeps an account of %s without the Organizations email Detective would refuse, and says so',
    async (_, input) => {
      organizationOf([{ ...member('444455556666'), Email: 'root@example.c' }, member('444455556667')]);
      graphInUsEast1();

      const plan = await resolveAccounts(input, deps());

      expect(plan.accounts).toContainEqual({ accountId: '444455556666' });
      expect(plan.note).toContain('none in Organizations that Detective accepts');
      expect(plan.note).toContain('444455556666');
    },
  );

  it('does not mention emails when Detective is not among the services', async () => {
    organizationOf([]);
    const plan = await resolveAccounts(
      { accounts: [{ accountId: '333333333333' }], services: ['securityhub'] },
      deps(),
    );
    expect(plan.note).toBeUndefined();
    expect(plan.homes.filter(({ service }) => service === 'detective')).toEqual([]);
    expect(detective).not.toHaveReceivedAnyCommand();
  });

  it('proceeds with a listed account and says so when Organizations cannot be read', async () => {
    organizations.on(DescribeAccountCommand).rejects(awsError('AccessDeniedException', 400, 'not allowed'));
    graphInUsEast1();
    const plan = await resolveAccounts(
      { accounts: [{ accountId: '333333333333', email: 'root@example.com' }] },
      deps(),
    );
    expect(plan.accounts).toEqual([{ accountId: '333333333333', email: 'root@example.com' }]);
    expect(plan.hasWork).toBe(true);
    expect(plan.note).toContain(
      'AWS Organizations could not be read (AccessDeniedException: not allowed): account states were not checked',
    );
    // Every service that invites in a call of its own invites it, GuardDuty as well as Security Hub.
    expect(plan.note).toContain('counts as outside the organization (Security Hub and GuardDuty invite it)');
  });

  it.each([
    ['AccessDeniedException', 400],
    ['AWSOrganizationsNotInUseException', 400],
  ])('throws AdministratorAccessError saying what to fix when allAccounts meets %s', async (name, status) => {
    organizations.on(ListAccountsCommand).rejects(awsError(name, status));
    const run = resolveAccounts({ allAccounts: true }, deps());
    await expect(run).rejects.toThrow(AdministratorAccessError);
    await expect(resolveAccounts({ allAccounts: true }, deps())).rejects.toThrow(
      /"allAccounts" needs to list AWS Organizations, and administrator 999999999999 may not .*management account .*delegated administrator/,
    );
  });

  it('passes on an Organizations error that is not about access', async () => {
    organizations.on(DescribeAccountCommand).rejects(awsError('TooManyRequestsException', 400));
    await expect(
      resolveAccounts(event('triggers/account-joined-organization-invited'), deps()),
    ).rejects.toThrow('TooManyRequestsException');
  });

  it('refuses a Region of another partition at input, naming it and the partition, before any AWS call', async () => {
    const run = resolveAccounts(
      { accounts: [{ accountId: '111111111111' }], regions: ['eu-west-1', 'cn-north-1'] },
      deps(),
    );
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(
      'input.regions: cn-north-1 is in partition aws-cn, and muster runs in us-east-1, partition aws',
    );
    expect(organizations).not.toHaveReceivedAnyCommand();
  });

  describe('an organization event', () => {
    it.each([
      'triggers/create-account-result-succeeded',
      'triggers/control-tower-create-managed-account',
      'triggers/control-tower-update-managed-account',
      'triggers/account-joined-organization-invited',
    ])(
      'that names an account outside the organization (%s) is refused before any Security Hub or Detective change',
      async (path) => {
        organizationOf([member('111111111111')]);
        const run = resolveAccounts(event(path), deps());
        await expect(run).rejects.toThrow(InvalidInputError);
        await expect(run).rejects.toThrow(/event names account \d{12}, which is not in the organization/);
        expect(changesSent(securityHub)).toEqual([]);
        expect(changesSent(detective)).toEqual([]);
      },
    );

    it('is refused when Organizations cannot be read to check its account', async () => {
      organizations.on(DescribeAccountCommand).rejects(awsError('AccessDeniedException', 400, 'denied'));
      await expect(
        resolveAccounts(event('triggers/create-account-result-succeeded'), deps()),
      ).rejects.toThrow(AdministratorAccessError);
      expect(changesSent(securityHub)).toEqual([]);
    });

    it("names a manual input's outside account as invited, not refused", async () => {
      organizationOf([]);
      graphInUsEast1();
      const plan = await resolveAccounts(
        { accounts: [{ accountId: '444455556666', email: 'a@example.com' }] },
        deps(),
      );
      expect(plan.accountIds).toEqual(['444455556666']);
    });
  });

  describe('accounts outside the organization', () => {
    it('lists them when the plan mixes them with organization accounts, so the create step invites them, and not when every account is on one side', async () => {
      organizationOf([member('111111111111')]);
      const mixed = await resolveAccounts(
        { accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', email: 'b@example.com' }] },
        deps(['securityhub']),
      );
      expect(mixed.invitedAccountIds).toEqual(['222222222222']);
      expect(mixed.pairs.every((pair) => pair.inviteCreated !== true)).toBe(true);

      const inside = await resolveAccounts(
        { accounts: [{ accountId: '111111111111' }] },
        deps(['securityhub']),
      );
      expect(inside.invitedAccountIds).toEqual([]);
      const outside = await resolveAccounts(
        { accounts: [{ accountId: '222222222222', email: 'b@example.com' }] },
        deps(['securityhub']),
      );
      // The pairs say every account is invited there instead.
      expect(outside.invitedAccountIds).toEqual([]);
    });
  });

  describe('Security Hub central configuration', () => {
    it('lists the central Regions and the accounts it invites, and says muster leaves organization accounts to policies', async () => {
      organizationOf([member('111111111111')]);
      securityHub
        .on(DescribeOrganizationConfigurationCommand)
        .callsFake(async (_input, getClient: () => SecurityHubClient) => ({
          MemberAccountLimitReached: false,
          OrganizationConfiguration: {
            ConfigurationType: (await getClient().config.region()) === 'us-east-1' ? 'CENTRAL' : 'LOCAL',
            Status: 'ENABLED',
          },
        }));
      const plan = await resolveAccounts(
        { accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', email: 'b@example.com' }] },
        deps(['securityhub']),
      );
      expect(plan.centrallyConfigured).toEqual([{ region: 'us-east-1', service: 'securityhub' }]);
      expect(plan.invitedAccountIds).toEqual(['222222222222']);
      expect(plan.note).toContain(
        'Security Hub uses central configuration in us-east-1: its configuration policies decide whether Security Hub runs in organization accounts there, so muster never enables Security Hub in them',
      );
    });

    it('is not central where central configuration FAILED', async () => {
      organizationOf([member('111111111111')]);
      securityHub.on(DescribeOrganizationConfigurationCommand).resolves({
        OrganizationConfiguration: { ConfigurationType: 'CENTRAL', Status: 'FAILED', StatusMessage: 'no' },
      });
      const plan = await resolveAccounts(
        { accounts: [{ accountId: '111111111111' }] },
        deps(['securityhub']),
      );
      expect(plan.centrallyConfigured).toEqual([]);
      expect(plan.invitedAccountIds).toEqual([]);
    });

    it('throws AdministratorAccessError when the administrator may not read the organization configuration', async () => {
      organizationOf([member('111111111111')]);
      securityHub
        .on(DescribeOrganizationConfigurationCommand)
        .rejects(awsError('AccessDeniedException', 403, 'denied'));
      await expect(
        resolveAccounts({ accounts: [{ accountId: '111111111111' }] }, deps(['securityhub'])),
      ).rejects.toThrow('allow securityhub:DescribeOrganizationConfiguration');
    });
  });

  describe('membership limits', () => {
    /** Security Hub's members in every Region: `existing` ids, served 50 a page as ListMembers does. */
    function securityHubMembers(existing: string[]): void {
      securityHub.on(ListMembersCommand).callsFake(({ NextToken, MaxResults, OnlyAssociated }) => {
        // OnlyAssociated defaults to true, which would hide members not yet Enabled.
        if (OnlyAssociated !== false || MaxResults !== 50)
          throw new Error('ListMembers asked for less than all');
        const start = Number.parseInt(NextToken ?? '0', 10);
        return {
          Members: existing
            .slice(start, start + 50)
            .map((AccountId) => ({ AccountId, MemberStatus: 'Enabled' })),
          ...(start + 50 < existing.length ? { NextToken: String(start + 50) } : {}),
        };
      });
    }

    const noWrites = () => {
      for (const call of [...securityHub.calls(), ...detective.calls()]) {
        expect(call.args[0].constructor.name).toMatch(/^(Describe|List|Get)/);
      }
    };

    it('throws MemberLimitExceededError naming the Region and the numbers for 1,001 accounts outside the organization', async () => {
      organizationOf([]);
      const run = resolveAccounts({ accounts: sampleAccounts(1001) }, deps(['securityhub']));
      await expect(run).rejects.toThrow(MemberLimitExceededError);
      await expect(run).rejects.toThrow(
        'in us-east-1, the administrator has 0 invitation-based Security Hub members and 1001 more would be invited: ' +
          '1001 is more than the 1000 Security Hub allows per administrator per Region',
      );
      noWrites();
    });

    it('counts the invitation-based members the administrator already has: 990 of them and 11 new pass the limit', async () => {
      const existing = sampleAccounts(990, 500000000000).map(({ accountId }) => accountId);
      organizationOf([]);
      securityHubMembers(existing);
      const run = resolveAccounts({ accounts: sampleAccounts(11) }, deps(['securityhub']));
      await expect(run).rejects.toThrow(
        'in us-east-1, the administrator has 990 invitation-based Security Hub members and 11 more would be invited: 1001 is more',
      );
      await expect(run).rejects.toThrow('Nothing was changed.');
      noWrites();
    });

    it('does not count existing members that are organization accounts, nor requested accounts that are members already', async () => {
      const organizationMembers = sampleAccounts(995, 500000000000);
      organizationOf(organizationMembers.map(({ accountId }) => member(accountId)));
      const outside = sampleAccounts(10);
      // Five of the ten are already (invitation-based) members: only five more would be invited.
      securityHubMembers([...organizationMembers, ...outside.slice(0, 5)].map(({ accountId }) => accountId));
      const plan = await resolveAccounts({ accounts: outside }, deps(['securityhub']));
      expect(plan.accountIds).toHaveLength(10);
      // 1,000 members are listed, so the organization is listed once to tell them apart.
      expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 50);
    });

    it('refuses when Security Hub says the member limit is reached and an account would be added', async () => {
      organizationOf([member('111111111111')]);
      securityHub.on(DescribeOrganizationConfigurationCommand).resolves({
        MemberAccountLimitReached: true,
        OrganizationConfiguration: { ConfigurationType: 'LOCAL', Status: 'ENABLED' },
      });
      await expect(
        resolveAccounts({ accounts: [{ accountId: '111111111111' }] }, deps(['securityhub'])),
      ).rejects.toThrow(
        'in us-east-1, Security Hub says the administrator already has all the members it may have (DescribeOrganizationConfiguration: MemberAccountLimitReached), and 1 accounts would be added',
      );
    });

    it('counts organization accounts as invited where the administrator is not Security Hub delegated administrator (a Detective-only one)', async () => {
      organizationOf(sampleAccounts(1001).map(({ accountId }) => member(accountId)));
      securityHub
        .on(DescribeOrganizationConfigurationCommand)
        .rejects(
          awsError(
            'InvalidAccessException',
            401,
            'Account 999999999999 is not an administrator for this organization',
          ),
        );
      const run = resolveAccounts({ allAccounts: true }, deps(['securityhub']));
      await expect(run).rejects.toThrow(
        'in us-east-1, the administrator has 0 invitation-based Security Hub members and 1001 more would be invited: 1001 is more than the 1000 Security Hub allows per administrator per Region (the administrator is not Security Hub delegated administrator there, so it invites organization accounts too)',
      );
      noWrites();
    });

    it('counts every account as invitation-based when Organizations cannot be read', async () => {
      organizations.on(ListAccountsCommand).rejects(awsError('AccessDeniedException', 400));
      await expect(
        resolveAccounts({ accounts: sampleAccounts(1001) }, deps(['securityhub'])),
      ).rejects.toThrow('and 1001 more would be invited');
    });

    it('returns a plan for 1,001 organization accounts in Security Hub alone when it is the delegated administrator', async () => {
      organizationOf(sampleAccounts(1001).map(({ accountId }) => member(accountId)));
      const plan = await resolveAccounts({ allAccounts: true }, deps(['securityhub']));
      expect(plan.accountIds).toHaveLength(1001);
      expect(plan.invitationBased).toBe(0);
    });

    it('returns in the plan how many accounts Security Hub would invite: those Organizations does not list', async () => {
      organizationOf([member('111111111111')]);
      const plan = await resolveAccounts(
        { accounts: [{ accountId: '111111111111' }, { accountId: '222222222222', email: 'b@example.com' }] },
        deps(['securityhub']),
      );
      expect(plan.invitationBased).toBe(1);
    });

    it('refuses more accounts than one execution onboards, skipped ones not counted, before any Security Hub change', async () => {
      organizationOf([
        ...sampleAccounts(10_001).map(({ accountId }) => member(accountId)),
        ...sampleAccounts(10_101)
          .slice(10_001)
          .map(({ accountId }) => member(accountId, 'SUSPENDED')),
      ]);
      await expect(resolveAccounts({ allAccounts: true }, deps(['securityhub']))).rejects.toThrow(
        "10001 accounts to onboard are more than one execution onboards (10000, muster's own cap on one execution)",
      );
      expect(changesSent(securityHub)).toEqual([]);
    });

    it('plans 10,000 accounts to onboard besides skipped ones without refusing them', async () => {
      organizationOf([
        ...sampleAccounts(10_000).map(({ accountId }) => member(accountId)),
        ...sampleAccounts(10_005)
          .slice(10_000)
          .map(({ accountId }) => member(accountId, 'SUSPENDED')),
      ]);
      const plan = await resolveAccounts({ allAccounts: true, dryRun: true }, deps(['securityhub']));
      expect(plan.accountIds).toHaveLength(10_000);
      expect(plan.skipped).toHaveLength(5);
      expect(plan.note ?? '').not.toContain('would be refused');
    });

    it('plans more accounts than one execution onboards in a dry run, which helps to split them, saying a run would be refused', async () => {
      organizationOf(sampleAccounts(10_001).map(({ accountId }) => member(accountId)));
      const plan = await resolveAccounts({ allAccounts: true, dryRun: true }, deps(['securityhub']));
      expect(plan.accountIds).toHaveLength(10_001);
      expect(plan.note).toContain(
        'A run of this plan would be refused: 10001 accounts to onboard are more than one execution onboards',
      );
    });

    it('plans more Detective members than a graph holds, naming the accounts past the limit rather than refusing', async () => {
      organizationOf(sampleAccounts(1201).map(({ accountId }) => member(accountId)));
      graphInUsEast1();
      const plan = await resolveAccounts({ allAccounts: true }, deps(['detective']));
      expect(plan).toMatchObject({ hasWork: true });
      expect(plan.accountIds).toHaveLength(1201);
      expect(plan.overMemberLimit).toEqual([
        {
          region: 'us-east-1',
          service: 'detective',
          accountIds: [sampleAccounts(1201)[1200]?.accountId],
          reason:
            'the behavior graph in us-east-1 had 0 members and 1201 more were asked for: a behavior graph holds at most 1200, so this account was not added',
        },
      ]);
      expect(plan.note).toBe(
        'In us-east-1, 1 account(s) are past the 1200 members a behavior graph holds: they are reported FAILED ' +
          'for Detective there; the other services and accounts go on.',
      );
    });

    it('counts the members the behavior graph already has, 200 a page: 1,150 and 51 new pass the limit', async () => {
      organizationOf(sampleAccounts(51).map(({ accountId }) => member(accountId)));
      graphInUsEast1();
      const existing = sampleAccounts(1150, 500000000000).map(({ accountId }) => accountId);
      detective.on(ListGraphMembersCommand).callsFake(({ GraphArn, NextToken, MaxResults }) => {
        if (GraphArn !== GRAPH || MaxResults !== 200)
          throw new Error(`unexpected ListMembers ${GraphArn} ${MaxResults}`);
        const start = Number.parseInt(NextToken ?? '0', 10);
        return {
          MemberDetails: existing
            .slice(start, start + 200)
            .map((AccountId) => ({ AccountId, Status: 'ENABLED' })),
          ...(start + 200 < existing.length ? { NextToken: String(start + 200) } : {}),
        };
      });
      const plan = await resolveAccounts({ allAccounts: true }, deps(['detective']));
      // The graph has room for 50 of the 51: the last one asked for is past the limit.
      expect(plan.overMemberLimit?.map(({ region, accountIds }) => [region, accountIds])).toEqual([
        ['us-east-1', [sampleAccounts(51)[50]?.accountId]],
      ]);
      noWrites();
    });

    it('names every limit at once when several are passed', async () => {
      organizationOf([]);
      graphInUsEast1();
      await expect(resolveAccounts({ accounts: sampleAccounts(1201) }, deps())).rejects.toThrow(
        /in us-east-1, the administrator has 0 invitation-based .*; in eu-west-1, .*\. Nothing was changed\./,
      );
    });
  });

  it.each([
    ['444455556666.0', 'input.accounts[1].accountId: "444455556666.0" is not an account id'],
    ['44445555666', 'input.accounts[1].accountId: "44445555666" has 11 digits'],
    ['4444555566667', 'input.accounts[1].accountId: "4444555566667" has 13 digits'],
    [444455556666, 'input.accounts[1].accountId: the number 444455556666 (account ids must be strings)'],
  ])(
    'rejects the mangled account id %j with its value and position before any AWS call',
    async (bad, message) => {
      const input = { accounts: [{ accountId: '012345678901' }, { accountId: bad }] };
      await expect(resolveAccounts(input, deps())).rejects.toThrow(InvalidInputError);
      await expect(resolveAccounts(input, deps())).rejects.toThrow(message);
      expect(organizations).not.toHaveReceivedAnyCommand();
      expect(detective).not.toHaveReceivedAnyCommand();
    },
  );

  it('returns the plan without work for a dry run, graphs included', async () => {
    organizationOf([member(ADMIN), member('111111111111'), member('222222222222')]);
    graphInUsEast1();
    const plan = await resolveAccounts(event('manual/dry-run'), deps());
    expect(plan).toMatchObject({
      dryRun: true,
      hasWork: false,
      accountIds: ['111111111111', '222222222222'],
      regions: ['us-east-1', 'eu-west-1'],
      homes: [
        { region: 'us-east-1', service: 'securityhub' },
        { region: 'eu-west-1', service: 'securityhub' },
        { region: 'us-east-1', service: 'detective', home: GRAPH },
      ],
      note: 'Dry run: this is the plan; nothing was changed.',
    });
    // Reads only: where the administrator has Security Hub, its organization settings and members.
    expect(new Set(securityHub.calls().map((call) => call.args[0].constructor.name))).toEqual(
      new Set(['DescribeHubCommand', 'DescribeOrganizationConfigurationCommand', 'ListMembersCommand']),
    );
  });

  it('leaves out of the homes a Region that is disabled for the administrator', async () => {
    organizationOf([member('111111111111')]);
    detective.on(ListGraphsCommand).callsFake(async (_input, getClient: () => DetectiveClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') {
        throw awsError(
          'UnrecognizedClientException',
          403,
          'The security token included in the request is invalid',
        );
      }
      return { GraphList: [{ Arn: GRAPH }] };
    });
    const plan = await resolveAccounts({ accounts: [{ accountId: '111111111111' }] }, deps());
    expect(plan.homes.filter(({ service }) => service === 'detective')).toEqual([
      { region: 'us-east-1', service: 'detective', home: GRAPH },
    ]);
  });

  describe('reads beside the organization listing', () => {
    /** Whether every Region's plan reads were sent: both services located, their members and settings read. */
    function planReadsSent(): boolean {
      return (
        detective.commandCalls(ListGraphsCommand).length === 2 &&
        detective.commandCalls(ListGraphMembersCommand).length === 1 &&
        securityHub.commandCalls(DescribeOrganizationConfigurationCommand).length === 2 &&
        securityHub.commandCalls(ListMembersCommand).length === 2
      );
    }

    it("sends every Region's plan reads before the organization listing ends", async () => {
      graphInUsEast1();
      const members = sampleAccounts(45).map(({ accountId }) => member(accountId));
      const readsSentBeforePage: boolean[] = [];
      organizations.on(ListAccountsCommand).callsFake(async ({ NextToken }: { NextToken?: string }) => {
        // Mocks answer without timers: a few turns of the event loop let every read started beside this
        // page reach its client. Reads started only after the listing never come, and the page goes on without them.
        for (let turn = 0; turn < 20 && !planReadsSent(); turn += 1)
          await new Promise((resolve) => setImmediate(resolve));
        readsSentBeforePage.push(planReadsSent());
        const start = Number.parseInt(NextToken ?? '0', 10);
        return {
          Accounts: members.slice(start, start + 20),
          ...(start + 20 < members.length ? { NextToken: String(start + 20) } : {}),
        };
      });

      const plan = await resolveAccounts({ allAccounts: true }, deps());

      expect(readsSentBeforePage).toEqual([true, true, true]);
      expect(plan.accountIds).toHaveLength(45);
      expect(plan.homes).toEqual([
        { region: 'us-east-1', service: 'securityhub' },
        { region: 'eu-west-1', service: 'securityhub' },
        { region: 'us-east-1', service: 'detective', home: GRAPH },
      ]);
    });

    it("reports the listing's error, not a read's, when both fail", async () => {
      organizations.on(ListAccountsCommand).rejects(awsError('AccessDeniedException', 400, 'no list'));
      detective.on(ListGraphsCommand).rejects(awsError('AccessDeniedException', 403, 'no graphs'));
      await expect(resolveAccounts({ allAccounts: true }, deps())).rejects.toThrow(
        /^"allAccounts" needs to list AWS Organizations, and administrator 999999999999 may not \(AccessDeniedException: no list\)/,
      );
      expect(detective).toHaveReceivedCommand(ListGraphsCommand);
    });

    it("refuses an event's outside account with the refusal, not a read's error", async () => {
      organizationOf([member('111111111111')]);
      detective.on(ListGraphsCommand).rejects(awsError('AccessDeniedException', 403, 'no graphs'));
      await expect(
        resolveAccounts(event('triggers/account-joined-organization-invited'), deps()),
      ).rejects.toThrow(/event names account 777788889999, which is not in the organization/);
    });
  });

  it('throws AdministratorAccessError when the administrator may not list its Detective graphs', async () => {
    organizationOf([member('111111111111')]);
    detective.on(ListGraphsCommand).rejects(awsError('AccessDeniedException', 403, 'denied'));
    await expect(resolveAccounts({ accounts: [{ accountId: '111111111111' }] }, deps())).rejects.toThrow(
      'the administrator may not call detective:ListGraphs in us-east-1 (AccessDeniedException: denied): allow detective:ListGraphs',
    );
  });
});

describe('resolveAccounts for a sweep', () => {
  beforeEach(() => {
    organizations.reset();
    detective.reset();
    securityHub.reset();
    securityHub.on(DescribeOrganizationConfigurationCommand).resolves({
      AutoEnable: false,
      MemberAccountLimitReached: false,
      OrganizationConfiguration: { ConfigurationType: 'LOCAL', Status: 'ENABLED' },
    });
    graphInUsEast1();
  });

  /** Security Hub's members per Region and the us-east-1 graph's members, as the administrator lists them. */
  function membersAre(hub: Record<string, string[]>, graph: string[]): void {
    securityHub.on(ListMembersCommand).callsFake(async (_input, getClient: () => SecurityHubClient) => ({
      Members: (hub[await getClient().config.region()] ?? []).map((AccountId) => ({ AccountId })),
    }));
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: graph.map((AccountId) => ({ AccountId, GraphArn: GRAPH })),
    });
  }

  it('returns every active organization account and every member Organizations does not list, once, without the administrator', async () => {
    organizationOf([member('111111111111'), member('222222222222')]);
    membersAre({ 'us-east-1': ['111111111111', '300000000003', ADMIN], 'eu-west-1': ['300000000001'] }, [
      '300000000001',
      '300000000002',
    ]);

    const plan = await resolveAccounts(event('triggers/scheduled-sweep'), deps());

    expect(plan).toMatchObject({ trigger: 'sweep', dryRun: false, hasWork: true });
    expect(plan.accountIds).toEqual([
      '111111111111',
      '222222222222',
      '300000000001',
      '300000000002',
      '300000000003',
    ]);
    // Members outside the organization: Security Hub invites them, and they count against its limit.
    expect(plan.invitationBased).toBe(3);
    expect(securityHub).toHaveReceivedCommandWith(ListMembersCommand, { OnlyAssociated: false });
  });

  it('reports a closed or suspended account that is still a member STALE_MEMBER, saying where', async () => {
    organizationOf([
      member('111111111111'),
      member('222222222222', 'CLOSED'),
      member('333333333333', 'SUSPENDED'),
    ]);
    membersAre({ 'us-east-1': ['222222222222'], 'eu-west-1': [] }, ['222222222222']);

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan.accountIds).toEqual(['111111111111']);
    expect(plan.skipped).toEqual([
      {
        accountId: '222222222222',
        outcome: 'STALE_MEMBER',
        reason:
          "the account is CLOSED in AWS Organizations, and it is still a member in us-east-1: a stale member, removed by the stale-member offboarding when the stack's RemoveStaleMembers is true, or by muster remove",
      },
      {
        accountId: '333333333333',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: 'the account is SUSPENDED in AWS Organizations',
      },
    ]);
  });

  it('reports a closed account its lists keep only as Removed SKIPPED_ACCOUNT_INACTIVE, needing nobody, not STALE_MEMBER again', async () => {
    organizationOf([
      member('111111111111'),
      member('222222222222', 'CLOSED'),
      member('333333333333', 'CLOSED'),
    ]);
    securityHub.on(ListMembersCommand).callsFake(async (_input, getClient: () => SecurityHubClient) => ({
      Members:
        (await getClient().config.region()) === 'us-east-1'
          ? [
              { AccountId: '222222222222', MemberStatus: 'Removed' },
              { AccountId: '333333333333', MemberStatus: 'Removed' },
            ]
          : [{ AccountId: '333333333333', MemberStatus: 'Enabled' }],
    }));
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan.accountIds).toEqual(['111111111111']);
    expect(plan.skipped).toEqual([
      {
        accountId: '222222222222',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason:
          'the account is CLOSED in AWS Organizations; its memberships are removed (still listed as removed in us-east-1): nothing left to remove',
      },
      // Still enabled in one Region: stale there, whatever the other Region's list keeps.
      expect.objectContaining({
        accountId: '333333333333',
        outcome: 'STALE_MEMBER',
        reason: expect.stringContaining('still a member in eu-west-1:'),
      }),
    ]);
  });

  /** A sweep's deps whose memory of the last sweep is `memory`, recording what it writes. */
  function withMemory(memory: SweepMemory | undefined) {
    const written: Omit<SweepMemory, 'sweptAt'>[] = [];
    const sweepDeps: ResolveAccountsDeps = {
      ...deps(),
      sweepMemory: {
        read: async () => memory,
        write: async (next) => {
          written.push(next);
        },
      },
    };
    return { sweepDeps, written };
  }

  it('reports a member that was in the organization at the last sweep STALE_MEMBER (departed), and does not invite it', async () => {
    organizationOf([member('111111111111')]);
    membersAre({ 'us-east-1': ['300000000001', '300000000002'], 'eu-west-1': ['300000000001'] }, []);
    const { sweepDeps, written } = withMemory({
      sweptAt: '2026-12-01T00:00:00.000Z',
      organization: ['111111111111', '300000000001'],
      departed: [],
    });

    const plan = await resolveAccounts({ sweep: true }, sweepDeps);

    // 300000000002 was never in the organization: an outside member, invited as before.
    expect(plan.accountIds).toEqual(['111111111111', '300000000002']);
    expect(plan.skipped).toEqual([
      {
        accountId: '300000000001',
        outcome: 'STALE_MEMBER',
        reason:
          "the account is not in AWS Organizations, but it was at an earlier sweep (2026-12-01T00:00:00.000Z): it left the organization and its departure was not acted on, so it is not invited again. It is still a member in us-east-1, eu-west-1: a departed member, removed by the stale-member offboarding when the stack's RemoveStaleMembers is true, or by muster remove",
      },
    ]);
    expect(written).toEqual([{ organization: ['111111111111'], departed: ['300000000001'] }]);
  });

  it('reports a member Detective lists as joined by the organization STALE_MEMBER when Organizations no longer lists it, without any memory', async () => {
    organizationOf([member('111111111111')]);
    securityHub.on(ListMembersCommand).resolves({ Members: [{ AccountId: '300000000001' }] });
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: [
        { AccountId: '300000000001', GraphArn: GRAPH, Status: 'ENABLED', InvitationType: 'ORGANIZATION' },
        { AccountId: '300000000002', GraphArn: GRAPH, Status: 'ENABLED', InvitationType: 'INVITATION' },
      ],
    });
    const { sweepDeps } = withMemory(undefined);

    const plan = await resolveAccounts({ sweep: true }, sweepDeps);

    expect(plan.accountIds).toEqual(['111111111111', '300000000002']);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        accountId: '300000000001',
        outcome: 'STALE_MEMBER',
        reason: expect.stringContaining(
          "the administrator's member list shows it joined through the organization (detective us-east-1)",
        ),
      }),
    ]);
  });

  it('keeps a departed account in the memory while it is listed, and reports it needing nobody once only listed as removed', async () => {
    organizationOf([member('111111111111')]);
    securityHub.on(ListMembersCommand).resolves({
      Members: [{ AccountId: '300000000001', MemberStatus: 'Removed' }],
    });
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });
    const { sweepDeps, written } = withMemory({
      sweptAt: '2026-12-01T00:00:00.000Z',
      organization: ['111111111111'],
      departed: ['300000000001'],
    });

    const plan = await resolveAccounts({ sweep: true }, sweepDeps);

    expect(plan.accountIds).toEqual(['111111111111']);
    expect(plan.skipped).toEqual([
      expect.objectContaining({
        accountId: '300000000001',
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: expect.stringContaining(
          'still listed as removed in us-east-1, eu-west-1): nothing left to remove',
        ),
      }),
    ]);
    expect(written[0]?.departed).toEqual(['300000000001']);
  });

  it('writes no memory for a dry run', async () => {
    organizationOf([member('111111111111')]);
    membersAre({}, []);
    const { sweepDeps, written } = withMemory(undefined);

    await resolveAccounts({ sweep: true, dryRun: true }, sweepDeps);

    expect(written).toEqual([]);
  });

  it('carries, per pair, the accounts its member list does not show enabled: the only ones a sweep creates', async () => {
    organizationOf([member('111111111111'), member('222222222222')]);
    securityHub.on(ListMembersCommand).callsFake(async (_input, getClient: () => SecurityHubClient) => ({
      Members:
        (await getClient().config.region()) === 'us-east-1'
          ? [
              { AccountId: '111111111111', MemberStatus: 'Enabled' },
              { AccountId: '222222222222', MemberStatus: 'Enabled' },
            ]
          : [
              { AccountId: '111111111111', MemberStatus: 'Enabled' },
              { AccountId: '222222222222', MemberStatus: 'Removed' },
            ],
    }));
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: [{ AccountId: '111111111111', GraphArn: GRAPH, Status: 'ENABLED' }],
    });

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan.pairs).toEqual([
      { region: 'us-east-1', service: 'securityhub', enabled: true, create: [] },
      { region: 'us-east-1', service: 'detective', enabled: true, home: GRAPH, create: ['222222222222'] },
      { region: 'eu-west-1', service: 'securityhub', enabled: true, create: ['222222222222'] },
      { region: 'eu-west-1', service: 'detective', enabled: false },
    ]);
  });

  it(`carries no list past ${CREATE_LIST_LIMIT} accounts, nor outside a sweep: every account is then created`, async () => {
    const many = Array.from({ length: CREATE_LIST_LIMIT + 1 }, (_, index) =>
      member(String(100_000_000_000 + index)),
    );
    organizationOf(many);
    membersAre({}, []);

    const swept = await resolveAccounts({ sweep: true }, deps(['securityhub']));
    const manual = await resolveAccounts(
      { accounts: [{ accountId: '100000000000' }] },
      deps(['securityhub']),
    );

    expect(swept.accountIds).toHaveLength(CREATE_LIST_LIMIT + 1);
    for (const plan of [swept, manual])
      expect(plan.pairs.every((pair) => pair.create === undefined)).toBe(true);
  });

  it('takes an invited member’s email from the member list that has one, so Detective can invite it where it is not a member', async () => {
    organizationOf([member('111111111111')]);
    // A member of Security Hub only: Detective's graph does not list it, in no Region.
    securityHub.on(ListMembersCommand).resolves({
      Members: [{ AccountId: '300000000001', Email: 'root+1@example.net', MemberStatus: 'Enabled' }],
    });
    detective.on(ListGraphMembersCommand).resolves({ MemberDetails: [] });

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan.accounts).toEqual([
      { accountId: '111111111111', email: 'root+111111111111@example.com' },
      { accountId: '300000000001', email: 'root+1@example.net' },
    ]);
    expect(plan.pairs).toContainEqual(
      expect.objectContaining({
        region: 'us-east-1',
        service: 'detective',
        create: ['111111111111', '300000000001'],
      }),
    );
    expect(plan.note ?? '').not.toContain('have no email');
  });

  it('takes no address a list shows AWS refused, and none where the lists disagree, naming the lists but no address', async () => {
    organizationOf([member('111111111111')]);
    securityHub.on(ListMembersCommand).callsFake(async (_input, getClient: () => SecurityHubClient) => ({
      Members:
        (await getClient().config.region()) === 'us-east-1'
          ? [
              { AccountId: '300000000001', Email: 'root+1@example.net', MemberStatus: 'Enabled' },
              { AccountId: '300000000002', Email: 'old+2@example.net', MemberStatus: 'Removed' },
            ]
          : [{ AccountId: '300000000002', Email: 'new+2@example.net', MemberStatus: 'Enabled' }],
    }));
    detective.on(ListGraphMembersCommand).resolves({
      MemberDetails: [
        // Detective found this address is not the root email: the Security Hub one stands.
        {
          AccountId: '300000000001',
          EmailAddress: 'wrong+1@example.net',
          GraphArn: GRAPH,
          Status: 'VERIFICATION_FAILED',
        },
      ],
    });

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan.accounts).toEqual([
      { accountId: '111111111111', email: 'root+111111111111@example.com' },
      { accountId: '300000000001', email: 'root+1@example.net' },
      { accountId: '300000000002' },
    ]);
    expect(plan.note).toContain(
      "1 account(s) have no email (none given, none in Organizations or the administrator's member lists that Detective accepts)",
    );
    expect(plan.note).toContain(
      "1 invited member(s) have different emails in the administrator's member lists; muster does not guess which is the root email, " +
        'so they have none (name each with its root email in a manual input to onboard it): 300000000002 (Security Hub us-east-1 / Security Hub eu-west-1).',
    );
    // Emails are personal data: the note is logged, and names lists, never addresses.
    expect(plan.note).not.toContain('@');
    expect(JSON.stringify(plan.skipped)).not.toContain('@');
  });

  it('plans the members of an organization that has no other account', async () => {
    organizationOf([]);
    membersAre({ 'us-east-1': ['300000000001'] }, []);

    const plan = await resolveAccounts({ sweep: true }, deps());

    expect(plan).toMatchObject({ accountIds: ['300000000001'], hasWork: true });
  });

  it('refuses a sweep whose members and accounts are more than one execution carries, before any change', async () => {
    organizationOf(Array.from({ length: 9_500 }, (_, index) => member(String(100_000_000_000 + index))));
    membersAre(
      { 'us-east-1': Array.from({ length: 600 }, (_, index) => String(300_000_000_000 + index)) },
      [],
    );

    const run = resolveAccounts({ sweep: true }, deps(['securityhub']));

    await expect(run).rejects.toThrow(MemberLimitExceededError);
    await expect(run).rejects.toThrow(
      `10100 accounts to onboard are more than one execution onboards (${EXECUTION_ACCOUNT_LIMIT}`,
    );
  });
});

import {
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  isOrganizationsUnavailable,
  listPlacedAccounts,
  organizationsDirectory,
  organizationsRegion,
  recordingNames,
} from '../../../functions/shared/services/organizations.ts';
import { awsError } from '../../helpers.ts';

const organizations = mockClient(OrganizationsClient);
const directory = () => organizationsDirectory(new OrganizationsClient({ region: 'us-east-1' }));

describe('organizationsDirectory', () => {
  beforeEach(() => {
    organizations.reset();
  });

  it('returns every account across pages of at most 20, an empty middle page included', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [{ Id: '111111111111', Email: 'a@example.com', State: 'ACTIVE' }],
        NextToken: 't1',
      })
      .resolvesOnce({ Accounts: [], NextToken: 't2' })
      .resolvesOnce({ Accounts: [{ Id: '222222222222', Email: 'b@example.com', State: 'SUSPENDED' }] });

    const accounts = await directory().listAccounts();

    expect(accounts).toEqual([
      { accountId: '111111111111', email: 'a@example.com', state: 'ACTIVE' },
      { accountId: '222222222222', email: 'b@example.com', state: 'SUSPENDED' },
    ]);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 3);
    expect(organizations).toHaveReceivedNthCommandWith(ListAccountsCommand, 1, { MaxResults: 20 });
    expect(organizations).toHaveReceivedNthCommandWith(ListAccountsCommand, 3, {
      MaxResults: 20,
      NextToken: 't2',
    });
  });

  it('returns State rather than the retiring Status, and Status when State is absent', async () => {
    organizations
      .on(DescribeAccountCommand, { AccountId: '111111111111' })
      .resolves({ Account: { Id: '111111111111', State: 'CLOSED', Status: 'SUSPENDED' } })
      .on(DescribeAccountCommand, { AccountId: '222222222222' })
      .resolves({ Account: { Id: '222222222222', Status: 'PENDING_CLOSURE' } });
    await expect(directory().describeAccount('111111111111')).resolves.toEqual({
      accountId: '111111111111',
      state: 'CLOSED',
    });
    await expect(directory().describeAccount('222222222222')).resolves.toEqual({
      accountId: '222222222222',
      state: 'PENDING_CLOSURE',
    });
  });

  it('returns undefined for an account outside the organization', async () => {
    organizations
      .on(DescribeAccountCommand)
      .rejects(awsError('AccountNotFoundException', 400, "You specified an account that doesn't exist."));
    await expect(directory().describeAccount('333333333333')).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    organizations.on(DescribeAccountCommand).rejects(awsError('AccessDeniedException', 400));
    await expect(directory().describeAccount('333333333333')).rejects.toThrow('AccessDeniedException');
  });
});

describe('isOrganizationsUnavailable', () => {
  it.each([
    ['AccessDeniedException', true],
    ['AWSOrganizationsNotInUseException', true],
    ['TooManyRequestsException', false],
    ['AccountNotFoundException', false],
  ])('returns %s → %s', (name, expected) => {
    expect(isOrganizationsUnavailable(awsError(name, 400))).toBe(expected);
  });
});

describe('organizationsRegion', () => {
  it.each([
    ['eu-west-1', 'us-east-1'],
    ['us-east-1', 'us-east-1'],
    ['cn-north-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-east-1'],
  ])('returns a Region of the partition of %s', (lambdaRegion, expected) => {
    expect(organizationsRegion(lambdaRegion)).toBe(expected);
  });
});

describe('recordingNames', () => {
  beforeEach(() => {
    organizations.reset();
  });

  it('remembers the name of every account the directory reads, and nothing for an unknown or unnamed one', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', Name: 'payments-prod', State: 'ACTIVE' },
        { Id: '222222222222', State: 'ACTIVE' },
      ],
    });
    organizations
      .on(DescribeAccountCommand, { AccountId: '333333333333' })
      .resolves({ Account: { Id: '333333333333', Name: 'logs' } })
      .on(DescribeAccountCommand, { AccountId: '444444444444' })
      .rejects(awsError('AccountNotFoundException', 400, 'not in the organization'));
    const { directory: named, names } = recordingNames(directory());

    expect(await named.listAccounts()).toHaveLength(2);
    expect(await named.describeAccount('333333333333')).toEqual({ accountId: '333333333333', name: 'logs' });
    expect(await named.describeAccount('444444444444')).toBeUndefined();

    expect(names).toEqual(
      new Map([
        ['111111111111', 'payments-prod'],
        ['333333333333', 'logs'],
      ]),
    );
  });
});

describe('listPlacedAccounts', () => {
  beforeEach(() => {
    organizations.reset();
  });

  it('places every account under its OU path, following pages of OUs and accounts at every level', async () => {
    const account = (Id: string) => ({
      Id,
      Email: `${Id}@example.com`,
      Name: `name-${Id}`,
      State: 'ACTIVE' as const,
    });
    // The generic answers first: aws-sdk-client-mock lets a later, input-specific one take precedence.
    organizations.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    organizations.on(ListAccountsForParentCommand).resolves({ Accounts: [] });
    organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-abcd', Name: 'Root' }] });
    organizations
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-abcd' })
      .resolvesOnce({ OrganizationalUnits: [{ Id: 'ou-abcd-11111111', Name: 'Workloads' }], NextToken: 'o1' })
      .resolvesOnce({ OrganizationalUnits: [{ Id: 'ou-abcd-22222222', Name: 'Sandbox' }] });
    organizations
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-abcd-11111111' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-abcd-33333333', Name: 'Prod' }] });
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'r-abcd' })
      .resolves({ Accounts: [account('111111111111')] });
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-abcd-33333333' })
      .resolvesOnce({ Accounts: [account('222222222222')], NextToken: 'a1' })
      .resolvesOnce({ Accounts: [], NextToken: 'a2' })
      .resolvesOnce({ Accounts: [account('333333333333')] });
    organizations
      .on(ListAccountsForParentCommand, { ParentId: 'ou-abcd-22222222' })
      .resolves({ Accounts: [account('444444444444')] });

    const placed = await listPlacedAccounts(new OrganizationsClient({ region: 'us-east-1' }));

    expect(new Map(placed.map(({ accountId, ou }) => [accountId, ou]))).toEqual(
      new Map([
        ['111111111111', 'Root'],
        ['222222222222', 'Root/Workloads/Prod'],
        ['333333333333', 'Root/Workloads/Prod'],
        ['444444444444', 'Root/Sandbox'],
      ]),
    );
    expect(placed.find(({ accountId }) => accountId === '444444444444')).toEqual({
      accountId: '444444444444',
      email: '444444444444@example.com',
      name: 'name-444444444444',
      state: 'ACTIVE',
      ou: 'Root/Sandbox',
    });
    // One ListOrganizationalUnitsForParent chain per parent (the root's two pages), one ListAccountsForParent chain.
    expect(organizations).toHaveReceivedCommandTimes(ListOrganizationalUnitsForParentCommand, 5);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsForParentCommand, 6);
    expect(organizations).toHaveReceivedCommandTimes(ListAccountsCommand, 0);
    for (const call of organizations.calls()) expect(call.args[0].input).toMatchObject({ MaxResults: 20 });
  });

  it('rejects with the error of a parent it could not list', async () => {
    organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-abcd', Name: 'Root' }] });
    organizations.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
    organizations
      .on(ListAccountsForParentCommand)
      .rejects(awsError('AccessDeniedException', 400, 'not allowed'));

    await expect(listPlacedAccounts(new OrganizationsClient({ region: 'us-east-1' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

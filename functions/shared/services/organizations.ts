import {
  type Account as AwsAccount,
  DescribeAccountCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { everyPage } from '../aws/pages.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { partitionOf } from '../domain/regions.ts';

/** An account as AWS Organizations knows it. */
export interface OrganizationAccount {
  accountId: string;
  /** The root email address. */
  email?: string;
  /** The account's friendly name, as reports show it beside the id. */
  name?: string;
  /** PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED. */
  state?: string;
}

/**
 * Reads the organization; only its management account or a delegated administrator may
 * (docs/aws-facts.md, AWS Organizations).
 */
export interface OrganizationsDirectory {
  /** undefined when the account is not in the organization (an account invited outside it). */
  describeAccount(accountId: string): Promise<OrganizationAccount | undefined>;
  /** Every account of the organization, whatever its state; `onPage` is told each page's as it arrives. */
  listAccounts(onPage?: (accounts: readonly OrganizationAccount[]) => void): Promise<OrganizationAccount[]>;
}

/** ListAccounts takes at most 20 per page (docs/aws-facts.md, AWS Organizations). */
export const LIST_ACCOUNTS_PAGE_SIZE = 20;

function fromAws({ Id, Email, Name, State, Status }: AwsAccount): OrganizationAccount | undefined {
  if (Id === undefined) return undefined;
  // State replaces Status, which is being retired in September 2026 (docs/aws-facts.md, AWS Organizations).
  const state = State ?? Status;
  return {
    accountId: Id,
    ...(Email === undefined ? {} : { email: Email }),
    ...(Name === undefined ? {} : { name: Name }),
    ...(state === undefined ? {} : { state }),
  };
}

export function organizationsDirectory(client: OrganizationsClient): OrganizationsDirectory {
  return {
    async describeAccount(accountId) {
      try {
        const { Account } = await client.send(new DescribeAccountCommand({ AccountId: accountId }));
        return Account === undefined ? undefined : fromAws(Account);
      } catch (error) {
        if ((error as Error).name === 'AccountNotFoundException') return undefined;
        throw error;
      }
    },
    async listAccounts(onPage) {
      const listed = await everyPage(async (nextToken) => {
        const page = await client.send(
          new ListAccountsCommand({ MaxResults: LIST_ACCOUNTS_PAGE_SIZE, NextToken: nextToken }),
        );
        const items = (page.Accounts ?? []).flatMap((account) => fromAws(account) ?? []);
        return { items, nextToken: page.NextToken };
      }, onPage);
      return listed;
    },
  };
}

/** An organization account and where it sits: OU names from the root down, the root's first ("Root/Workloads/Prod"). */
export interface PlacedAccount extends OrganizationAccount {
  ou: string;
}

/**
 * Parents (the root or OUs) listed at once while walking the tree, each by two chains of pages: with no
 * published rate for these calls, a wide organization is walked 20 calls at a time
 * (docs/aws-facts.md, AWS Organizations, "Organizational units in muster coverage").
 */
export const TREE_PARENTS_AT_ONCE = 10;

/**
 * Every account of the organization with its OU, by walking the tree: ListRoots, then, level by level,
 * each parent's child OUs (ListOrganizationalUnitsForParent) and own accounts (ListAccountsForParent).
 * It replaces ListAccounts: the same `Account` shape, about two calls per OU more, and a longest chain
 * of the tree's depth plus the largest parent's pages instead of one page per 20 accounts
 * (docs/aws-facts.md, AWS Organizations, "Account names, and what an organizational unit would cost").
 */
export async function listPlacedAccounts(
  client: OrganizationsClient,
  onPage?: (accounts: readonly PlacedAccount[]) => void,
): Promise<PlacedAccount[]> {
  const roots = await everyPage(async (nextToken) => {
    const page = await client.send(
      new ListRootsCommand({ MaxResults: LIST_ACCOUNTS_PAGE_SIZE, NextToken: nextToken }),
    );
    return { items: page.Roots, nextToken: page.NextToken };
  });
  const placed: PlacedAccount[] = [];
  let level = roots.flatMap(({ Id, Name }) => (Id === undefined ? [] : [{ id: Id, path: Name ?? Id }]));
  while (level.length > 0) {
    const children = await mapWithConcurrency(level, TREE_PARENTS_AT_ONCE, async ({ id, path }) => {
      const [units, accounts] = await Promise.all([
        everyPage(async (nextToken) => {
          const page = await client.send(
            new ListOrganizationalUnitsForParentCommand({
              ParentId: id,
              MaxResults: LIST_ACCOUNTS_PAGE_SIZE,
              NextToken: nextToken,
            }),
          );
          return { items: page.OrganizationalUnits, nextToken: page.NextToken };
        }),
        everyPage(async (nextToken) => {
          const page = await client.send(
            new ListAccountsForParentCommand({
              ParentId: id,
              MaxResults: LIST_ACCOUNTS_PAGE_SIZE,
              NextToken: nextToken,
            }),
          );
          return { items: page.Accounts, nextToken: page.NextToken };
        }),
      ]);
      const parentAccounts = accounts.flatMap((account) => {
        const read = fromAws(account);
        return read === undefined ? [] : [{ ...read, ou: path }];
      });
      placed.push(...parentAccounts);
      onPage?.(parentAccounts);
      return units.flatMap(({ Id, Name }) =>
        Id === undefined ? [] : [{ id: Id, path: `${path}/${Name ?? Id}` }],
      );
    });
    level = children.flat();
  }
  return placed;
}

/**
 * The directory, remembering the name of every account it reads: the first step reads the
 * organization anyway, and the reports show the names (carried in the batch files, not the state).
 */
export function recordingNames(directory: OrganizationsDirectory): {
  directory: OrganizationsDirectory;
  names: ReadonlyMap<string, string>;
} {
  const names = new Map<string, string>();
  const remember = (account: OrganizationAccount | undefined) => {
    if (account?.name !== undefined && account.name !== '') names.set(account.accountId, account.name);
    return account;
  };
  return {
    names,
    directory: {
      describeAccount: async (accountId) => remember(await directory.describeAccount(accountId)),
      listAccounts: async () => {
        const accounts = await directory.listAccounts();
        for (const account of accounts) remember(account);
        return accounts;
      },
    },
  };
}

/** Organizations errors that mean the caller cannot read the organization at all. */
export function isOrganizationsUnavailable(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'AccessDeniedException' || name === 'AWSOrganizationsNotInUseException';
}

/**
 * The Region to give the Organizations client: the SDK sends every Region of a partition to that partition's
 * one endpoint (us-east-1 in the commercial partition: docs/aws-facts.md, AWS Organizations), so only the
 * partition of the Lambda's Region matters.
 */
export function organizationsRegion(lambdaRegion: string): string {
  return partitionOf(lambdaRegion) === 'aws' ? 'us-east-1' : lambdaRegion;
}

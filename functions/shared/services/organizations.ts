import {
  type Account as AwsAccount,
  DescribeAccountCommand,
  ListAccountsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { everyPage } from '../aws/pages.ts';
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
  /** Every account of the organization, whatever its state. */
  listAccounts(): Promise<OrganizationAccount[]>;
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
    async listAccounts() {
      const listed = await everyPage(async (nextToken) => {
        const page = await client.send(
          new ListAccountsCommand({ MaxResults: LIST_ACCOUNTS_PAGE_SIZE, NextToken: nextToken }),
        );
        return { items: page.Accounts, nextToken: page.NextToken };
      });
      return listed.flatMap((account) => fromAws(account) ?? []);
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

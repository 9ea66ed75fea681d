import type { ScenarioAccount } from './scenario.ts';
import { ACCOUNT_ID, AwsError, encodeToken } from './wire.ts';
import type { Call, RouteRequest, ServiceHandler, World } from './world.ts';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const OPERATIONS = new Set([
  'ListAccounts',
  'DescribeAccount',
  'ListRoots',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
]);

/** The one root's id (`RootId`: "r-" and 4 to 32 lowercase letters or digits). */
const ROOT_ID = 'r-root';
/** `ParentId`: a root's id or an OU's (docs/aws-facts.md, AWS Organizations, "Organizational units in muster coverage"). */
const PARENT_ID = /^(r-[0-9a-z]{4,32})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

interface Unit {
  id: string;
  name: string;
}

// The retiring Status field, derived from State (docs/aws-facts.md, AWS Organizations: use State).
const STATUS: Record<ScenarioAccount['state'], string> = {
  ACTIVE: 'ACTIVE',
  PENDING_ACTIVATION: 'ACTIVE',
  SUSPENDED: 'SUSPENDED',
  PENDING_CLOSURE: 'PENDING_CLOSURE',
  CLOSED: 'SUSPENDED',
};

function invalid(message: string, reason: string): AwsError {
  return new AwsError('InvalidInputException', 400, message, { Reason: reason });
}

/**
 * ListAccounts and DescribeAccount over the scenario's organization accounts, and their OU tree
 * (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent) from each account's `ou` path.
 */
export class Organizations implements ServiceHandler {
  readonly name = 'organizations' as const;
  readonly #world: World;
  readonly #accounts: ScenarioAccount[];
  readonly #byId: Map<string, ScenarioAccount>;
  readonly #managementId: string;
  readonly #unitsByPath = new Map<string, Unit>();
  /** Parent id (the root or an OU) → its child OUs, and → its own accounts, in the scenario's order. */
  readonly #units = new Map<string, Unit[]>([[ROOT_ID, []]]);
  readonly #accountsIn = new Map<string, ScenarioAccount[]>([[ROOT_ID, []]]);

  constructor(world: World) {
    this.#world = world;
    const scenario = world.scenario;
    const members = scenario.accounts.filter((a) => a.joinedMethod !== 'OUTSIDE');
    // The delegated administrator is itself an organization account, so ListAccounts returns it too.
    const administrator: ScenarioAccount = {
      accountId: scenario.administratorAccountId,
      email: scenario.administratorEmail,
      name: 'security-administrator',
      joinedMethod: 'CREATED',
      state: 'ACTIVE',
      disabledRegions: [],
      securityHubEnabledRegions: [],
      guardDutyOff: false,
      memberRoleMissing: false,
    };
    this.#accounts = scenario.delegatedAdministrator ? [administrator, ...members] : members;
    this.#byId = new Map(this.#accounts.map((a) => [a.accountId, a]));
    this.#managementId = scenario.managementAccountId ?? scenario.administratorAccountId;
    for (const account of this.#accounts) {
      let parent = ROOT_ID;
      let path = '';
      for (const name of account.ou?.split('/') ?? []) {
        path = `${path}/${name}`;
        let unit = this.#unitsByPath.get(path);
        if (unit === undefined) {
          unit = { id: `ou-root-${String(this.#unitsByPath.size + 1).padStart(8, '0')}`, name };
          this.#unitsByPath.set(path, unit);
          this.#units.get(parent)?.push(unit);
          this.#units.set(unit.id, []);
          this.#accountsIn.set(unit.id, []);
        }
        parent = unit.id;
      }
      this.#accountsIn.get(parent)?.push(account);
    }
  }

  operation({ method, path, target }: RouteRequest): string | undefined {
    if (method !== 'POST' || path !== '/' || !target?.startsWith(TARGET_PREFIX)) return undefined;
    const operation = target.slice(TARGET_PREFIX.length);
    return OPERATIONS.has(operation) ? operation : undefined;
  }

  handle(operation: string, call: Call): object {
    const scenario = this.#world.scenario;
    // Only the management account or the delegated administrator may read the organization
    // (docs/aws-facts.md, AWS Organizations).
    const allowed =
      (call.caller === scenario.administratorAccountId && scenario.delegatedAdministrator) ||
      call.caller === scenario.managementAccountId;
    if (!allowed) {
      throw new AwsError('AccessDeniedException', 400, "You don't have permissions to access this resource.");
    }
    switch (operation) {
      case 'ListAccounts':
        return this.#list(call);
      case 'ListRoots':
        return this.#roots(call);
      case 'ListOrganizationalUnitsForParent':
        return this.#unitsFor(call);
      case 'ListAccountsForParent':
        return this.#accountsFor(call);
      default:
        return this.#describe(call);
    }
  }

  /** An organization account (not the administrator) that has left since the scenario began. */
  #departed(accountId: string): boolean {
    return this.#world.accounts.has(accountId) && !this.#world.inOrganization(accountId);
  }

  #shape(a: ScenarioAccount): object {
    return {
      Id: a.accountId,
      Arn: `arn:aws:organizations::${this.#managementId}:account/${this.#world.scenario.organizationId}/${a.accountId}`,
      Email: a.email,
      Name: a.name ?? `account-${a.accountId}`,
      Status: STATUS[a.state],
      State: a.state,
      JoinedMethod: a.joinedMethod,
      // awsJson timestamps are epoch seconds.
      JoinedTimestamp: Math.floor(this.#world.startedAt / 1000) - 86_400,
    };
  }

  #list(call: Call): object {
    return this.#accountPage(call, this.#accounts);
  }

  /** A page of accounts: a departed account is no longer listed (its page is one shorter, as a page may be). */
  #accountPage(call: Call, accounts: ScenarioAccount[]): object {
    const { items, nextToken } = this.#page(call, accounts);
    return {
      Accounts: items.filter((a) => !this.#departed(a.accountId)).map((a) => this.#shape(a)),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  /** One page of a List operation: MaxResults 1..20, and NextToken (docs/aws-facts.md, AWS Organizations). */
  #page<T>(call: Call, all: T[]): { items: T[]; nextToken?: string } {
    const size = call.input.optionalInt('MaxResults', 1, 20) ?? 20;
    const token = call.input.optionalString('NextToken');
    const cursor = token === undefined ? { offset: 0, served: false } : decodeCursor(token);
    // A page can be empty while more remain (docs/aws-facts.md, AWS Organizations); emptyListPages serves one
    // before each real page.
    if (this.#world.scenario.faults.emptyListPages && !cursor.served && cursor.offset < all.length) {
      return { items: [], nextToken: `${encodeToken(cursor.offset)}.served` };
    }
    const end = cursor.offset + size;
    return {
      items: all.slice(cursor.offset, end),
      ...(end < all.length ? { nextToken: encodeToken(end) } : {}),
    };
  }

  #arn(kind: 'root' | 'ou', id: string): string {
    return `arn:aws:organizations::${this.#managementId}:${kind}/${this.#world.scenario.organizationId}/${id}`;
  }

  #roots(call: Call): object {
    const { items, nextToken } = this.#page(call, [ROOT_ID]);
    return {
      Roots: items.map((id) => ({ Id: id, Arn: this.#arn('root', id), Name: 'Root', PolicyTypes: [] })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  /** The ParentId of a call, which must be a root or OU the organization has. */
  #parent(call: Call): string {
    const parent = call.input.string('ParentId');
    if (!PARENT_ID.test(parent)) throw invalid(`ParentId ${parent} is not a root or OU id`, 'INVALID_INPUT');
    if (!this.#units.has(parent)) {
      throw new AwsError(
        'ParentNotFoundException',
        400,
        "We can't find a root or OU with the ParentId that you specified.",
      );
    }
    return parent;
  }

  #unitsFor(call: Call): object {
    const { items, nextToken } = this.#page(call, this.#units.get(this.#parent(call)) ?? []);
    return {
      OrganizationalUnits: items.map(({ id, name }) => ({ Id: id, Arn: this.#arn('ou', id), Name: name })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  #accountsFor(call: Call): object {
    return this.#accountPage(call, this.#accountsIn.get(this.#parent(call)) ?? []);
  }

  #describe(call: Call): object {
    const id = call.input.string('AccountId');
    if (!ACCOUNT_ID.test(id)) throw invalid(`AccountId ${id} must be 12 digits`, 'INVALID_INPUT');
    const account = this.#departed(id) ? undefined : this.#byId.get(id);
    if (account === undefined) {
      throw new AwsError('AccountNotFoundException', 400, "You specified an account that doesn't exist.");
    }
    return { Account: this.#shape(account) };
  }
}

function decodeCursor(token: string): { offset: number; served: boolean } {
  const [raw, flag] = token.split('.');
  const match = /^standin:(\d+)$/.exec(Buffer.from(raw ?? '', 'base64url').toString());
  if (match?.[1] === undefined || (flag !== undefined && flag !== 'served')) {
    throw invalid('The NextToken value is not valid.', 'INVALID_NEXT_TOKEN');
  }
  return { offset: Number(match[1]), served: flag === 'served' };
}

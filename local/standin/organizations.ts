import type { ScenarioAccount } from './scenario.ts';
import { ACCOUNT_ID, AwsError, encodeToken } from './wire.ts';
import type { Call, RouteRequest, ServiceHandler, World } from './world.ts';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const OPERATIONS = new Set(['ListAccounts', 'DescribeAccount']);

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

/** ListAccounts and DescribeAccount over the scenario's organization accounts. */
export class Organizations implements ServiceHandler {
  readonly name = 'organizations' as const;
  readonly #world: World;
  readonly #accounts: ScenarioAccount[];
  readonly #byId: Map<string, ScenarioAccount>;
  readonly #managementId: string;

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
    return operation === 'ListAccounts' ? this.#list(call) : this.#describe(call);
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
    const size = call.input.optionalInt('MaxResults', 1, 20) ?? 20;
    const token = call.input.optionalString('NextToken');
    const cursor = token === undefined ? { offset: 0, served: false } : decodeCursor(token);
    // A page can be empty while more remain (docs/aws-facts.md, AWS Organizations); emptyListPages serves one
    // before each real page.
    if (
      this.#world.scenario.faults.emptyListPages &&
      !cursor.served &&
      cursor.offset < this.#accounts.length
    ) {
      return { Accounts: [], NextToken: `${encodeToken(cursor.offset)}.served` };
    }
    const end = cursor.offset + size;
    // A departed account is no longer listed (its page is one shorter, as a page may be).
    return {
      Accounts: this.#accounts
        .slice(cursor.offset, end)
        .filter((a) => !this.#departed(a.accountId))
        .map((a) => this.#shape(a)),
      ...(end < this.#accounts.length ? { NextToken: encodeToken(end) } : {}),
    };
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

import type { Pair, Plan, WorkflowSettings } from '../shared/contracts.ts';
import { type Account, type SkippedAccount, selectAccounts, usableEmail } from '../shared/domain/accounts.ts';
import { classifyError, describeError, type ErrorLike } from '../shared/domain/classify.ts';
import type { ServiceName } from '../shared/domain/services.ts';
import { parseTrigger } from '../shared/domain/triggers.ts';
import { AdministratorAccessError, MemberLimitExceededError } from '../shared/errors.ts';
import type { MembershipReader, MembershipTarget } from '../shared/services/administrator.ts';
import {
  isOrganizationsUnavailable,
  type OrganizationAccount,
  type OrganizationsDirectory,
} from '../shared/services/organizations.ts';

export interface ResolveAccountsDeps {
  administratorId: string;
  defaultRegions: readonly string[];
  defaultServices: readonly ServiceName[];
  organizations: OrganizationsDirectory;
  settings: WorkflowSettings;
  /** The administrator's Detective adapter in a Region; its `locate` finds the behavior graph. */
  detective: (region: string) => Pick<MembershipReader, 'locate'>;
  /** The administrator's Security Hub in a Region; its `locate` says whether the hub is enabled. */
  securityHub: (region: string) => Pick<MembershipReader, 'locate'>;
}

/** Membership limits per administrator per Region (docs/aws-facts.md, Security Hub; Amazon Detective). */
export const SECURITY_HUB_INVITATION_LIMIT = 1_000;
export const DETECTIVE_MEMBER_LIMIT = 1_200;

/**
 * Accounts one execution carries. Step Functions passes at most 256 KiB between states and the plan
 * and the report list every account: measured on the stand-in in 17 Regions, 2,000 accounts take
 * 168 KB when all goes well and 235 KB when every membership fails alike; 1,500 leaves room for
 * longer emails.
 */
export const EXECUTION_ACCOUNT_LIMIT = 1_500;

/** Up to this many accounts are looked up one by one; more cost one ListAccounts sweep instead. */
export const DESCRIBE_ACCOUNT_MAX = 20;

// PENDING_ACTIVATION is kept: a just-created account can still be in it and becomes ACTIVE in minutes.
const INACTIVE_STATES: ReadonlySet<string> = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

const MAX_IDS_IN_NOTE = 20;

interface Resolution {
  accounts: Account[];
  skipped: SkippedAccount[];
  /** How many of `accounts` Security Hub can only invite: outside the organization, as far as we can tell. */
  invitationBased: number;
  notes: string[];
}

function idList(ids: readonly string[]): string {
  const shown = ids.slice(0, MAX_IDS_IN_NOTE).join(', ');
  return ids.length > MAX_IDS_IN_NOTE ? `${shown} and ${ids.length - MAX_IDS_IN_NOTE} more` : shown;
}

/**
 * Keeps the accounts Organizations does not call inactive and fills in missing emails from it.
 * `known` is undefined when Organizations could not be read: every account then counts as outside it.
 */
function settle(
  selection: { accounts: Account[]; skipped: SkippedAccount[] },
  known: ReadonlyMap<string, OrganizationAccount> | undefined,
): Resolution {
  const accounts: Account[] = [];
  const skipped = [...selection.skipped];
  let invitationBased = 0;
  for (const { accountId, email: given } of selection.accounts) {
    const inOrganization = known?.get(accountId);
    const state = inOrganization?.state;
    if (state !== undefined && INACTIVE_STATES.has(state)) {
      skipped.push({
        accountId,
        outcome: 'SKIPPED_ACCOUNT_INACTIVE',
        reason: `the account is ${state} in AWS Organizations`,
      });
      continue;
    }
    // An address Organizations holds but Detective would refuse counts as none: it must not fail a call of 50.
    const email = given ?? usableEmail(inOrganization?.email);
    accounts.push(email === undefined ? { accountId } : { accountId, email });
    if (inOrganization === undefined) invitationBased += 1;
  }
  return { accounts, skipped, invitationBased, notes: [] };
}

async function wholeOrganization(deps: ResolveAccountsDeps): Promise<Resolution> {
  let listed: OrganizationAccount[];
  try {
    listed = await deps.organizations.listAccounts();
  } catch (error) {
    if (!isOrganizationsUnavailable(error)) throw error;
    throw new AdministratorAccessError(
      `"allAccounts" needs to list AWS Organizations, and administrator ${deps.administratorId} may not (${describeError(error as ErrorLike)}). ` +
        'Run muster in the organization management account or in an account registered as a delegated administrator ' +
        '(for Security Hub or Detective), or name the accounts with their emails in "accounts".',
    );
  }
  const selection = selectAccounts(
    listed.map(({ accountId, email }) => ({ accountId, email: usableEmail(email) })),
    deps.administratorId,
    'organization',
  );
  return settle(selection, new Map(listed.map((account) => [account.accountId, account])));
}

async function namedAccounts(requested: Account[], deps: ResolveAccountsDeps): Promise<Resolution> {
  const selection = selectAccounts(requested, deps.administratorId, 'input.accounts');
  const ids = selection.accounts.map(({ accountId }) => accountId);
  let known: Map<string, OrganizationAccount>;
  try {
    if (ids.length > DESCRIBE_ACCOUNT_MAX) {
      known = new Map(
        (await deps.organizations.listAccounts()).map((account) => [account.accountId, account]),
      );
    } else {
      known = new Map();
      for (const id of ids) {
        const account = await deps.organizations.describeAccount(id);
        if (account !== undefined) known.set(id, account);
      }
    }
  } catch (error) {
    if (!isOrganizationsUnavailable(error)) throw error;
    const resolution = settle(selection, undefined);
    resolution.notes.push(
      `AWS Organizations could not be read (${describeError(error as ErrorLike)}): account states were not checked, ` +
        'emails are only those given, and every account counts as outside the organization (Security Hub invites it).',
    );
    return resolution;
  }
  return settle(selection, known);
}

/**
 * What would make a run of the plan pass a membership limit, or carry more than one execution can.
 * Accounts Organizations does not list (or every account, when Organizations cannot be read) count
 * as invitation-based Security Hub members; accounts it lists are assumed to join through
 * Organizations, because an administrator that can read Organizations is its management account
 * or a delegated administrator.
 */
function limitProblems(resolution: Resolution, services: readonly ServiceName[]): string[] {
  const problems: string[] = [];
  if (services.includes('securityhub') && resolution.invitationBased > SECURITY_HUB_INVITATION_LIMIT) {
    problems.push(
      `${resolution.invitationBased} accounts would be invitation-based Security Hub members, and Security Hub allows ` +
        `${SECURITY_HUB_INVITATION_LIMIT} per administrator per Region (10,000 for organization accounts when the ` +
        'administrator is Security Hub delegated administrator)',
    );
  }
  if (services.includes('detective') && resolution.accounts.length > DETECTIVE_MEMBER_LIMIT) {
    problems.push(
      `${resolution.accounts.length} accounts would be Detective members, and a behavior graph holds at most ${DETECTIVE_MEMBER_LIMIT}`,
    );
  }
  // Skipped accounts travel in the plan and the report too.
  const carried = resolution.accounts.length + resolution.skipped.length;
  if (carried > EXECUTION_ACCOUNT_LIMIT) {
    problems.push(
      `${carried} accounts (${resolution.skipped.length} of them skipped) are more than one execution carries ` +
        `(${EXECUTION_ACCOUNT_LIMIT}: Step Functions passes at most 256 KiB between states, and the plan and the report ` +
        `list every account); split them into executions of at most ${EXECUTION_ACCOUNT_LIMIT}, each naming its accounts ` +
        'in "accounts" (a dry run lists them; `muster plan --split FOLDER` writes them as CSV batches)',
    );
  }
  return problems;
}

/** Where the administrator has the service: its home in each Region that has it; the others are left out. */
async function locateIn(
  regions: readonly string[],
  locator: (region: string) => Pick<MembershipReader, 'locate'>,
  action: string,
): Promise<MembershipTarget[]> {
  const targets = await Promise.all(
    regions.map(async (region) => {
      try {
        return await locator(region).locate(region);
      } catch (error) {
        const kind = classifyError(error as ErrorLike);
        // A Region disabled for the administrator answers with an authentication error
        // (docs/aws-facts.md, Regions and partitions).
        if (kind === 'region-disabled') return undefined;
        if (kind === 'access-denied') {
          throw new AdministratorAccessError(
            `the administrator may not call ${action} in ${region} (${describeError(error as ErrorLike)}): allow ${action}`,
          );
        }
        throw error;
      }
    }),
  );
  return targets.filter((target) => target !== undefined);
}

/**
 * Turns a trigger event or a manual input into the plan of the onboarding: which accounts, in
 * which Regions, for which services. Changes nothing; a dry run stops here.
 */
export async function resolveAccounts(input: unknown, deps: ResolveAccountsDeps): Promise<Plan> {
  const request = parseTrigger(input);
  const regions = request.regions ?? [...deps.defaultRegions];
  const services = request.services ?? [...deps.defaultServices];
  const pairs: Pair[] = regions.flatMap((region) => services.map((service) => ({ region, service })));
  const base = {
    administratorId: deps.administratorId,
    trigger: request.trigger,
    dryRun: request.dryRun,
    regions,
    services,
    pairs,
    settings: deps.settings,
  };
  if (request.nothingToDo !== undefined) {
    return {
      ...base,
      accounts: [],
      accountIds: [],
      skipped: [],
      graphArns: {},
      securityHubRegions: [],
      invitationBased: 0,
      hasWork: false,
      note: request.nothingToDo,
    };
  }

  const resolution =
    request.accounts === 'all' ? await wholeOrganization(deps) : await namedAccounts(request.accounts, deps);
  const { accounts, skipped, notes } = resolution;
  const problems = limitProblems(resolution, services);
  if (problems.length > 0) {
    // Refused before any change. A dry run only plans: it says what a run would refuse, and lists
    // the accounts, which helps to split them.
    if (!request.dryRun) throw new MemberLimitExceededError(`${problems.join('; ')}. Nothing was changed.`);
    notes.push(`A run of this plan would be refused: ${problems.join('; ')}.`);
  }

  const withoutEmail = accounts.filter(({ email }) => email === undefined).map(({ accountId }) => accountId);
  if (services.includes('detective') && withoutEmail.length > 0) {
    notes.push(
      `${withoutEmail.length} account(s) have no email (none given, none in Organizations that Detective accepts); Detective needs the root ` +
        `email, so create-members reports them FAILED for Detective: ${idList(withoutEmail)}.`,
    );
  }
  if (accounts.length === 0) notes.push(`No account to onboard (${skipped.length} skipped).`);
  else if (request.dryRun) notes.push('Dry run: this is the plan; nothing was changed.');

  const working = accounts.length > 0;
  const [graphs, hubs] = await Promise.all([
    working && services.includes('detective')
      ? locateIn(regions, deps.detective, 'detective:ListGraphs')
      : [],
    working && services.includes('securityhub')
      ? locateIn(regions, deps.securityHub, 'securityhub:DescribeHub')
      : [],
  ]);
  const graphArns = Object.fromEntries(
    graphs.flatMap(({ region, graphArn }) => (graphArn === undefined ? [] : [[region, graphArn] as const])),
  );
  const securityHubRegions = hubs.map(({ region }) => region);
  return {
    ...base,
    // Each pair says where the administrator has the service, so later steps need not look again.
    pairs: working
      ? pairs.map((pair) => {
          const graphArn = pair.service === 'detective' ? graphArns[pair.region] : undefined;
          const enabled =
            pair.service === 'detective' ? graphArn !== undefined : securityHubRegions.includes(pair.region);
          return { ...pair, enabled, ...(graphArn === undefined ? {} : { graphArn }) };
        })
      : pairs,
    accounts,
    accountIds: accounts.map(({ accountId }) => accountId),
    skipped,
    graphArns,
    securityHubRegions,
    invitationBased: resolution.invitationBased,
    hasWork: accounts.length > 0 && !request.dryRun,
    ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
  };
}

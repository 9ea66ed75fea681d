import {
  CREATE_LIST_LIMIT,
  type Home,
  type OverMemberLimit,
  type Pair,
  type Plan,
  type WorkflowSettings,
} from '#shared/contracts.ts';
import {
  type Account,
  INACTIVE_STATES,
  type SkippedAccount,
  selectAccounts,
  usableEmail,
} from '#shared/domain/accounts.ts';
import { classifyError, describeError, type ErrorLike } from '#shared/domain/classify.ts';
import { emailFromMemberLists, type ListedEmail } from '#shared/domain/member-emails.ts';
import { outcomeOfStatus } from '#shared/domain/outcomes.ts';
import { isServiceNotOffered, refuseOtherPartitions } from '#shared/domain/regions.ts';
import {
  INVITES_SEPARATELY,
  labelsInWords,
  SERVICE_NAMES,
  SERVICE_RULES,
  type ServiceName,
} from '#shared/domain/services.ts';
import { AdministratorAccessError, InvalidInputError, MemberLimitExceededError } from '#shared/errors.ts';
import type {
  MembershipPlanner,
  MembershipReader,
  MembershipTarget,
  ServiceOrganization,
} from '#shared/services/administrator.ts';
import {
  isOrganizationsUnavailable,
  type OrganizationAccount,
  type OrganizationsDirectory,
} from '#shared/services/organizations.ts';
import type { SweepMemory } from './sweep-memory.ts';
import { parseTrigger } from './triggers.ts';

export interface ResolveAccountsDeps {
  administratorId: string;
  /** The Region muster runs in: Regions of another partition are refused. */
  homeRegion: string;
  defaultRegions: readonly string[];
  defaultServices: readonly ServiceName[];
  organizations: OrganizationsDirectory;
  settings: WorkflowSettings;
  /** The administrator's service in a Region: its home, its members and its organization settings. */
  planner: (service: ServiceName, region: string) => MembershipPlanner;
  /** What the last sweep knew of the organization (sweep-memory.ts); without it, only what AWS says. */
  sweepMemory?: {
    read(): Promise<SweepMemory | undefined>;
    write(memory: Omit<SweepMemory, 'sweptAt'>): Promise<void>;
  };
}

/**
 * Accounts one execution onboards: muster's own cap, set at Security Hub's 10,000 members per delegated administrator
 * (docs/aws-facts.md, Security Hub). The parent execution carries counts and references only and
 * hands the accounts to child executions of CHILD_BATCH_ACCOUNTS each (docs/report-bucket.md).
 */
export const EXECUTION_ACCOUNT_LIMIT = 10_000;

/** The address rules every email meets on input (the registry's inputEmailProblem): "Detective's, which ...". */
const INPUT_EMAIL_SERVICES = SERVICE_NAMES.filter(
  (name) => SERVICE_RULES[name].inputEmailProblem !== undefined,
);
const INPUT_EMAIL_RULES =
  INPUT_EMAIL_SERVICES.length === 0
    ? 'those every email meets on input'
    : `${labelsInWords(INPUT_EMAIL_SERVICES)}'s, which every email meets on input`;

/** Up to this many accounts are looked up one by one; more cost one ListAccounts sweep instead. */
export const DESCRIBE_ACCOUNT_MAX = 20;

// PENDING_ACTIVATION is kept: a just-created account can still be in it and becomes ACTIVE in minutes.
const MAX_IDS_IN_NOTE = 20;

interface Resolution {
  accounts: Account[];
  skipped: SkippedAccount[];
  /** The organization's accounts as read, or undefined when Organizations could not be read. */
  known: ReadonlyMap<string, OrganizationAccount> | undefined;
  /** Whether `known` is the whole organization (ListAccounts), not only the accounts asked about. */
  wholeOrganization: boolean;
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
  wholeOrganization: boolean,
): Resolution {
  const accounts: Account[] = [];
  const skipped = [...selection.skipped];
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
  }
  return { accounts, skipped, known, wholeOrganization, notes: [] };
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
        '(for a service muster onboards), or name the accounts with their emails in "accounts".',
    );
  }
  const selection = selectAccounts(
    listed.map(({ accountId, email }) => ({ accountId, email: usableEmail(email) })),
    deps.administratorId,
    'organization',
  );
  return settle(selection, new Map(listed.map((account) => [account.accountId, account])), true);
}

async function namedAccounts(requested: Account[], deps: ResolveAccountsDeps): Promise<Resolution> {
  const selection = selectAccounts(requested, deps.administratorId, 'input.accounts');
  const ids = selection.accounts.map(({ accountId }) => accountId);
  let known: Map<string, OrganizationAccount>;
  const wholeOrganization = ids.length > DESCRIBE_ACCOUNT_MAX;
  try {
    if (wholeOrganization) {
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
    const resolution = settle(selection, undefined, false);
    resolution.notes.push(
      `AWS Organizations could not be read (${describeError(error as ErrorLike)}): account states were not checked, ` +
        'emails are only those given, and every account counts as outside the organization ' +
        `(${[...INVITES_SEPARATELY].map((service) => SERVICE_RULES[service].label).join(' and ')} invite it).`,
    );
    return resolution;
  }
  return settle(selection, known, wholeOrganization);
}

/**
 * An organization event names an account that was just created in (or joined) the organization; one
 * Organizations does not know is a forged or misdirected event, and onboarding it would invite an
 * outsider. Refused before any change.
 */
function requireInOrganization(
  resolution: Resolution,
  trigger: Plan['trigger'],
  deps: ResolveAccountsDeps,
): void {
  const ids = resolution.accounts.map(({ accountId }) => accountId);
  if (resolution.known === undefined) {
    throw new AdministratorAccessError(
      `the ${trigger} event names account ${idList(ids)}, and administrator ${deps.administratorId} cannot read AWS Organizations ` +
        'to check that it is in the organization; an event is acted on only for accounts of the organization. ' +
        'Allow organizations:DescribeAccount, or onboard the account with a manual input.',
    );
  }
  const outside = ids.filter((id) => !resolution.known?.has(id));
  if (outside.length > 0) {
    throw new InvalidInputError(
      `the ${trigger} event names account ${idList(outside)}, which is not in the organization (AWS Organizations DescribeAccount does not know it): ` +
        'an organization event is acted on only for accounts of the organization, so nothing was changed. ' +
        'If the account is meant to be onboarded as an outside account, name it with its email in a manual input.',
    );
  }
}

/**
 * What a sweep adds to the organization's accounts: every member the administrator's member lists show
 * that Organizations does not list (an invitation-based member), so a sweep needs no list of outside
 * accounts. A member Organizations calls inactive is a STALE_MEMBER, its reason saying where it is
 * still a member; the onboarding never removes it. One its lists keep only as removed (Security Hub
 * keeps a disassociated organization account listed, docs/aws-facts.md, Security Hub) holds no
 * membership any more: it stays SKIPPED_ACCOUNT_INACTIVE, which needs nobody, so a removed stale
 * member is not reported again by every later sweep.
 *
 * A member Organizations does not list but that was in the organization (the last sweep's memory, or
 * Detective's InvitationType ORGANIZATION) left it, and its departure event was missed: it is a
 * STALE_MEMBER too, never invited again (docs/triggers.md, "Departed accounts that are still members").
 *
 * An invited member it adds takes its email from the member lists (emailFromMemberLists: the address
 * they agree on), so Detective and GuardDuty can invite it where it is not a member yet; where they
 * disagree it gets none (docs/triggers.md, "The scheduled sweep").
 * Returns the departed accounts still listed anywhere, for the next sweep's memory, and the members
 * whose lists disagree on the email, with the lists of each address.
 */
function sweepMembers(
  resolution: Resolution,
  views: readonly Pick<
    ServiceView,
    'region' | 'service' | 'memberIds' | 'removedIds' | 'organizationJoinedIds' | 'emails'
  >[],
  administratorId: string,
  memory: SweepMemory | undefined,
): { departed: string[]; disagreeing: { accountId: string; where: string[] }[] } {
  const where = new Map<string, string[]>();
  const removedWhere = new Map<string, string[]>();
  const joinedByOrganization = new Map<string, string[]>();
  for (const { region, service, memberIds, removedIds, organizationJoinedIds } of views) {
    for (const id of memberIds) {
      const held = removedIds.has(id) ? removedWhere : where;
      held.set(id, [...(held.get(id) ?? []), region]);
    }
    for (const id of organizationJoinedIds)
      joinedByOrganization.set(id, [...(joinedByOrganization.get(id) ?? []), `${service} ${region}`]);
  }
  const wasInOrganization = new Set([...(memory?.organization ?? []), ...(memory?.departed ?? [])]);
  const regionsText = (regions: readonly string[]) => [...new Set(regions)].join(', ');
  const planned = new Set(resolution.accounts.map(({ accountId }) => accountId));
  const departed: string[] = [];
  const disagreeing: { accountId: string; where: string[] }[] = [];
  for (const id of [...new Set([...where.keys(), ...removedWhere.keys()])].sort()) {
    if (id === administratorId || planned.has(id) || resolution.known?.has(id)) continue;
    planned.add(id);
    const joinedIn = joinedByOrganization.get(id);
    if (!wasInOrganization.has(id) && joinedIn === undefined) {
      const listed = views.flatMap(({ emails }) => emails.get(id) ?? []);
      const found = emailFromMemberLists(listed);
      if (found.kind === 'disagree') disagreeing.push({ accountId: id, where: found.where });
      resolution.accounts.push(
        found.kind === 'agreed' ? { accountId: id, email: found.email } : { accountId: id },
      );
      continue;
    }
    departed.push(id);
    const why = `the account is not in AWS Organizations, but ${
      wasInOrganization.has(id)
        ? `it was at an earlier sweep (${memory?.sweptAt})`
        : `the administrator's member list shows it joined through the organization (${joinedIn?.join(', ')})`
    }: it left the organization and its departure was not acted on, so it is not invited again`;
    const held = where.get(id);
    resolution.skipped.push(
      held === undefined
        ? {
            accountId: id,
            outcome: 'SKIPPED_ACCOUNT_INACTIVE',
            reason: `${why}; its memberships are removed (still listed as removed in ${regionsText(removedWhere.get(id) ?? [])}): nothing left to remove`,
          }
        : {
            accountId: id,
            outcome: 'STALE_MEMBER',
            reason: `${why}. It is still a member in ${regionsText(held)}: a departed member, removed by the stale-member offboarding when the stack's RemoveStaleMembers is true, or by muster remove`,
          },
    );
  }
  const gone = new Set(departed);
  for (const skipped of resolution.skipped) {
    if (skipped.outcome !== 'SKIPPED_ACCOUNT_INACTIVE' || gone.has(skipped.accountId)) continue;
    const regions = where.get(skipped.accountId);
    if (regions === undefined) {
      const removed = removedWhere.get(skipped.accountId);
      if (removed !== undefined)
        skipped.reason += `; its memberships are removed (still listed as removed in ${regionsText(removed)}): nothing left to remove`;
      continue;
    }
    // An outcome of its own, which needs attention: the membership holds a place under the member limit.
    skipped.outcome = 'STALE_MEMBER';
    skipped.reason += `, and it is still a member in ${regionsText(regions)}: a stale member, removed by the stale-member offboarding when the stack's RemoveStaleMembers is true, or by muster remove`;
  }
  return { departed, disagreeing };
}

/** What the first step read of a service in one Region where the administrator has it. */
interface ServiceView {
  service: ServiceName;
  region: string;
  /** Undefined when the administrator is not the service's delegated administrator there (or it has none to read). */
  organization: ServiceOrganization | undefined;
  memberIds: ReadonlySet<string>;
  /** The members its list shows enabled: a sweep need not create them again. */
  enabledIds: ReadonlySet<string>;
  /** The members its list keeps only as removed (disassociated): they hold no membership. */
  removedIds: ReadonlySet<string>;
  /** The members the service says came from the organization (Detective's InvitationType ORGANIZATION). */
  organizationJoinedIds: ReadonlySet<string>;
  /** The email its list keeps for each member that has one (personal data: never logged, never in the state). */
  emails: ReadonlyMap<string, ListedEmail>;
}

/**
 * The accounts a service would invite in a Region: all of them unless the administrator is its
 * delegated administrator there, then those Organizations does not list (all, when it could not be read).
 * Being able to read Organizations proves nothing: a Detective-only delegated administrator can.
 */
function invitedIn(view: ServiceView, resolution: Resolution): string[] {
  const ids = resolution.accounts.map(({ accountId }) => accountId);
  return view.organization === undefined ? ids : ids.filter((id) => !resolution.known?.has(id));
}

/** Under central configuration, configuration policies decide where the service runs in organization accounts. */
function isCentral(organization: ServiceOrganization | undefined): boolean {
  return organization?.configurationType === 'CENTRAL' && organization.status !== 'FAILED';
}

/**
 * Counts the invitation-based members among a Region's members. A member list does not say how a
 * member joined, so a member Organizations does not list is invitation-based; the organization is
 * listed only when the count could matter.
 */
async function existingInvitationBased(
  view: ServiceView,
  newlyInvited: number,
  organizationIds: () => Promise<ReadonlySet<string> | undefined>,
): Promise<number> {
  if (view.organization === undefined) return view.memberIds.size;
  if (view.memberIds.size + newlyInvited <= SERVICE_RULES[view.service].memberLimit.limit) return 0;
  const inOrganization = await organizationIds();
  if (inOrganization === undefined) return view.memberIds.size;
  return [...view.memberIds].filter((id) => !inOrganization.has(id)).length;
}

/**
 * What would make a run of the plan pass a membership limit: the service's own word
 * (MemberAccountLimitReached), and each service's member limit (its registry rule) counting the
 * members it already has.
 */
async function limitProblems(
  resolution: Resolution,
  views: readonly ServiceView[],
  organizationIds: () => Promise<ReadonlySet<string> | undefined>,
): Promise<string[]> {
  const problems: string[] = [];
  const ids = resolution.accounts.map(({ accountId }) => accountId);
  for (const view of views) {
    const { label, memberLimit } = SERVICE_RULES[view.service];
    const added = ids.filter((id) => !view.memberIds.has(id)).length;
    if (view.organization?.memberAccountLimitReached === true && added > 0) {
      problems.push(
        `in ${view.region}, ${label} says the administrator already has all the members it may have ` +
          `(DescribeOrganizationConfiguration: MemberAccountLimitReached), and ${added} accounts would be added`,
      );
    }
    // Past a limit that counts every member (a behavior graph's), accounts are reported FAILED, not refused (overWholeMemberLimit).
    if (memberLimit.counts === 'all') continue;
    const invited = invitedIn(view, resolution).filter((id) => !view.memberIds.has(id)).length;
    if (invited === 0) continue;
    const existing = await existingInvitationBased(view, invited, organizationIds);
    if (existing + invited > memberLimit.limit) {
      problems.push(
        `in ${view.region}, the administrator has ${existing} invitation-based ${label} members and ${invited} more would be invited: ` +
          `${existing + invited} is more than the ${memberLimit.limit} ${memberLimit.holder} ` +
          `(${view.organization === undefined ? `the administrator is not ${label} delegated administrator there, so it invites organization accounts too` : 'accounts outside the organization count'})`,
      );
    }
  }
  return problems;
}

/**
 * Per Region, the accounts past what a service's home still holds where its registry limit counts every
 * member (Detective's behavior graph: its limit less its members): the last ones asked for. They are
 * reported FAILED for that service there, with why; the others, and the other services, go on.
 */
export function overWholeMemberLimit(
  ids: readonly string[],
  graphs: readonly Pick<ServiceView, 'service' | 'region' | 'memberIds'>[],
): OverMemberLimit[] {
  return graphs.flatMap((view) => {
    const { limit, holder, members } = SERVICE_RULES[view.service].memberLimit;
    const added = ids.filter((id) => !view.memberIds.has(id));
    const room = Math.max(0, limit - view.memberIds.size);
    if (added.length <= room) return [];
    return [
      {
        region: view.region,
        service: view.service,
        accountIds: added.slice(room),
        reason:
          `${members} in ${view.region} had ${view.memberIds.size} members and ${added.length} more were asked for: ` +
          `${holder} at most ${limit}, so this account was not added`,
      },
    ];
  });
}

/** More accounts than one execution onboards: known from Organizations alone, whatever the administrator has. */
function executionProblem(resolution: Resolution): string | undefined {
  // Skipped accounts (the administrator, closed ones) become no member: they do not count.
  const onboarded = resolution.accounts.length;
  if (onboarded <= EXECUTION_ACCOUNT_LIMIT) return undefined;
  return (
    `${onboarded} accounts to onboard are more than one execution onboards ` +
    `(${EXECUTION_ACCOUNT_LIMIT}, muster's own cap on one execution); split them into ` +
    `executions of at most ${EXECUTION_ACCOUNT_LIMIT}, each naming its accounts in "accounts" ` +
    '(`muster plan --split FOLDER` writes them as CSV batches)'
  );
}

interface Located {
  targets: MembershipTarget[];
  /** Regions where AWS does not offer the service: its endpoint there does not exist. */
  notOffered: string[];
}

/** Where the administrator has the service: its home in each Region that has it; the others are left out. */
async function locateIn(
  regions: readonly string[],
  locator: (region: string) => Pick<MembershipReader, 'locate'>,
  action: string,
): Promise<Located> {
  const found = await Promise.all(
    regions.map(async (region): Promise<MembershipTarget | 'not-offered' | undefined> => {
      try {
        return await locator(region).locate(region);
      } catch (error) {
        // No endpoint for the service in the Region (docs/aws-facts.md, Regions and partitions).
        if (isServiceNotOffered(error)) return 'not-offered';
        const kind = classifyError(error as ErrorLike);
        // A Region disabled for the administrator answers with an authentication error
        // (docs/aws-facts.md, Regions and partitions).
        if (kind === 'region-disabled') return undefined;
        if (kind === 'access-denied') {
          throw new AdministratorAccessError(
            `the administrator may not call ${action} in ${region} (${describeError(error as ErrorLike)}): allow ${action}`,
            { cause: error },
          );
        }
        throw error;
      }
    }),
  );
  return {
    targets: found.filter((target) => target !== undefined && target !== 'not-offered'),
    notOffered: regions.filter((_, index) => found[index] === 'not-offered'),
  };
}

/** Calls `read`, turning a denial into the permission to grant. */
async function readAs<T>(action: string, region: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (classifyError(error as ErrorLike) !== 'access-denied') throw error;
    throw new AdministratorAccessError(
      `the administrator may not call ${action} in ${region} (${describeError(error as ErrorLike)}): allow ${action}`,
      { cause: error },
    );
  }
}

/** What the administrator has: where each service lives in each Region, and what each home holds. */
interface AdministratorView {
  homes: Home[];
  notOffered: Pair[];
  views: ServiceView[];
}

/**
 * Locates each service in each Region, then reads each home's organization settings and members:
 * for the limits, for central configuration, and for a sweep's members. Reads only.
 */
async function readAdministrator(
  regions: readonly string[],
  services: readonly ServiceName[],
  deps: ResolveAccountsDeps,
): Promise<AdministratorView> {
  const located = await Promise.all(
    services.map(async (service) => ({
      service,
      ...(await locateIn(
        regions,
        (region) => deps.planner(service, region),
        SERVICE_RULES[service].planReads.locate,
      )),
    })),
  );
  const homes: Home[] = located.flatMap(({ service, targets }) =>
    targets.map(({ region, home }) => ({ region, service, ...(home === undefined ? {} : { home }) })),
  );
  const notOffered: Pair[] = located.flatMap(({ service, notOffered: where }) =>
    where.map((region) => ({ region, service })),
  );
  // What the administrator already has, for the limits and for central configuration.
  const views = await Promise.all(
    homes.map(async ({ region, service, home }): Promise<ServiceView> => {
      const planner = deps.planner(service, region);
      const reads = SERVICE_RULES[service].planReads;
      const target = home === undefined ? { region } : { region, home };
      const [organization, members] = await Promise.all([
        reads.organization === undefined || planner.organization === undefined
          ? undefined
          : readAs(
              reads.organization,
              region,
              () => planner.organization?.(target) ?? Promise.resolve(undefined),
            ),
        readAs(reads.memberIds, region, () => planner.members(target)),
      ]);
      const outcomeOf = ({ status, disabledReason }: (typeof members)[number]) =>
        outcomeOfStatus(service, status, disabledReason).outcome;
      const enabled = members.filter((member) => outcomeOf(member) === 'ENABLED');
      const removed = members.filter((member) => outcomeOf(member) === 'REMOVED');
      return {
        service,
        region,
        organization,
        memberIds: new Set(members.map(({ accountId }) => accountId)),
        enabledIds: new Set(enabled.map(({ accountId }) => accountId)),
        removedIds: new Set(removed.map(({ accountId }) => accountId)),
        organizationJoinedIds: new Set(
          members
            .filter(({ invitationType }) => invitationType === 'ORGANIZATION')
            .map(({ accountId }) => accountId),
        ),
        emails: new Map(
          members.flatMap((member) =>
            member.email === undefined
              ? []
              : [
                  [
                    member.accountId,
                    // A status that says the address is not the root email: the list's address is known wrong.
                    {
                      service,
                      region,
                      email: member.email,
                      refused: outcomeOf(member) === 'VERIFICATION_FAILED',
                    },
                  ] as const,
                ],
          ),
        ),
      };
    }),
  );
  return { homes, notOffered, views };
}

/**
 * Turns a trigger event or a manual input into the plan of the onboarding: which accounts, in
 * which Regions, for which services. Changes nothing; a dry run stops here.
 */
export async function resolveAccounts(input: unknown, deps: ResolveAccountsDeps): Promise<Plan> {
  const request = parseTrigger(input);
  const regions = request.regions ?? [...deps.defaultRegions];
  refuseOtherPartitions(
    regions,
    deps.homeRegion,
    request.regions === undefined ? 'DEFAULT_REGIONS' : 'input.regions',
  );
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
      homes: [],
      centrallyConfigured: [],
      invitedAccountIds: [],
      notOffered: [],
      invitationBased: 0,
      hasWork: false,
      note: request.nothingToDo,
    };
  }

  // The administrator's reads do not depend on the accounts: they run beside the organization
  // listing. A refusal below is thrown before they are awaited, and they change nothing.
  const reading = readAdministrator(regions, services, deps);
  // Awaited later (or never, when there is nothing to plan): a failure waits for that, unreported meanwhile.
  reading.catch(() => undefined);
  const resolution =
    request.accounts === 'all' ? await wholeOrganization(deps) : await namedAccounts(request.accounts, deps);
  // A sweep lists the organization itself; the members it adds later are the administrator's own.
  if (request.trigger !== 'manual' && request.trigger !== 'sweep')
    requireInOrganization(resolution, request.trigger, deps);
  const { accounts, skipped, notes } = resolution;
  const tooMany = executionProblem(resolution);
  // Refused before any change, whatever the reads beside the listing say: none changes the answer.
  if (tooMany !== undefined && !request.dryRun)
    throw new MemberLimitExceededError(`${tooMany}. Nothing was changed.`);
  // A sweep reads the member lists even for an organization with no other account: they name its invited members.
  const working = accounts.length > 0 || request.trigger === 'sweep';
  const { homes, notOffered, views } = working ? await reading : { homes: [], notOffered: [], views: [] };
  const swept =
    request.trigger === 'sweep'
      ? sweepMembers(resolution, views, deps.administratorId, await deps.sweepMemory?.read())
      : undefined;
  if (swept !== undefined) {
    // A sweep always lists the whole organization: what it saw is the next sweep's memory.
    if (!request.dryRun && resolution.known !== undefined)
      await deps.sweepMemory?.write({
        organization: [...resolution.known.keys()].sort(),
        departed: swept.departed,
      });
    const problem = executionProblem(resolution);
    if (problem !== undefined && !request.dryRun)
      throw new MemberLimitExceededError(`${problem}. Nothing was changed.`);
    const { disagreeing } = swept;
    if (disagreeing.length > 0 && services.some((name) => SERVICE_RULES[name].requiresEmail)) {
      const shown = disagreeing
        .slice(0, MAX_IDS_IN_NOTE)
        .map(({ accountId, where }) => `${accountId} (${where.join(' / ')})`);
      const more =
        disagreeing.length > MAX_IDS_IN_NOTE ? ` and ${disagreeing.length - MAX_IDS_IN_NOTE} more` : '';
      notes.push(
        `${disagreeing.length} invited member(s) have different emails in the administrator's member lists; muster does not ` +
          `guess which is the root email, so they have none (name each with its root email in a manual input to onboard it): ${shown.join(', ')}${more}.`,
      );
    }
  }
  const invitingViews = views.filter(
    ({ service }) => SERVICE_RULES[service].memberLimit.counts === 'invited',
  );
  // A limit that counts every member is a behavior graph's (Detective): past it, accounts fail, nothing is refused.
  const wholeLimitViews = views.filter(({ service }) => SERVICE_RULES[service].memberLimit.counts === 'all');
  const overMemberLimit: OverMemberLimit[] = [];
  for (const view of wholeLimitViews) {
    const ids = resolution.accounts.map(({ accountId }) => accountId);
    const { label, memberLimit } = SERVICE_RULES[view.service];
    for (const over of overWholeMemberLimit(ids, [view])) {
      overMemberLimit.push(over);
      notes.push(
        `In ${over.region}, ${over.accountIds.length} account(s) are past the ${memberLimit.limit} members ${memberLimit.holder}: ` +
          `they are reported FAILED for ${label} there; the other services and accounts go on.`,
      );
    }
  }
  let organizationIds: Promise<ReadonlySet<string> | undefined> | undefined;
  const problems = await limitProblems(resolution, views, () => {
    organizationIds ??= listedOrganization(resolution, deps);
    return organizationIds;
  });
  const carried = executionProblem(resolution);
  if (carried !== undefined) problems.push(carried);
  if (problems.length > 0) {
    // Refused before any change. A dry run only plans: it says what a run would refuse, and lists
    // the accounts, which helps to split them.
    if (!request.dryRun) throw new MemberLimitExceededError(`${problems.join('; ')}. Nothing was changed.`);
    notes.push(`A run of this plan would be refused: ${problems.join('; ')}.`);
  }

  const withoutEmail = accounts.filter(({ email }) => email === undefined).map(({ accountId }) => accountId);
  const emailSources =
    request.trigger === 'sweep' ? "Organizations or the administrator's member lists" : 'Organizations';
  for (const service of services.filter((name) => SERVICE_RULES[name].requiresEmail)) {
    if (withoutEmail.length === 0) break;
    const { label } = SERVICE_RULES[service];
    notes.push(
      `${withoutEmail.length} account(s) have no email (none given, none in ${emailSources} that ${label} accepts); ${label} needs the root ` +
        `email, so create-members reports them FAILED for ${label}: ${idList(withoutEmail)}.`,
    );
  }
  for (const service of services) {
    const { label, emailProblem } = SERVICE_RULES[service];
    const refused =
      emailProblem === undefined
        ? []
        : accounts
            .filter(({ email }) => email !== undefined && emailProblem(email) !== undefined)
            .map(({ accountId }) => accountId);
    if (refused.length > 0) {
      notes.push(
        `${refused.length} account(s) have an email ${label} does not take (its address rules are stricter than ` +
          `${INPUT_EMAIL_RULES}), so create-members reports them FAILED for ${label}, with the rule: ${idList(refused)}.`,
      );
    }
  }
  for (const service of services) {
    const where = notOffered.filter((pair) => pair.service === service).map(({ region }) => region);
    if (where.length > 0) {
      notes.push(
        `AWS does not offer ${SERVICE_RULES[service].label} in ${where.join(', ')} (no endpoint there): its memberships there are SERVICE_NOT_OFFERED.`,
      );
    }
  }
  const centrallyConfigured: Pair[] = views
    .filter(({ organization }) => isCentral(organization))
    .map(({ region, service }) => ({ region, service }));
  for (const service of services) {
    const where = centrallyConfigured.filter((pair) => pair.service === service).map(({ region }) => region);
    const { label } = SERVICE_RULES[service];
    if (where.length > 0) {
      notes.push(
        `${label} uses central configuration in ${where.join(', ')}: its configuration policies decide ` +
          `whether ${label} runs in organization accounts there, so muster never enables ${label} in them; ` +
          'it still does in invited accounts outside the organization, which policies do not cover.',
      );
    }
  }
  if (accounts.length === 0) notes.push(`No account to onboard (${skipped.length} skipped).`);
  else if (request.dryRun) notes.push('Dry run: this is the plan; nothing was changed.');

  // Accounts Security Hub invites: in a Region where muster is not its delegated administrator, all.
  const invitedSomewhere = new Set(invitingViews.flatMap((view) => invitedIn(view, resolution)));
  const outsideOrganization = accounts.filter(({ accountId }) => !resolution.known?.has(accountId)).length;
  const isNotOffered = (pair: Pair) =>
    notOffered.some(({ region, service }) => region === pair.region && service === pair.service);
  return {
    ...base,
    // Each pair says where the administrator has the service, so later steps need not look again.
    pairs: working
      ? pairs.map((pair) => {
          if (isNotOffered(pair)) return { ...pair, enabled: false, offered: false };
          const found = homes.find(
            ({ region, service }) => region === pair.region && service === pair.service,
          );
          if (found === undefined) return { ...pair, enabled: false };
          return {
            ...pair,
            enabled: true,
            ...(found.home === undefined ? {} : { home: found.home }),
            ...(request.trigger === 'sweep' ? toCreate(pair, accounts, views) : {}),
            ...(allInvited(pair, resolution, views) ? { inviteCreated: true } : {}),
          };
        })
      : pairs,
    accounts,
    accountIds: accounts.map(({ accountId }) => accountId),
    skipped,
    homes,
    centrallyConfigured,
    // Central configuration needs them, to tell the accounts policies do not cover; a plan that mixes
    // them with organization accounts, so the create step invites them and the first check skips them.
    invitedAccountIds:
      centrallyConfigured.length > 0 ||
      (resolution.known !== undefined && outsideOrganization > 0 && outsideOrganization < accounts.length)
        ? accounts.map(({ accountId }) => accountId).filter((id) => !resolution.known?.has(id))
        : [],
    notOffered,
    ...(overMemberLimit.length === 0 ? {} : { overMemberLimit }),
    invitationBased: invitingViews.length > 0 ? invitedSomewhere.size : outsideOrganization,
    hasWork: accounts.length > 0 && !request.dryRun,
    ...(notes.length === 0 ? {} : { note: notes.join(' ') }),
  };
}

/**
 * Whether every planned account is invitation-based in the pair, for a service that invites in a
 * call of its own: the create step may then invite what it creates. A plan that mixes organization
 * accounts in leaves the invitations to the check and the invite step, which read first.
 */
function allInvited(pair: Pair, resolution: Resolution, views: readonly ServiceView[]): boolean {
  if (!SERVICE_RULES[pair.service].invitesSeparately || resolution.accounts.length === 0) return false;
  const view = views.find(({ region, service }) => region === pair.region && service === pair.service);
  return view !== undefined && invitedIn(view, resolution).length === resolution.accounts.length;
}

/**
 * What a sweep must create in a pair: the accounts its member list does not show enabled (the lists
 * carry each member's status: docs/aws-facts.md, Security Hub). Every other account is a member
 * already, and CreateMembers would only answer so; a sweep that finds
 * nothing drifted then changes nothing. Carried only while it is short (CREATE_LIST_LIMIT), so the
 * plan's pairs stay small in the state; a longer list is left out and every account is created, as
 * an onboarding does.
 */
function toCreate(
  pair: Pair,
  accounts: readonly { accountId: string }[],
  views: readonly ServiceView[],
): { create?: string[] } {
  const view = views.find(({ region, service }) => region === pair.region && service === pair.service);
  if (view === undefined) return {};
  const create = accounts.map(({ accountId }) => accountId).filter((id) => !view.enabledIds.has(id));
  return create.length > CREATE_LIST_LIMIT ? {} : { create };
}

/** The organization's account ids, listed once when a count needs them; undefined when Organizations cannot be read. */
async function listedOrganization(
  resolution: Resolution,
  deps: ResolveAccountsDeps,
): Promise<ReadonlySet<string> | undefined> {
  if (resolution.wholeOrganization && resolution.known !== undefined) return new Set(resolution.known.keys());
  try {
    return new Set((await deps.organizations.listAccounts()).map(({ accountId }) => accountId));
  } catch (error) {
    if (!isOrganizationsUnavailable(error)) throw error;
    // Then every member counts as invitation-based: the count can only be too high, never too low.
    return undefined;
  }
}

import { INVENTED } from './faults.ts';
import { ACCOUNT_ID, AwsError, decodeToken, page } from './wire.ts';
import { type Call, type RouteRequest, regionState, type ServiceHandler, type World } from './world.ts';

/** Member status enum of the Detective API (docs/aws-facts.md, Amazon Detective). */
export type DetectiveStatus =
  | 'INVITED'
  | 'VERIFICATION_IN_PROGRESS'
  | 'VERIFICATION_FAILED'
  | 'ENABLED'
  | 'ACCEPTED_BUT_DISABLED';

/**
 * Unprocessed reasons. AWS publishes none (its model says only that accounts already in the graph
 * come back unprocessed), so all are made up and say so (INVENTED): muster reports them as failures.
 */
export const DETECTIVE_TEXTS = {
  alreadyMember: `${INVENTED}the account is already a member of the behavior graph.`,
  notMember: `${INVENTED}the account is not a member of the behavior graph.`,
  self: `${INVENTED}the account is the administrator account of the behavior graph.`,
  otherAdministrator: `${INVENTED}the account is already a member of another organization behavior graph.`,
  regionDisabled: `${INVENTED}the account has not enabled this Region.`,
  suspended: `${INVENTED}the account is suspended.`,
} as const;

// AWS's own descriptions of these exceptions (Detective API reference).
const NOT_FOUND = 'The request refers to a nonexistent resource.';
const CONFLICT = 'The request attempted an invalid action.';
const GRAPH_ARN = /^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}:graph:[abcdef\d]{32}$/;

interface Graph {
  arn: string;
  region: string;
  administratorId: string;
  createdAt: number;
  members: Map<string, MemberRecord>;
}

interface MemberRecord {
  accountId: string;
  email?: string;
  graph: Graph;
  status: DetectiveStatus;
  invitationType: 'ORGANIZATION' | 'INVITATION';
  /** While VERIFICATION_IN_PROGRESS: when verification ends, and how. */
  verifiedAt: number;
  outcome: DetectiveStatus;
  /** When the member can see the invitation (ListInvitations, AcceptInvitation). */
  visibleAt: number;
  invitedTime?: number;
  updatedTime: number;
}

interface RegionState {
  graphs: Map<string, Graph>;
  byArn: Map<string, Graph>;
  /** Member → graph ARN → membership: the member's view. */
  memberships: Map<string, Map<string, MemberRecord>>;
}

export interface DetectiveMemberView {
  status: DetectiveStatus;
  email?: string;
  invitationType: 'ORGANIZATION' | 'INVITATION';
  invitedTime?: string;
  updatedTime: string;
}

export interface DetectiveRegionView {
  graphs: Record<string, { administratorId: string; members: Record<string, DetectiveMemberView> }>;
  accounts: Record<string, { graphs: Record<string, DetectiveStatus> }>;
}

const ROUTES: Record<string, string> = {
  'POST /graphs/list': 'ListGraphs',
  'POST /graph': 'CreateGraph',
  'POST /graph/members': 'CreateMembers',
  'POST /graph/members/get': 'GetMembers',
  'POST /graph/members/list': 'ListMembers',
  'POST /graph/members/removal': 'DeleteMembers',
  'POST /invitations/list': 'ListInvitations',
  'PUT /invitation': 'AcceptInvitation',
  'POST /membership/removal': 'DisassociateMembership',
};

export function detectiveInvalid(message: string): AwsError {
  return new AwsError('ValidationException', 400, message);
}

export class Detective implements ServiceHandler {
  readonly name = 'detective' as const;
  readonly #world: World;
  readonly #regions = new Map<string, RegionState>();
  readonly #guardDutyOn: (accountId: string, region: string) => boolean;

  /** `guardDutyOn` says whether a member has GuardDuty in a Region: without it Detective sees no data volume. */
  constructor(world: World, guardDutyOn: (accountId: string, region: string) => boolean = () => true) {
    this.#world = world;
    this.#guardDutyOn = guardDutyOn;
    for (const region of world.regions)
      this.#regions.set(region, { graphs: new Map(), byArn: new Map(), memberships: new Map() });
    for (const region of world.expand(world.scenario.services.detective.enabledRegions)) {
      this.#createGraph(this.#region(region), world.administratorId, region, world.startedAt);
    }
    for (const account of world.scenario.accounts) {
      const other = account.otherAdministrator?.detective;
      if (other === undefined) continue;
      for (const region of world.regions) {
        if (!world.regionEnabled(account.accountId, region)) continue;
        const state = this.#region(region);
        const graph = state.graphs.get(other) ?? this.#createGraph(state, other, region, world.startedAt);
        this.#addMember(state, graph, {
          accountId: account.accountId,
          email: account.email,
          graph,
          status: 'ENABLED',
          invitationType: 'INVITATION',
          verifiedAt: world.startedAt,
          outcome: 'ENABLED',
          visibleAt: world.startedAt,
          invitedTime: world.startedAt,
          updatedTime: world.startedAt,
        });
      }
    }
  }

  operation({ method, path }: RouteRequest): string | undefined {
    return ROUTES[`${method} ${path}`];
  }

  handle(operation: string, call: Call): object | undefined {
    const state = this.#region(call.region);
    switch (operation) {
      case 'ListGraphs':
        return this.#listGraphs(state, call);
      case 'CreateGraph':
        if (state.graphs.has(call.caller)) throw new AwsError('ConflictException', 409, CONFLICT);
        return { GraphArn: this.#createGraph(state, call.caller, call.region, this.#world.now()).arn };
      case 'CreateMembers':
        return this.#createMembers(state, call);
      case 'GetMembers':
        return this.#getMembers(state, call);
      case 'ListMembers':
        return this.#listMembers(state, call);
      case 'DeleteMembers':
        return this.#deleteMembers(state, call);
      case 'ListInvitations':
        return this.#listInvitations(state, call);
      case 'AcceptInvitation':
        return this.#accept(state, call);
      case 'DisassociateMembership':
        return this.#disassociate(state, call);
      default:
        throw new Error(`unrouted Detective operation ${operation}`);
    }
  }

  inspect(): Record<string, DetectiveRegionView> {
    const world = this.#world;
    const now = world.now();
    const views: Record<string, DetectiveRegionView> = {};
    for (const [region, state] of this.#regions) {
      const graphs: DetectiveRegionView['graphs'] = {};
      for (const graph of state.graphs.values()) {
        const members: Record<string, DetectiveMemberView> = {};
        for (const m of graph.members.values()) {
          settle(m, now);
          members[m.accountId] = {
            status: this.#reported(m).status,
            email: m.email,
            invitationType: m.invitationType,
            invitedTime: m.invitedTime === undefined ? undefined : world.iso(m.invitedTime),
            updatedTime: world.iso(m.updatedTime),
          };
        }
        graphs[graph.arn] = { administratorId: graph.administratorId, members };
      }
      const accounts: DetectiveRegionView['accounts'] = {};
      for (const id of [world.administratorId, ...world.accounts.keys()]) {
        const memberships = state.memberships.get(id);
        accounts[id] = {
          graphs: Object.fromEntries([...(memberships?.values() ?? [])].map((m) => [m.graph.arn, m.status])),
        };
      }
      views[region] = { graphs, accounts };
    }
    return views;
  }

  #region(region: string): RegionState {
    return regionState(this.#regions, region);
  }

  #createGraph(state: RegionState, administratorId: string, region: string, at: number): Graph {
    const graph: Graph = {
      arn: `arn:aws:detective:${region}:${administratorId}:graph:${this.#world.hexId(administratorId, region)}`,
      region,
      administratorId,
      createdAt: at,
      members: new Map(),
    };
    state.graphs.set(administratorId, graph);
    state.byArn.set(graph.arn, graph);
    return graph;
  }

  #addMember(state: RegionState, graph: Graph, member: MemberRecord): void {
    graph.members.set(member.accountId, member);
    let memberships = state.memberships.get(member.accountId);
    if (memberships === undefined) {
      memberships = new Map();
      state.memberships.set(member.accountId, memberships);
    }
    memberships.set(graph.arn, member);
  }

  #removeMember(state: RegionState, graph: Graph, accountId: string): void {
    graph.members.delete(accountId);
    state.memberships.get(accountId)?.delete(graph.arn);
  }

  #graphArn(call: Call): string {
    const arn = call.input.string('GraphArn');
    if (!GRAPH_ARN.test(arn)) throw detectiveInvalid(`GraphArn ${arn} is not a valid behavior graph ARN`);
    return arn;
  }

  /** The caller's own graph named by GraphArn; anything else does not exist for this caller. */
  #ownGraph(state: RegionState, call: Call): Graph {
    const graph = state.byArn.get(this.#graphArn(call));
    if (graph === undefined || graph.administratorId !== call.caller) {
      throw new AwsError('ResourceNotFoundException', 404, NOT_FOUND);
    }
    return graph;
  }

  #accountIds(call: Call, operation: string): string[] {
    const ids = call.input.stringList('AccountIds');
    this.#world.stats.accountList('detective', operation, ids.length);
    checkListLength(ids.length, 'accountIds');
    for (const id of ids)
      if (!ACCOUNT_ID.test(id)) throw detectiveInvalid(`AccountId ${id} must be 12 digits`);
    return ids;
  }

  /**
   * What Detective reports: an enabled member whose GuardDuty is off contributes no data, so it is
   * ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN (docs/aws-facts.md, Amazon GuardDuty).
   */
  #reported(m: MemberRecord): { status: DetectiveStatus; disabledReason?: 'VOLUME_UNKNOWN' } {
    return m.status === 'ENABLED' && !this.#guardDutyOn(m.accountId, m.graph.region)
      ? { status: 'ACCEPTED_BUT_DISABLED', disabledReason: 'VOLUME_UNKNOWN' }
      : { status: m.status };
  }

  #detail(m: MemberRecord): object {
    const world = this.#world;
    const { status, disabledReason } = this.#reported(m);
    return {
      AccountId: m.accountId,
      ...(m.email === undefined ? {} : { EmailAddress: m.email }),
      GraphArn: m.graph.arn,
      MasterId: m.graph.administratorId,
      AdministratorId: m.graph.administratorId,
      Status: status,
      ...(disabledReason === undefined ? {} : { DisabledReason: disabledReason }),
      ...(m.invitedTime === undefined ? {} : { InvitedTime: world.iso(m.invitedTime) }),
      UpdatedTime: world.iso(m.updatedTime),
      InvitationType: m.invitationType,
    };
  }

  #listGraphs(state: RegionState, call: Call): object {
    call.input.optionalInt('MaxResults', 1, 200);
    const graph = state.graphs.get(call.caller);
    // No graph means Detective is not enabled for this account in this Region
    // (docs/aws-facts.md, Amazon Detective).
    return {
      GraphList:
        graph === undefined ? [] : [{ Arn: graph.arn, CreatedTime: this.#world.iso(graph.createdAt) }],
    };
  }

  #createMembers(state: RegionState, call: Call): object {
    const world = this.#world;
    const accounts = call.input.list('Accounts');
    world.stats.accountList('detective', 'CreateMembers', accounts.length);
    // 51 or more is a hard error in Detective, unlike Security Hub (docs/aws-facts.md, Amazon Detective).
    checkListLength(accounts.length, 'accounts');
    const message = call.input.optionalString('Message');
    if (message !== undefined && (message.length < 1 || message.length > 1000)) {
      throw detectiveInvalid('Message must be between 1 and 1000 characters');
    }
    call.input.optionalBoolean('DisableEmailNotification');
    const requested = accounts.map((a) => {
      const { AccountId: id, EmailAddress: email } = (a ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id))
        throw detectiveInvalid('AccountId must be 12 digits');
      if (email !== undefined && (typeof email !== 'string' || email.length < 1 || email.length > 64)) {
        throw detectiveInvalid('EmailAddress must be between 1 and 64 characters');
      }
      return { id, email };
    });
    const graph = this.#ownGraph(state, call);
    const now = world.now();
    const members: object[] = [];
    const unprocessed: { AccountId: string; Reason: string }[] = [];
    for (const { id, email } of requested) {
      const organization = world.managedByOrganization(call.caller, id);
      const reason = world.forced.reasonFor('detective') ?? this.#rejection(graph, id, organization, call);
      if (reason !== undefined) {
        unprocessed.push({ AccountId: id, Reason: reason });
        continue;
      }
      const member = organization
        ? this.#organizationMember(graph, id, email, now)
        : this.#invitedMember(graph, id, email, now, call.region);
      this.#addMember(state, graph, member);
      members.push(this.#detail(member));
    }
    return { Members: members, UnprocessedAccounts: unprocessed };
  }

  /** Why CreateMembers leaves this account unprocessed, if it does. */
  #rejection(graph: Graph, id: string, organization: boolean, call: Call): string | undefined {
    const world = this.#world;
    if (id === call.caller) return DETECTIVE_TEXTS.self;
    if (graph.members.has(id)) return DETECTIVE_TEXTS.alreadyMember;
    if (!world.active(id)) return DETECTIVE_TEXTS.suspended;
    if (!organization) return undefined;
    if (!world.regionEnabled(id, call.region)) return DETECTIVE_TEXTS.regionDisabled;
    if (world.accounts.get(id)?.otherAdministrator?.detective !== undefined)
      return DETECTIVE_TEXTS.otherAdministrator;
    return undefined;
  }

  #organizationMember(graph: Graph, id: string, email: string | undefined, now: number): MemberRecord {
    return {
      accountId: id,
      ...(email === undefined ? {} : { email }),
      graph,
      status: 'ENABLED',
      invitationType: 'ORGANIZATION',
      verifiedAt: now,
      outcome: 'ENABLED',
      visibleAt: now,
      updatedTime: now,
    };
  }

  /**
   * Verification compares the given email with the root email; a mismatch fails that account only
   * (docs/aws-facts.md, Amazon Detective).
   */
  #invitedMember(
    graph: Graph,
    id: string,
    email: string | undefined,
    now: number,
    region: string,
  ): MemberRecord {
    const world = this.#world;
    const account = world.accounts.get(id);
    const rootEmail = account?.detectiveEmail ?? account?.email;
    const verified = rootEmail !== undefined && email?.toLowerCase() === rootEmail.toLowerCase();
    const verifiedAt = world.after(world.scenario.faults.verificationDelaySeconds, now);
    if (verified) {
      world.stats.invitation({
        service: 'detective',
        operation: 'CreateMembers',
        administratorId: graph.administratorId,
        accountId: id,
        region,
        at: world.iso(now),
      });
    }
    const member: MemberRecord = {
      accountId: id,
      ...(email === undefined ? {} : { email }),
      graph,
      status: 'VERIFICATION_IN_PROGRESS',
      invitationType: 'INVITATION',
      verifiedAt,
      outcome: verified ? 'INVITED' : 'VERIFICATION_FAILED',
      visibleAt: world.after(world.scenario.faults.invitationVisibleAfterSeconds, verifiedAt),
      ...(verified ? { invitedTime: verifiedAt } : {}),
      updatedTime: now,
    };
    settle(member, now);
    return member;
  }

  #getMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'GetMembers');
    const graph = this.#ownGraph(state, call);
    const now = this.#world.now();
    const found: object[] = [];
    const unprocessed: { AccountId: string; Reason: string }[] = [];
    for (const id of ids) {
      const m = graph.members.get(id);
      if (m === undefined) {
        unprocessed.push({ AccountId: id, Reason: DETECTIVE_TEXTS.notMember });
      } else {
        settle(m, now);
        found.push(this.#detail(m));
      }
    }
    return { MemberDetails: found, UnprocessedAccounts: unprocessed };
  }

  #listMembers(state: RegionState, call: Call): object {
    const size = call.input.optionalInt('MaxResults', 1, 200) ?? 100;
    const offset = decodeToken(call.input.optionalString('NextToken'), () =>
      detectiveInvalid('Invalid NextToken'),
    );
    const graph = this.#ownGraph(state, call);
    const now = this.#world.now();
    const { items, nextToken } = page([...graph.members.values()], offset, size);
    return {
      MemberDetails: items.map((m) => {
        settle(m, now);
        return this.#detail(m);
      }),
      NextToken: nextToken,
    };
  }

  #deleteMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'DeleteMembers');
    const graph = this.#ownGraph(state, call);
    const deleted: string[] = [];
    const unprocessed: { AccountId: string; Reason: string }[] = [];
    for (const id of ids) {
      if (graph.members.has(id)) {
        this.#removeMember(state, graph, id);
        deleted.push(id);
      } else {
        unprocessed.push({ AccountId: id, Reason: DETECTIVE_TEXTS.notMember });
      }
    }
    return { AccountIds: deleted, UnprocessedAccounts: unprocessed };
  }

  #listInvitations(state: RegionState, call: Call): object {
    const size = call.input.optionalInt('MaxResults', 1, 200) ?? 100;
    const offset = decodeToken(call.input.optionalString('NextToken'), () =>
      detectiveInvalid('Invalid NextToken'),
    );
    const now = this.#world.now();
    // Open and accepted invitations; never the ones still being verified, failed, or not yet delivered.
    const invitations = [...(state.memberships.get(call.caller)?.values() ?? [])].filter((m) => {
      settle(m, now);
      if (m.invitationType !== 'INVITATION') return false;
      return m.status === 'INVITED'
        ? m.visibleAt <= now
        : m.status === 'ENABLED' || m.status === 'ACCEPTED_BUT_DISABLED';
    });
    const { items, nextToken } = page(invitations, offset, size);
    return { Invitations: items.map((m) => this.#detail(m)), NextToken: nextToken };
  }

  /** The caller's membership in the graph named by GraphArn, settled to the current time. */
  #membership(state: RegionState, call: Call): MemberRecord {
    const now = this.#world.now();
    const m = state.memberships.get(call.caller)?.get(this.#graphArn(call));
    if (m !== undefined) settle(m, now);
    if (m === undefined || m.visibleAt > now || m.status === 'VERIFICATION_FAILED') {
      throw new AwsError('ResourceNotFoundException', 404, NOT_FOUND);
    }
    return m;
  }

  #accept(state: RegionState, call: Call): undefined {
    const m = this.#membership(state, call);
    // The member status must be INVITED (docs/aws-facts.md, Amazon Detective).
    if (m.status !== 'INVITED') throw new AwsError('ConflictException', 409, CONFLICT);
    m.status = 'ENABLED';
    m.updatedTime = this.#world.now();
    return undefined;
  }

  #disassociate(state: RegionState, call: Call): undefined {
    const m = this.#membership(state, call);
    // Only an enabled invited member may leave; organization accounts are managed by the administrator.
    if (m.status !== 'ENABLED' || m.invitationType !== 'INVITATION') {
      throw new AwsError('ConflictException', 409, CONFLICT);
    }
    this.#removeMember(state, m.graph, m.accountId);
    return undefined;
  }
}

/** Verification finishes on its own after the scenario's delay; statuses are brought up to date when read. */
function settle(m: MemberRecord, now: number): void {
  if (m.status === 'VERIFICATION_IN_PROGRESS' && now >= m.verifiedAt) {
    m.status = m.outcome;
    m.updatedTime = m.verifiedAt;
  }
}

function checkListLength(length: number, field: string): void {
  if (length < 1 || length > 50) {
    throw detectiveInvalid(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: ` +
        'Member must have length between 1 and 50',
    );
  }
}

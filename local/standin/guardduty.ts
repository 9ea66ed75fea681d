import { INVENTED } from './faults.ts';
import { ACCOUNT_ID, AwsError, decodeToken, page } from './wire.ts';
import { type Call, type RouteRequest, regionState, type ServiceHandler, type World } from './world.ts';

/**
 * The RelationshipStatus words the stand-in uses. The model types the field as a free string
 * (docs/aws-facts.md, Amazon GuardDuty, "Members, detectors and invitations").
 */
export type GuardDutyStatus =
  | 'Created'
  | 'EmailVerificationInProgress'
  | 'EmailVerificationFailed'
  | 'Invited'
  | 'Enabled'
  | 'Removed'
  | 'Resigned';

/**
 * UnprocessedAccounts results. The first four are AWS's own words from its GuardDuty API
 * reference (docs/aws-facts.md, Amazon GuardDuty, "GuardDuty's unprocessed-account texts"); the rest are made
 * up and say so (INVENTED): muster reports them FAILED, as it would any unknown text.
 */
export const GUARDDUTY_TEXTS = {
  self: 'The request is rejected because an account cannot become a member of itself.',
  alreadyMember:
    'The request is rejected because the given account ID is already a member or associated member of the current account.',
  memberLimit:
    'The request is rejected because the current account cannot create anymore members since it cannot exceed the maximum number of allowed members.',
  alreadyInvited:
    'The request is rejected because the current account has already invited or is already the GuardDuty master of the given member account ID.',
  inviteSelf: 'The request is rejected because the current account cannot invite itself.',
  notMember: `${INVENTED}the account is not a member of the current account.`,
  // AWS says an organization account cannot be invited, not how it answers (docs/aws-facts.md, Amazon GuardDuty).
  organizationManaged: `${INVENTED}the account was added through AWS Organizations: only CreateMembers brings it back.`,
  otherAdministrator: `${INVENTED}the account is already a member of another GuardDuty administrator account.`,
  regionDisabled: `${INVENTED}the account has not enabled this Region.`,
  suspended: `${INVENTED}the account is suspended.`,
} as const;

// AWS's descriptions of these errors (GuardDuty API reference; docs/aws-facts.md, Amazon GuardDuty).
const NOT_OWNED = 'The request is rejected because the input detectorId is not owned by the current account.';
const INVALID_DETECTOR = 'The request is rejected because the parameter detectorId has an invalid value.';
const INVALID_VALUES = 'The request is rejected because one or more input parameters have invalid values.';
const DETECTOR_EXISTS = `${INVENTED}a detector already exists for the current account in this Region.`;
const NOT_DELEGATED = `${INVENTED}the current account is not the GuardDuty delegated administrator.`;

/**
 * Invitation-based members per administrator per Region, and every member of a delegated
 * administrator (docs/aws-facts.md, Amazon GuardDuty, "GuardDuty's member limits").
 */
export const GUARDDUTY_INVITED_LIMIT = 1_000;
export const GUARDDUTY_MEMBER_LIMIT = 50_000;

interface Detector {
  id: string;
  accountId: string;
  createdAt: number;
  /** The administrator's member records, by member account. */
  members: Map<string, MemberRecord>;
}

interface MemberRecord {
  accountId: string;
  email: string;
  administrator: Detector;
  status: GuardDutyStatus;
  /** Added by its organization's delegated administrator: enabled without an invitation. */
  organization: boolean;
  /** While EmailVerificationInProgress: when verification ends, and how. */
  verifiedAt: number;
  outcome: 'Invited' | 'EmailVerificationFailed';
  /** When the member can see the invitation (ListInvitations, AcceptAdministratorInvitation). */
  visibleAt: number;
  invitationId?: string;
  invitedAt?: number;
  updatedAt: number;
}

interface RegionState {
  region: string;
  detectors: Map<string, Detector>;
  byId: Map<string, Detector>;
  /** Member → administrator → record: the member's view. */
  memberships: Map<string, Map<string, MemberRecord>>;
}

export interface GuardDutyMemberView {
  status: GuardDutyStatus;
  email: string;
  organization: boolean;
  invitedAt?: string;
  updatedAt: string;
}

export interface GuardDutyRegionView {
  /** Detector id per account that has one (materialized so far, or created). */
  detectors: Record<string, string>;
  administrators: Record<string, { detectorId: string; members: Record<string, GuardDutyMemberView> }>;
}

/** restJson1 paths (docs/aws-facts.md, Amazon GuardDuty, "GuardDuty's wire protocol and errors"). */
const ROUTES: readonly [method: string, path: RegExp, operation: string][] = [
  ['GET', /^\/detector$/, 'ListDetectors'],
  ['POST', /^\/detector$/, 'CreateDetector'],
  ['POST', /^\/detector\/([^/]+)\/member$/, 'CreateMembers'],
  ['GET', /^\/detector\/([^/]+)\/member$/, 'ListMembers'],
  ['POST', /^\/detector\/([^/]+)\/member\/invite$/, 'InviteMembers'],
  ['POST', /^\/detector\/([^/]+)\/member\/get$/, 'GetMembers'],
  ['POST', /^\/detector\/([^/]+)\/member\/disassociate$/, 'DisassociateMembers'],
  ['POST', /^\/detector\/([^/]+)\/member\/delete$/, 'DeleteMembers'],
  ['GET', /^\/detector\/([^/]+)\/admin$/, 'DescribeOrganizationConfiguration'],
  ['POST', /^\/detector\/([^/]+)\/administrator$/, 'AcceptAdministratorInvitation'],
  ['GET', /^\/detector\/([^/]+)\/administrator$/, 'GetAdministratorAccount'],
  ['GET', /^\/invitation$/, 'ListInvitations'],
];

/**
 * GuardDuty's client errors: BadRequestException, the finer type in the body (docs/aws-facts.md,
 * Amazon GuardDuty, "GuardDuty's wire protocol and errors").
 */
export function guardDutyInvalid(message: string): AwsError {
  return new AwsError('BadRequestException', 400, message, { __type: 'InvalidInputException' });
}

const ASSOCIATED: ReadonlySet<GuardDutyStatus> = new Set(['Enabled']);

export class GuardDuty implements ServiceHandler {
  readonly name = 'guardduty' as const;
  readonly #world: World;
  readonly #regions = new Map<string, RegionState>();

  constructor(world: World) {
    this.#world = world;
    for (const region of world.regions)
      this.#regions.set(region, { region, detectors: new Map(), byId: new Map(), memberships: new Map() });
    const guardduty = world.scenario.services.guardduty;
    for (const region of world.expand(guardduty.enabledRegions)) {
      this.#createDetector(this.#region(region), world.administratorId, world.startedAt);
    }
    for (const account of world.scenario.accounts) {
      const other = account.otherAdministrator?.guardduty;
      if (other === undefined) continue;
      for (const region of world.regions) {
        if (!world.regionEnabled(account.accountId, region)) continue;
        const state = this.#region(region);
        const administrator =
          state.detectors.get(other) ?? this.#createDetector(state, other, world.startedAt);
        this.#addMember(state, administrator, {
          accountId: account.accountId,
          email: account.email,
          administrator,
          status: 'Enabled',
          organization: false,
          verifiedAt: world.startedAt,
          outcome: 'Invited',
          visibleAt: world.startedAt,
          invitationId: world.hexId(other, account.accountId, region),
          invitedAt: world.startedAt,
          updatedAt: world.startedAt,
        });
      }
    }
  }

  operation({ method, path }: RouteRequest): string | undefined {
    return ROUTES.find(([m, pattern]) => m === method && pattern.test(path))?.[2];
  }

  handle(operation: string, call: Call): object | undefined {
    const state = this.#region(call.region);
    switch (operation) {
      case 'ListDetectors':
        return this.#listDetectors(state, call);
      case 'CreateDetector':
        return this.#createDetectorCall(state, call);
      case 'CreateMembers':
        return this.#createMembers(state, call);
      case 'ListMembers':
        return this.#listMembers(state, call);
      case 'InviteMembers':
        return this.#inviteMembers(state, call);
      case 'GetMembers':
        return this.#getMembers(state, call);
      case 'DisassociateMembers':
        return this.#disassociateMembers(state, call);
      case 'DeleteMembers':
        return this.#deleteMembers(state, call);
      case 'DescribeOrganizationConfiguration':
        return this.#organizationConfiguration(state, call);
      case 'AcceptAdministratorInvitation':
        return this.#accept(state, call);
      case 'GetAdministratorAccount':
        return this.#administratorOf(state, call);
      case 'ListInvitations':
        return this.#listInvitations(state, call);
      default:
        throw new Error(`unrouted GuardDuty operation ${operation}`);
    }
  }

  /**
   * Whether the account has a GuardDuty detector in the Region: Detective's data volume depends on it.
   * It makes no detector: Detective asks about every member it answers for (17,000 at the default bench).
   */
  enabled(accountId: string, region: string): boolean {
    const state = this.#regions.get(region);
    return state !== undefined && (state.detectors.has(accountId) || this.#onByDefault(accountId, region));
  }

  inspect(): Record<string, GuardDutyRegionView> {
    const world = this.#world;
    const now = world.now();
    const views: Record<string, GuardDutyRegionView> = {};
    for (const [region, state] of this.#regions) {
      const administrators: GuardDutyRegionView['administrators'] = {};
      for (const detector of state.detectors.values()) {
        if (detector.members.size === 0 && detector.accountId !== world.administratorId) continue;
        const members: Record<string, GuardDutyMemberView> = {};
        for (const m of detector.members.values()) {
          settle(m, now);
          members[m.accountId] = {
            status: m.status,
            email: m.email,
            organization: m.organization,
            ...(m.invitedAt === undefined ? {} : { invitedAt: world.iso(m.invitedAt) }),
            updatedAt: world.iso(m.updatedAt),
          };
        }
        administrators[detector.accountId] = { detectorId: detector.id, members };
      }
      const detectors = Object.fromEntries([...state.detectors.values()].map((d) => [d.accountId, d.id]));
      views[region] = { detectors, administrators };
    }
    return views;
  }

  #region(region: string): RegionState {
    return regionState(this.#regions, region);
  }

  #createDetector(state: RegionState, accountId: string, at: number): Detector {
    const detector: Detector = {
      id: this.#world.hexId(accountId, state.region, 'detector'),
      accountId,
      createdAt: at,
      members: new Map(),
    };
    state.detectors.set(accountId, detector);
    state.byId.set(detector.id, detector);
    return detector;
  }

  /**
   * The account's detector. A scenario member has GuardDuty on in every Region it can use unless
   * `guardDutyOff`; its detector is made when first asked for, so large scenarios cost nothing upfront.
   */
  #detectorOf(state: RegionState, accountId: string): Detector | undefined {
    const existing = state.detectors.get(accountId);
    if (existing !== undefined) return existing;
    if (!this.#onByDefault(accountId, state.region)) return undefined;
    return this.#createDetector(state, accountId, this.#world.startedAt);
  }

  /** A scenario member with GuardDuty on where it can use the Region, whose detector is not made yet. */
  #onByDefault(accountId: string, region: string): boolean {
    const world = this.#world;
    const account = world.accounts.get(accountId);
    if (account === undefined || account.guardDutyOff || !world.active(accountId)) return false;
    return world.regionEnabled(accountId, region);
  }

  #addMember(state: RegionState, administrator: Detector, member: MemberRecord): void {
    administrator.members.set(member.accountId, member);
    let memberships = state.memberships.get(member.accountId);
    if (memberships === undefined) {
      memberships = new Map();
      state.memberships.set(member.accountId, memberships);
    }
    memberships.set(administrator.accountId, member);
  }

  #removeMember(state: RegionState, administrator: Detector, accountId: string): void {
    administrator.members.delete(accountId);
    state.memberships.get(accountId)?.delete(administrator.accountId);
  }

  /** The caller's own detector named in the path; anyone else's is "not owned", as AWS says. */
  #ownDetector(state: RegionState, call: Call): Detector {
    const raw = /^\/detector\/([^/]+)/.exec(call.path)?.[1];
    const id = raw === undefined ? '' : decodeURIComponent(raw);
    if (id.length < 1 || id.length > 300) throw guardDutyInvalid(INVALID_DETECTOR);
    this.#detectorOf(state, call.caller);
    const detector = state.byId.get(id);
    if (detector === undefined || detector.accountId !== call.caller) throw guardDutyInvalid(NOT_OWNED);
    return detector;
  }

  #accountIds(call: Call, operation: string): string[] {
    const ids = call.input.stringList('accountIds');
    this.#world.stats.accountList('guardduty', operation, ids.length);
    checkListLength(ids.length, 'accountIds');
    for (const id of ids) if (!ACCOUNT_ID.test(id)) throw guardDutyInvalid(INVALID_VALUES);
    return ids;
  }

  #detail(state: RegionState, m: MemberRecord): object {
    const world = this.#world;
    const detector = state.detectors.get(m.accountId);
    return {
      accountId: m.accountId,
      ...(detector === undefined ? {} : { detectorId: detector.id }),
      masterId: m.administrator.accountId,
      administratorId: m.administrator.accountId,
      email: m.email,
      relationshipStatus: m.status,
      ...(m.invitedAt === undefined ? {} : { invitedAt: world.iso(m.invitedAt) }),
      updatedAt: world.iso(m.updatedAt),
    };
  }

  #listDetectors(state: RegionState, call: Call): object {
    call.input.optionalInt('maxResults', 1, 50);
    decodeToken(call.input.optionalString('nextToken'), () => guardDutyInvalid(INVALID_VALUES));
    const detector = this.#detectorOf(state, call.caller);
    return { detectorIds: detector === undefined ? [] : [detector.id] };
  }

  #createDetectorCall(state: RegionState, call: Call): object {
    const enable = call.input.optionalBoolean('enable');
    if (enable === undefined) throw guardDutyInvalid(INVALID_VALUES);
    // One detector per account per Region (docs/aws-facts.md, Amazon GuardDuty).
    if (this.#detectorOf(state, call.caller) !== undefined) throw guardDutyInvalid(DETECTOR_EXISTS);
    return { detectorId: this.#createDetector(state, call.caller, this.#world.now()).id };
  }

  #createMembers(state: RegionState, call: Call): object {
    const world = this.#world;
    const details = call.input.list('accountDetails');
    world.stats.accountList('guardduty', 'CreateMembers', details.length);
    checkListLength(details.length, 'accountDetails');
    const requested = details.map((d) => {
      const { accountId: id, email } = (d ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) throw guardDutyInvalid(INVALID_VALUES);
      // Email is required, 1 to 64 characters (botocore shapes AccountDetail, Email).
      if (typeof email !== 'string' || email.length < 1 || email.length > 64)
        throw guardDutyInvalid(INVALID_VALUES);
      return { id, email };
    });
    const administrator = this.#ownDetector(state, call);
    const now = world.now();
    const unprocessed: { accountId: string; result: string }[] = [];
    for (const { id, email } of requested) {
      const organization = world.managedByOrganization(call.caller, id);
      const result =
        world.forced.reasonFor('guardduty') ?? this.#rejection(state, administrator, id, organization, call);
      if (result !== undefined) {
        unprocessed.push({ accountId: id, result });
        continue;
      }
      // A delegated administrator's CreateMembers enables GuardDuty in the organization account
      // (docs/aws-facts.md, Amazon GuardDuty): a detector is made for it when it had none.
      if (organization && this.#detectorOf(state, id) === undefined) this.#createDetector(state, id, now);
      this.#addMember(state, administrator, {
        accountId: id,
        email,
        administrator,
        status: organization ? 'Enabled' : 'Created',
        organization,
        verifiedAt: now,
        outcome: 'Invited',
        visibleAt: now,
        updatedAt: now,
      });
    }
    return { unprocessedAccounts: unprocessed };
  }

  /** Why CreateMembers leaves this account unprocessed, if it does. */
  #rejection(
    state: RegionState,
    administrator: Detector,
    id: string,
    organization: boolean,
    call: Call,
  ): string | undefined {
    const world = this.#world;
    if (id === call.caller) return GUARDDUTY_TEXTS.self;
    // A disassociated organization account comes back only through CreateMembers, never InviteMembers
    // (docs/aws-facts.md, Amazon GuardDuty, "Removing members: DisassociateMembers, DeleteMembers, and departures").
    const existing = administrator.members.get(id);
    if (existing !== undefined && !(organization && existing.status === 'Removed'))
      return GUARDDUTY_TEXTS.alreadyMember;
    if (!world.active(id)) return GUARDDUTY_TEXTS.suspended;
    if (administrator.members.size >= GUARDDUTY_MEMBER_LIMIT) return GUARDDUTY_TEXTS.memberLimit;
    if (!organization) {
      const invited = [...administrator.members.values()].filter((m) => !m.organization).length;
      return invited >= GUARDDUTY_INVITED_LIMIT ? GUARDDUTY_TEXTS.memberLimit : undefined;
    }
    if (!world.regionEnabled(id, state.region)) return GUARDDUTY_TEXTS.regionDisabled;
    if (world.accounts.get(id)?.otherAdministrator?.guardduty !== undefined)
      return GUARDDUTY_TEXTS.otherAdministrator;
    return undefined;
  }

  #inviteMembers(state: RegionState, call: Call): object {
    const world = this.#world;
    const ids = this.#accountIds(call, 'InviteMembers');
    call.input.optionalBoolean('disableEmailNotification');
    call.input.optionalString('message');
    const administrator = this.#ownDetector(state, call);
    const now = world.now();
    const unprocessed: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      const m = administrator.members.get(id);
      if (m !== undefined) settle(m, now);
      const result =
        world.forced.reasonFor('guardduty') ??
        (id === call.caller
          ? GUARDDUTY_TEXTS.inviteSelf
          : m === undefined
            ? GUARDDUTY_TEXTS.notMember
            : m.organization
              ? GUARDDUTY_TEXTS.organizationManaged
              : ['Invited', 'Enabled', 'EmailVerificationInProgress'].includes(m.status)
                ? GUARDDUTY_TEXTS.alreadyInvited
                : !world.active(id)
                  ? GUARDDUTY_TEXTS.suspended
                  : undefined);
      if (result !== undefined || m === undefined) {
        unprocessed.push({ accountId: id, result: result ?? GUARDDUTY_TEXTS.notMember });
        continue;
      }
      this.#invite(state, m, now);
    }
    return { unprocessedAccounts: unprocessed };
  }

  /**
   * GuardDuty checks the email given at CreateMembers against the account's root email before it
   * delivers the invitation; a mismatch ends in EmailVerificationFailed for that account only
   * (docs/aws-facts.md, Amazon GuardDuty).
   */
  #invite(state: RegionState, m: MemberRecord, now: number): void {
    const world = this.#world;
    const account = world.accounts.get(m.accountId);
    const rootEmail = account?.detectiveEmail ?? account?.email;
    const verified = rootEmail !== undefined && m.email.toLowerCase() === rootEmail.toLowerCase();
    m.verifiedAt = world.after(world.scenario.faults.verificationDelaySeconds, now);
    m.outcome = verified ? 'Invited' : 'EmailVerificationFailed';
    m.visibleAt = world.after(world.scenario.faults.invitationVisibleAfterSeconds, m.verifiedAt);
    m.status = 'EmailVerificationInProgress';
    m.invitationId = world.hexId(m.administrator.accountId, m.accountId, state.region);
    m.invitedAt = now;
    m.updatedAt = now;
    if (verified) {
      world.stats.invitation({
        service: 'guardduty',
        operation: 'InviteMembers',
        administratorId: m.administrator.accountId,
        accountId: m.accountId,
        region: state.region,
        at: world.iso(now),
      });
    }
    settle(m, now);
  }

  #getMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'GetMembers');
    const administrator = this.#ownDetector(state, call);
    const now = this.#world.now();
    const members: object[] = [];
    const unprocessed: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      const m = administrator.members.get(id);
      if (m === undefined) unprocessed.push({ accountId: id, result: GUARDDUTY_TEXTS.notMember });
      else {
        settle(m, now);
        members.push(this.#detail(state, m));
      }
    }
    return { members, unprocessedAccounts: unprocessed };
  }

  #listMembers(state: RegionState, call: Call): object {
    const size = call.input.optionalInt('maxResults', 1, 50) ?? 50;
    const offset = decodeToken(call.input.optionalString('nextToken'), () =>
      guardDutyInvalid(INVALID_VALUES),
    );
    // A string, not a boolean, in the model; "true" (the default) lists associated members only.
    const onlyAssociated = call.input.optionalString('onlyAssociated') ?? 'true';
    if (onlyAssociated !== 'true' && onlyAssociated !== 'false') throw guardDutyInvalid(INVALID_VALUES);
    const administrator = this.#ownDetector(state, call);
    const now = this.#world.now();
    const listed = [...administrator.members.values()].filter((m) => {
      settle(m, now);
      return onlyAssociated === 'false' || ASSOCIATED.has(m.status);
    });
    const { items, nextToken } = page(listed, offset, size);
    return { members: items.map((m) => this.#detail(state, m)), nextToken };
  }

  #disassociateMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'DisassociateMembers');
    const administrator = this.#ownDetector(state, call);
    const now = this.#world.now();
    const unprocessed: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      const m = administrator.members.get(id);
      if (m === undefined) {
        unprocessed.push({ accountId: id, result: GUARDDUTY_TEXTS.notMember });
        continue;
      }
      // The member's details (its email) stay, so InviteMembers can follow without CreateMembers
      // (docs/aws-facts.md, Amazon GuardDuty).
      m.status = 'Removed';
      m.updatedAt = now;
    }
    return { unprocessedAccounts: unprocessed };
  }

  #deleteMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'DeleteMembers');
    const administrator = this.#ownDetector(state, call);
    const unprocessed: { accountId: string; result: string }[] = [];
    for (const id of ids) {
      if (administrator.members.has(id)) this.#removeMember(state, administrator, id);
      else unprocessed.push({ accountId: id, result: GUARDDUTY_TEXTS.notMember });
    }
    return { unprocessedAccounts: unprocessed };
  }

  #organizationConfiguration(state: RegionState, call: Call): object {
    call.input.optionalInt('maxResults', 1, 50);
    const administrator = this.#ownDetector(state, call);
    const world = this.#world;
    if (!world.scenario.delegatedAdministrator || call.caller !== world.administratorId) {
      throw guardDutyInvalid(NOT_DELEGATED);
    }
    return {
      autoEnable: false,
      autoEnableOrganizationMembers: 'NONE',
      memberAccountLimitReached: administrator.members.size >= GUARDDUTY_MEMBER_LIMIT,
    };
  }

  /** Open invitations to the caller: delivered, not yet accepted. */
  #listInvitations(state: RegionState, call: Call): object {
    const size = call.input.optionalInt('maxResults', 1, 50) ?? 50;
    const offset = decodeToken(call.input.optionalString('nextToken'), () =>
      guardDutyInvalid(INVALID_VALUES),
    );
    const now = this.#world.now();
    const open = [...(state.memberships.get(call.caller)?.values() ?? [])].filter((m) => {
      settle(m, now);
      return m.status === 'Invited' && m.visibleAt <= now;
    });
    const { items, nextToken } = page(open, offset, size);
    return {
      invitations: items.map((m) => ({
        accountId: m.administrator.accountId,
        invitationId: m.invitationId,
        relationshipStatus: m.status,
        ...(m.invitedAt === undefined ? {} : { invitedAt: this.#world.iso(m.invitedAt) }),
      })),
      nextToken,
    };
  }

  #accept(state: RegionState, call: Call): object {
    this.#ownDetector(state, call);
    const administratorId = call.input.string('administratorId');
    const invitationId = call.input.string('invitationId');
    const now = this.#world.now();
    const memberships = [...(state.memberships.get(call.caller)?.values() ?? [])];
    for (const m of memberships) settle(m, now);
    // A member has one administrator (docs/aws-facts.md, Amazon GuardDuty).
    const bound = memberships.find((m) => ASSOCIATED.has(m.status));
    const m = memberships.find((r) => r.administrator.accountId === administratorId);
    if (
      m === undefined ||
      m.invitationId !== invitationId ||
      m.status !== 'Invited' ||
      m.visibleAt > now ||
      (bound !== undefined && bound !== m)
    ) {
      throw guardDutyInvalid(INVALID_VALUES);
    }
    m.status = 'Enabled';
    m.updatedAt = now;
    return {};
  }

  /** The administrator the caller is bound to; none is an empty answer, as moto gives too. */
  #administratorOf(state: RegionState, call: Call): object {
    this.#ownDetector(state, call);
    const now = this.#world.now();
    const memberships = [...(state.memberships.get(call.caller)?.values() ?? [])];
    for (const m of memberships) settle(m, now);
    const m = memberships.find((r) => ASSOCIATED.has(r.status));
    if (m === undefined) return {};
    return {
      administrator: {
        accountId: m.administrator.accountId,
        ...(m.invitationId === undefined ? {} : { invitationId: m.invitationId }),
        relationshipStatus: m.status,
        ...(m.invitedAt === undefined ? {} : { invitedAt: this.#world.iso(m.invitedAt) }),
      },
    };
  }
}

/** Verification finishes on its own after the scenario's delay; statuses are brought up to date when read. */
function settle(m: MemberRecord, now: number): void {
  if (m.status === 'EmailVerificationInProgress' && now >= m.verifiedAt) {
    m.status = m.outcome;
    m.updatedAt = m.verifiedAt;
  }
}

function checkListLength(length: number, field: string): void {
  // 51 or more is an error in GuardDuty, unlike Security Hub (botocore shapes AccountIds, AccountDetails).
  if (length < 1 || length > 50) {
    throw guardDutyInvalid(
      `The request is rejected because an invalid or out-of-range value is specified as an input parameter (${field}).`,
    );
  }
}

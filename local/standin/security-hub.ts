import { INVENTED, MAXIMUM_EXCEEDED } from './faults.ts';
import { ACCOUNT_ID, AwsError, decodeToken, type Input, page } from './wire.ts';
import { type Call, type RouteRequest, regionState, type ServiceHandler, type World } from './world.ts';

/** MemberStatus words as the Security Hub API reference documents them (docs/aws-facts.md, Security Hub). */
export type SecurityHubStatus =
  | 'Created'
  | 'Invited'
  | 'Enabled'
  | 'Removed'
  | 'Resigned'
  | 'Deleted'
  | 'AccountSuspended';

/**
 * ProcessingResult texts. The first two are AWS's own, as a public report quotes them (README,
 * "Unprocessed-account texts"); AWS publishes none for the other cases, so those are made up and
 * say so (INVENTED): muster must report them as failures, as it would any text it does not know.
 */
export const SECURITY_HUB_TEXTS = {
  alreadyMember:
    'The request is rejected because the given account ID is already a member or associated member of the current account.',
  maximumExceeded: MAXIMUM_EXCEEDED,
  alreadyInvited: `${INVENTED}the account is already invited.`,
  notMember: `${INVENTED}the account is not a member of the current account.`,
  self: `${INVENTED}the account is the current account.`,
  otherAdministrator: `${INVENTED}the account is associated with a different administrator account.`,
  regionDisabled: `${INVENTED}the account has not enabled this Region.`,
  suspended: `${INVENTED}the account is suspended.`,
  alreadyAssociated: `${INVENTED}the account is already associated with the current account.`,
  organizationManaged: `${INVENTED}the account is managed through AWS Organizations. Use CreateMembers.`,
  stillAssociated: `${INVENTED}the account is still associated. Disassociate it first.`,
} as const;

interface MemberRecord {
  accountId: string;
  email?: string;
  status: SecurityHubStatus;
  organization: boolean;
  invitedAt?: number;
  updatedAt: number;
}

interface InvitationRecord {
  administratorId: string;
  invitationId: string;
  invitedAt: number;
  visibleAt: number;
}

interface Association {
  administratorId: string;
  invitationId?: string;
  invitedAt?: number;
}

interface RegionState {
  /** Accounts with Security Hub enabled, and since when. */
  hubs: Map<string, number>;
  /** Administrator → member → membership, the administrator's view. */
  members: Map<string, Map<string, MemberRecord>>;
  /** Member → its current administrator, the member's view. */
  administrators: Map<string, Association>;
  /** Member → administrator → pending invitation. */
  invitations: Map<string, Map<string, InvitationRecord>>;
}

export interface SecurityHubMemberView {
  status: SecurityHubStatus;
  email?: string;
  organization: boolean;
  invitedAt?: string;
  updatedAt: string;
}

export interface SecurityHubAccountView {
  hubEnabled: boolean;
  administratorId?: string;
  invitations: { administratorId: string; invitationId: string; invitedAt: string; visible: boolean }[];
}

export interface SecurityHubRegionView {
  administrators: Record<string, Record<string, SecurityHubMemberView>>;
  accounts: Record<string, SecurityHubAccountView>;
}

/** Members per administrator per Region: invitation-based, and in all (docs/aws-facts.md, Security Hub). */
const SECURITY_HUB_LIMITS = { invitationMembers: 1_000, members: 10_000 } as const;

const ROUTES: Record<string, string> = {
  'POST /accounts': 'EnableSecurityHub',
  'GET /accounts': 'DescribeHub',
  'POST /members': 'CreateMembers',
  'GET /members': 'ListMembers',
  'POST /members/get': 'GetMembers',
  'POST /members/invite': 'InviteMembers',
  'POST /members/disassociate': 'DisassociateMembers',
  'POST /members/delete': 'DeleteMembers',
  'GET /invitations': 'ListInvitations',
  'POST /administrator': 'AcceptAdministratorInvitation',
  'POST /master': 'AcceptInvitation',
  'GET /administrator': 'GetAdministratorAccount',
  'POST /administrator/disassociate': 'DisassociateFromAdministratorAccount',
  'GET /organization/configuration': 'DescribeOrganizationConfiguration',
};

export function securityHubInvalid(message: string): AwsError {
  return new AwsError('InvalidInputException', 400, message);
}

export class SecurityHub implements ServiceHandler {
  readonly name = 'securityhub' as const;
  readonly #world: World;
  readonly #regions = new Map<string, RegionState>();

  constructor(world: World) {
    this.#world = world;
    const scenario = world.scenario;
    for (const region of world.regions) {
      this.#regions.set(region, {
        hubs: new Map(),
        members: new Map(),
        administrators: new Map(),
        invitations: new Map(),
      });
    }
    for (const region of world.expand(scenario.services.securityhub.enabledRegions)) {
      this.#region(region).hubs.set(world.administratorId, world.startedAt);
    }
    for (const account of scenario.accounts) {
      for (const region of world.expand(account.securityHubEnabledRegions)) {
        if (world.regionEnabled(account.accountId, region))
          this.#region(region).hubs.set(account.accountId, world.startedAt);
      }
      const other = account.otherAdministrator?.securityhub;
      if (other === undefined) continue;
      for (const region of world.regions) {
        if (!world.regionEnabled(account.accountId, region)) continue;
        const state = this.#region(region);
        state.hubs.set(account.accountId, world.startedAt);
        state.hubs.set(other, world.startedAt);
        this.#membersOf(state, other).set(account.accountId, {
          accountId: account.accountId,
          status: 'Enabled',
          organization: false,
          invitedAt: world.startedAt,
          updatedAt: world.startedAt,
        });
        state.administrators.set(account.accountId, {
          administratorId: other,
          invitationId: world.hexId(other, account.accountId, region),
          invitedAt: world.startedAt,
        });
      }
    }
  }

  operation({ method, path }: RouteRequest): string | undefined {
    return ROUTES[`${method} ${path}`];
  }

  handle(operation: string, call: Call): object | undefined {
    const state = this.#region(call.region);
    if (operation === 'EnableSecurityHub') return this.#enable(state, call);
    if (!state.hubs.has(call.caller)) {
      throw new AwsError(
        'InvalidAccessException',
        401,
        `Account ${call.caller} is not subscribed to AWS Security Hub`,
      );
    }
    switch (operation) {
      case 'DescribeHub':
        return {
          HubArn: `arn:aws:securityhub:${call.region}:${call.caller}:hub/default`,
          SubscribedAt: this.#world.iso(state.hubs.get(call.caller) ?? 0),
          AutoEnableControls: true,
          ControlFindingGenerator: 'SECURITY_CONTROL',
        };
      case 'CreateMembers':
        return this.#createMembers(state, call);
      case 'InviteMembers':
        return this.#inviteMembers(state, call);
      case 'GetMembers':
        return this.#getMembers(state, call);
      case 'ListMembers':
        return this.#listMembers(state, call);
      case 'DescribeOrganizationConfiguration':
        return this.#describeOrganizationConfiguration(state, call);
      case 'DisassociateMembers':
        return this.#disassociateMembers(state, call);
      case 'DeleteMembers':
        return this.#deleteMembers(state, call);
      case 'ListInvitations':
        return this.#listInvitations(state, call);
      case 'AcceptAdministratorInvitation':
        return this.#accept(state, call, call.input.string('AdministratorId'));
      case 'AcceptInvitation':
        return this.#accept(state, call, call.input.string('MasterId'));
      case 'GetAdministratorAccount':
        return this.#getAdministrator(state, call);
      case 'DisassociateFromAdministratorAccount':
        return this.#disassociateFromAdministrator(state, call);
      default:
        throw new Error(`unrouted Security Hub operation ${operation}`);
    }
  }

  inspect(): Record<string, SecurityHubRegionView> {
    const world = this.#world;
    const accountIds = [world.administratorId, ...world.accounts.keys()];
    const views: Record<string, SecurityHubRegionView> = {};
    for (const [region, state] of this.#regions) {
      const administrators: SecurityHubRegionView['administrators'] = {};
      for (const [adminId, members] of state.members) {
        administrators[adminId] = Object.fromEntries(
          [...members].map(([id, m]) => [
            id,
            {
              status: m.status,
              email: m.email,
              organization: m.organization,
              invitedAt: m.invitedAt === undefined ? undefined : world.iso(m.invitedAt),
              updatedAt: world.iso(m.updatedAt),
            },
          ]),
        );
      }
      const accounts: SecurityHubRegionView['accounts'] = {};
      for (const id of new Set([...accountIds, ...state.hubs.keys()])) {
        accounts[id] = {
          hubEnabled: state.hubs.has(id),
          administratorId: state.administrators.get(id)?.administratorId,
          invitations: [...(state.invitations.get(id)?.values() ?? [])].map((i) => ({
            administratorId: i.administratorId,
            invitationId: i.invitationId,
            invitedAt: world.iso(i.invitedAt),
            visible: i.visibleAt <= Date.now(),
          })),
        };
      }
      views[region] = { administrators, accounts };
    }
    return views;
  }

  #region(region: string): RegionState {
    return regionState(this.#regions, region);
  }

  #membersOf(state: RegionState, administratorId: string): Map<string, MemberRecord> {
    let members = state.members.get(administratorId);
    if (members === undefined) {
      members = new Map();
      state.members.set(administratorId, members);
    }
    return members;
  }

  #enable(state: RegionState, call: Call): object {
    if (state.hubs.has(call.caller)) {
      throw new AwsError('ResourceConflictException', 409, 'Account is already subscribed to Security Hub');
    }
    state.hubs.set(call.caller, this.#world.now());
    return {};
  }

  /** Reads an AccountIds list, records its length, and rejects malformed ids before anything changes. */
  #accountIds(call: Call, operation: string): string[] {
    const ids = call.input.stringList('AccountIds');
    this.#world.stats.accountList('securityhub', operation, ids.length);
    if (ids.length === 0) throw securityHubInvalid('AccountIds must contain at least one account ID');
    for (const id of ids) checkAccountId(call.input, id);
    return ids;
  }

  #createMembers(state: RegionState, call: Call): object {
    const world = this.#world;
    const details = call.input.list('AccountDetails');
    world.stats.accountList('securityhub', 'CreateMembers', details.length);
    if (details.length === 0) throw securityHubInvalid('AccountDetails must contain at least one account');
    const requested = details.map((d) => {
      if (typeof d !== 'object' || d === null)
        throw securityHubInvalid('AccountDetails entries must be objects');
      const { AccountId: id, Email: email } = d as Record<string, unknown>;
      if (typeof id !== 'string') throw securityHubInvalid('AccountId is required');
      checkAccountId(call.input, id);
      if (email !== undefined && typeof email !== 'string')
        throw securityHubInvalid('Email must be a string');
      return { id, email };
    });
    const members = this.#membersOf(state, call.caller);
    const now = world.now();
    const unprocessed: { AccountId: string; ProcessingResult: string }[] = [];
    const reject = (id: string, text: string) => unprocessed.push({ AccountId: id, ProcessingResult: text });
    for (const [index, { id, email }] of requested.entries()) {
      if (index >= 50) {
        reject(id, SECURITY_HUB_TEXTS.maximumExceeded);
        continue;
      }
      const forced = world.forced.reasonFor('securityhub');
      if (forced !== undefined) {
        reject(id, forced);
        continue;
      }
      if (id === call.caller) {
        reject(id, SECURITY_HUB_TEXTS.self);
        continue;
      }
      const organization = world.managedByOrganization(call.caller, id);
      const existing = members.get(id);
      // Organization accounts that were disassociated come back through CreateMembers
      // (docs/aws-facts.md, Security Hub).
      const reusable =
        existing === undefined ||
        existing.status === 'Deleted' ||
        (organization && existing.status === 'Removed');
      if (!reusable) {
        reject(id, SECURITY_HUB_TEXTS.alreadyMember);
        continue;
      }
      const suspended = !world.active(id);
      if (organization && !suspended) {
        if (!world.regionEnabled(id, call.region)) {
          reject(id, SECURITY_HUB_TEXTS.regionDisabled);
          continue;
        }
        const current = state.administrators.get(id);
        if (current !== undefined && current.administratorId !== call.caller) {
          reject(id, SECURITY_HUB_TEXTS.otherAdministrator);
          continue;
        }
        // Organization accounts are enabled at once, their hub turned on if it was off
        // (docs/aws-facts.md, Security Hub).
        if (!state.hubs.has(id)) state.hubs.set(id, now);
        state.administrators.set(id, { administratorId: call.caller });
      }
      const enabled = organization && !suspended;
      members.set(id, {
        accountId: id,
        ...(email === undefined ? {} : { email }),
        status: suspended ? 'AccountSuspended' : enabled ? 'Enabled' : 'Created',
        organization,
        // Organization accounts are added, not invited, but AWS (and moto) still report when that happened.
        ...(enabled ? { invitedAt: now } : {}),
        updatedAt: now,
      });
    }
    return { UnprocessedAccounts: unprocessed };
  }

  #inviteMembers(state: RegionState, call: Call): object {
    const world = this.#world;
    const ids = this.#accountIds(call, 'InviteMembers');
    const members = this.#membersOf(state, call.caller);
    const now = world.now();
    const unprocessed: { AccountId: string; ProcessingResult: string }[] = [];
    for (const id of ids) {
      const member = members.get(id);
      const text = world.forced.reasonFor('securityhub') ?? invitationBlocker(member);
      if (member === undefined || text !== undefined) {
        unprocessed.push({ AccountId: id, ProcessingResult: text ?? SECURITY_HUB_TEXTS.notMember });
        continue;
      }
      // Created, Removed or Resigned: (re-)send the invitation (docs/aws-facts.md, Security Hub).
      member.status = 'Invited';
      member.invitedAt = now;
      member.updatedAt = now;
      let pending = state.invitations.get(id);
      if (pending === undefined) {
        pending = new Map();
        state.invitations.set(id, pending);
      }
      pending.set(call.caller, {
        administratorId: call.caller,
        invitationId: world.hexId(call.caller, id, call.region),
        invitedAt: now,
        visibleAt: world.after(world.scenario.faults.invitationVisibleAfterSeconds, now),
      });
      world.stats.invitation({
        service: 'securityhub',
        operation: 'InviteMembers',
        administratorId: call.caller,
        accountId: id,
        region: call.region,
        at: world.iso(now),
      });
    }
    return { UnprocessedAccounts: unprocessed };
  }

  #memberShape(administratorId: string, m: MemberRecord): object {
    const world = this.#world;
    return {
      AccountId: m.accountId,
      ...(m.email === undefined ? {} : { Email: m.email }),
      MasterId: administratorId,
      AdministratorId: administratorId,
      MemberStatus: m.status,
      ...(m.invitedAt === undefined ? {} : { InvitedAt: world.iso(m.invitedAt) }),
      UpdatedAt: world.iso(m.updatedAt),
    };
  }

  #getMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'GetMembers');
    const members = state.members.get(call.caller);
    const found: object[] = [];
    const unprocessed: { AccountId: string; ProcessingResult: string }[] = [];
    for (const id of ids) {
      const m = members?.get(id);
      // Deleted members are not returned (not verified: docs/aws-facts.md, Security Hub).
      if (m === undefined || m.status === 'Deleted') {
        unprocessed.push({ AccountId: id, ProcessingResult: SECURITY_HUB_TEXTS.notMember });
      } else {
        found.push(this.#memberShape(call.caller, m));
      }
    }
    return { Members: found, UnprocessedAccounts: unprocessed };
  }

  /**
   * Only Security Hub's delegated administrator may read it; AWS answers anyone else with
   * InvalidAccessException "... is not an administrator for this organization" (docs/aws-facts.md, Security Hub).
   */
  #describeOrganizationConfiguration(state: RegionState, call: Call): object {
    const world = this.#world;
    if (call.caller !== world.administratorId || !world.scenario.delegatedAdministrator) {
      throw new AwsError(
        'InvalidAccessException',
        401,
        `Account ${call.caller} is not an administrator for this organization`,
      );
    }
    const members = [...(state.members.get(call.caller)?.values() ?? [])].filter(
      (m) => m.status !== 'Deleted',
    );
    const invited = members.filter((m) => !world.managedByOrganization(call.caller, m.accountId)).length;
    const central = world.scenario.services.securityhub.configurationType === 'CENTRAL';
    return {
      // Under central configuration AutoEnable is false and AutoEnableStandards NONE (the API model says so).
      AutoEnable: false,
      MemberAccountLimitReached:
        invited >= SECURITY_HUB_LIMITS.invitationMembers || members.length >= SECURITY_HUB_LIMITS.members,
      AutoEnableStandards: central ? 'NONE' : 'DEFAULT',
      OrganizationConfiguration: { ConfigurationType: central ? 'CENTRAL' : 'LOCAL', Status: 'ENABLED' },
    };
  }

  #listMembers(state: RegionState, call: Call): object {
    // OnlyAssociated defaults to true: only Enabled members unless the caller asks for all
    // (docs/aws-facts.md, Security Hub).
    const onlyAssociated = call.input.optionalBoolean('OnlyAssociated') ?? true;
    const size = call.input.optionalInt('MaxResults', 1, 50) ?? 50;
    const offset = decodeToken(call.input.optionalString('NextToken'), () =>
      securityHubInvalid('The NextToken value is not valid.'),
    );
    const all = [...(state.members.get(call.caller)?.values() ?? [])].filter(
      (m) => m.status !== 'Deleted' && (!onlyAssociated || m.status === 'Enabled'),
    );
    const { items, nextToken } = page(all, offset, size);
    return { Members: items.map((m) => this.#memberShape(call.caller, m)), NextToken: nextToken };
  }

  #disassociateMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'DisassociateMembers');
    const members = state.members.get(call.caller);
    const now = this.#world.now();
    for (const id of ids) {
      const m = members?.get(id);
      if (m === undefined || (m.status !== 'Enabled' && m.status !== 'Invited')) continue;
      m.status = 'Removed';
      m.updatedAt = now;
      if (state.administrators.get(id)?.administratorId === call.caller) state.administrators.delete(id);
      state.invitations.get(id)?.delete(call.caller);
    }
    return {};
  }

  #deleteMembers(state: RegionState, call: Call): object {
    const ids = this.#accountIds(call, 'DeleteMembers');
    const members = state.members.get(call.caller);
    const now = this.#world.now();
    const unprocessed: { AccountId: string; ProcessingResult: string }[] = [];
    for (const id of ids) {
      const m = members?.get(id);
      // A member that has left the organization is no longer organization-managed (not verified:
      // docs/aws-facts.md, Security Hub, "Removing members").
      const text = deletionBlocker(m, this.#world.inOrganization(id));
      if (m === undefined || text !== undefined) {
        unprocessed.push({ AccountId: id, ProcessingResult: text ?? SECURITY_HUB_TEXTS.notMember });
        continue;
      }
      m.status = 'Deleted';
      m.updatedAt = now;
      state.invitations.get(id)?.delete(call.caller);
    }
    return { UnprocessedAccounts: unprocessed };
  }

  #listInvitations(state: RegionState, call: Call): object {
    const world = this.#world;
    const size = call.input.optionalInt('MaxResults', 1, 50) ?? 50;
    const offset = decodeToken(call.input.optionalString('NextToken'), () =>
      securityHubInvalid('The NextToken value is not valid.'),
    );
    const now = world.now();
    const visible = [...(state.invitations.get(call.caller)?.values() ?? [])].filter(
      (i) => i.visibleAt <= now,
    );
    const { items, nextToken } = page(visible, offset, size);
    return {
      // Invitation.AccountId is the administrator's account id (docs/aws-facts.md, Security Hub).
      Invitations: items.map((i) => ({
        AccountId: i.administratorId,
        InvitationId: i.invitationId,
        InvitedAt: world.iso(i.invitedAt),
        MemberStatus: 'Invited',
      })),
      NextToken: nextToken,
    };
  }

  #accept(state: RegionState, call: Call, administratorId: string): object {
    const invitationId = call.input.string('InvitationId');
    const current = state.administrators.get(call.caller);
    if (current?.administratorId === administratorId) return {};
    // A member accepts one administrator (docs/aws-facts.md, Security Hub); AWS's error and words are unpublished.
    if (current !== undefined) {
      throw securityHubInvalid(
        `${INVENTED}the account is already associated with administrator account ${current.administratorId}.`,
      );
    }
    const ownMembers = state.members.get(call.caller);
    if (ownMembers !== undefined && [...ownMembers.values()].some((m) => m.status !== 'Deleted')) {
      throw securityHubInvalid(`${INVENTED}an administrator account cannot accept an invitation.`);
    }
    const invitation = state.invitations.get(call.caller)?.get(administratorId);
    if (
      invitation === undefined ||
      invitation.invitationId !== invitationId ||
      invitation.visibleAt > Date.now()
    ) {
      throw new AwsError('ResourceNotFoundException', 404, `Invitation ${invitationId} was not found.`);
    }
    const member = state.members.get(administratorId)?.get(call.caller);
    if (member !== undefined) {
      member.status = 'Enabled';
      member.updatedAt = this.#world.now();
    }
    state.administrators.set(call.caller, {
      administratorId,
      invitationId: invitation.invitationId,
      invitedAt: invitation.invitedAt,
    });
    state.invitations.get(call.caller)?.delete(administratorId);
    return {};
  }

  #getAdministrator(state: RegionState, call: Call): object {
    const current = state.administrators.get(call.caller);
    if (current === undefined) return {};
    return {
      Administrator: {
        AccountId: current.administratorId,
        ...(current.invitationId === undefined ? {} : { InvitationId: current.invitationId }),
        ...(current.invitedAt === undefined ? {} : { InvitedAt: this.#world.iso(current.invitedAt) }),
        MemberStatus: 'Enabled',
      },
    };
  }

  #disassociateFromAdministrator(state: RegionState, call: Call): object {
    const current = state.administrators.get(call.caller);
    if (current === undefined) return {};
    const member = state.members.get(current.administratorId)?.get(call.caller);
    // Only invited members may leave on their own (docs/aws-facts.md, Security Hub).
    if (member?.organization === true) {
      throw securityHubInvalid(
        'The request is rejected because the account is managed by its organization administrator and cannot disassociate itself.',
      );
    }
    if (member !== undefined) {
      member.status = 'Resigned';
      member.updatedAt = this.#world.now();
    }
    state.administrators.delete(call.caller);
    return {};
  }
}

function checkAccountId(input: Input, id: string): void {
  // Security Hub's model gives AccountId no pattern; the stand-in is strict so a 13-digit id never slips by.
  if (!ACCOUNT_ID.test(id))
    throw input.fail(`Invalid account ID: ${id}. An account ID is exactly 12 digits.`);
}

/** Why InviteMembers leaves this member unprocessed; undefined for Created, Removed and Resigned (re-invite). */
function invitationBlocker(member: MemberRecord | undefined): string | undefined {
  if (member === undefined || member.status === 'Deleted') return SECURITY_HUB_TEXTS.notMember;
  if (member.organization) return SECURITY_HUB_TEXTS.organizationManaged;
  switch (member.status) {
    case 'Invited':
      return SECURITY_HUB_TEXTS.alreadyInvited;
    case 'Enabled':
      return SECURITY_HUB_TEXTS.alreadyAssociated;
    case 'AccountSuspended':
      return SECURITY_HUB_TEXTS.suspended;
    default:
      return undefined;
  }
}

/** Why DeleteMembers leaves this member unprocessed: organization members stay, enabled ones must be disassociated. */
function deletionBlocker(member: MemberRecord | undefined, inOrganization: boolean): string | undefined {
  if (member === undefined || member.status === 'Deleted') return SECURITY_HUB_TEXTS.notMember;
  if (member.organization && inOrganization) return SECURITY_HUB_TEXTS.organizationManaged;
  return member.status === 'Enabled' ? SECURITY_HUB_TEXTS.stillAssociated : undefined;
}

import { InvalidInputError } from '../errors.ts';
import { describeValue } from './account-id.ts';
import type { Outcome } from './outcomes.ts';

export const SERVICE_NAMES = ['securityhub', 'detective', 'guardduty'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * What muster knows of a service without calling it: pure values, so domain code reads them. The
 * adapters that call the service join these in services/registry.ts.
 */
export interface ServiceRules {
  /** The service's name in texts people read. */
  label: string;
  /**
   * The AWS SDK's id of the service's API ("SecurityHub"): muster's token buckets are keyed by it, one
   * per account, Region and API as AWS keeps them (docs/aws-facts.md, Pacing: a token bucket per
   * account, Region and service).
   */
  sdkServiceId: string;
  /** The service's member status words, lower-cased without separators, and the outcome each means. */
  statuses: Readonly<Record<string, Outcome>>;
  /** The reason an outcome carries for this service, when the outcome alone does not say why. */
  reasons: Partial<Record<Outcome, (detail: string | undefined) => string>>;
  /** CreateMembers does not invite: an invitation is a call of its own (InviteMembers). */
  invitesSeparately: boolean;
  /** CreateMembers needs the member's root email. */
  requiresEmail: boolean;
  /**
   * Outcomes from which an organization account comes back only through CreateMembers: AWS refuses
   * to invite it (docs/aws-facts.md, Security Hub; Amazon GuardDuty, "Removing members"). Empty for
   * a service that lists no such member (Detective leaves a removed organization account out).
   */
  recreatedInOrganization: readonly Outcome[];
  /**
   * Why the service would refuse `email` by refusing the whole call of 50 it rides in (Detective's
   * pattern): every email is held to it where it enters (input, CSV; an address read from AWS that
   * fails it counts as none), whichever services a run names. Never repeats the address.
   */
  inputEmailProblem?: (email: string) => string | undefined;
  /**
   * Why the service would refuse `email` as a member's address, when its rules are stricter than
   * those every email meets on input (inputEmailProblem); checked before CreateMembers, so one
   * address fails its own account rather than the call of 50 it would ride in. Never repeats the address.
   */
  emailProblem?: (email: string) => string | undefined;
  /** Onboarded and read when neither the input nor the stack's Services parameter names services (template.yaml's default). */
  onByDefault: boolean;
  /** Why no membership can be made where the administrator has not enabled the service in the Region. */
  notEnabledReason: string;
  /**
   * The administrator's home in a Region (a behavior graph ARN, a detector id) names what the member
   * accepts, so the member side cannot work without it.
   */
  memberNeedsHome: boolean;
  /** Why `home` cannot be this service's home of `administratorId` in `region`; undefined when it can be. */
  homeProblem(home: string, region: string, administratorId?: string): string | undefined;
  /** The administrator's reads the first step makes, as IAM names them (a denial names what to allow). */
  planReads: { locate: string; memberIds: string; organization?: string };
  /** The administrator's calls that end a membership, in the order its remover makes them. */
  removeCalls: readonly string[];
  /**
   * The members an administrator may have in a Region: `invited` counts those the service invites
   * (all of them where the administrator is not its delegated administrator), `all` counts every member.
   */
  memberLimit: { limit: number; counts: 'invited' | 'all'; holder: string; members: string };
  /**
   * An outcome of this service that another service's membership of the same account and Region
   * explains (Detective's VOLUME_UNKNOWN: GuardDuty off in the member), when both are onboarded.
   */
  explainedBy?: { service: ServiceName; outcome: Outcome; reasonStartsWith: string };
  /** The environment variable of the stack parameter that turns the service's invitation emails off. */
  disableEmailNotificationVariable?: string;
  /** The longest invitation message (the stack's InvitationMessage) the service takes, where it caps it. */
  invitationMessageLimit?: number;
}

// GuardDuty's AccountDetail.Email rules as its API model words them (docs/aws-facts.md, Amazon
// GuardDuty, "Member email addresses"): 6 to 64 7-bit ASCII characters, one @, a local name without
// whitespace or " ' ( ) < > [ ] : , \\ | % & that does not start with a dot, and a domain name of
// letters, digits, hyphens and dots, with a dot, starting and ending with neither a dot nor a hyphen.
const GUARDDUTY_LOCAL = /^(?!\.)[^\s"'()<>[\]:,\\|%&@]+$/;
const GUARDDUTY_DOMAIN = /^(?![.-])[A-Za-z0-9.-]*\.[A-Za-z0-9.-]*(?<![.-])$/;

function guardDutyEmailProblem(email: string): string | undefined {
  if (email.length < 6 || email.length > 64) return `the email has ${email.length} characters, not 6 to 64`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is 7-bit ASCII, control characters included.
  if (!/^[\x00-\x7f]*$/.test(email)) return 'the email has a character outside 7-bit ASCII';
  const [local = '', domain, ...more] = email.split('@');
  if (domain === undefined || more.length > 0)
    return domain === undefined ? 'the email has no @' : 'the email has more than one @';
  if (!GUARDDUTY_LOCAL.test(local))
    return 'the part before the @ starts with a dot or has a space or one of " \' ( ) < > [ ] : , \\ | % &';
  if (!GUARDDUTY_DOMAIN.test(domain))
    return 'the domain is not letters, digits, hyphens and dots with a dot, starting and ending with neither a dot nor a hyphen';
  return undefined;
}

// Detective's EmailAddress (docs/aws-facts.md, Amazon Detective, "Member email addresses"): at most
// 64 characters and its API model's pattern, which requires a top-level domain of 2 to 63 letters.
const DETECTIVE_EMAIL_MAX_LENGTH = 64;
const DETECTIVE_EMAIL = /^.+@(?:(?:(?!-)[A-Za-z0-9-]{1,62})?[A-Za-z0-9]{1}\.)+[A-Za-z]{2,63}$/;

function detectiveEmailProblem(email: string): string | undefined {
  if (email.length > DETECTIVE_EMAIL_MAX_LENGTH)
    return `the email has ${email.length} characters; Detective takes at most ${DETECTIVE_EMAIL_MAX_LENGTH}`;
  if (!DETECTIVE_EMAIL.test(email))
    return 'the email is not an address Detective accepts (name@domain.tld, the top-level domain 2 to 63 letters)';
  return undefined;
}

// docs/aws-facts.md, Amazon Detective: arn:aws[-\w]{0,10}?:detective:<region>:<12 digits>:graph:<32 hex>.
export const GRAPH_ARN = /^arn:aws[-\w]{0,10}:detective:([a-z0-9-]+):(\d{12}):graph:[0-9a-f]{32}$/;

export const SERVICE_RULES: Readonly<Record<ServiceName, ServiceRules>> = {
  securityhub: {
    label: 'Security Hub',
    sdkServiceId: 'SecurityHub',
    statuses: {
      created: 'PENDING_INVITATION',
      invited: 'PENDING_ACCEPTANCE',
      enabled: 'ENABLED',
      // Security Hub said Associated before November 2020; it means Enabled (docs/aws-facts.md, Security Hub).
      associated: 'ENABLED',
      removed: 'REMOVED',
      resigned: 'RESIGNED',
      deleted: 'NOT_A_MEMBER',
      accountsuspended: 'ACCOUNT_SUSPENDED',
    },
    reasons: {},
    invitesSeparately: true,
    requiresEmail: false,
    recreatedInOrganization: ['REMOVED'],
    onByDefault: true,
    notEnabledReason:
      'Security Hub is not enabled for the administrator in this Region: enable it there first',
    memberNeedsHome: false,
    planReads: {
      locate: 'securityhub:DescribeHub',
      memberIds: 'securityhub:ListMembers',
      organization: 'securityhub:DescribeOrganizationConfiguration',
    },
    // docs/aws-facts.md, Security Hub, "Removing members": disassociated before it can be deleted.
    removeCalls: ['DisassociateMembers', 'DeleteMembers'],
    // docs/aws-facts.md, Security Hub: 1,000 invitation-based members per administrator per Region.
    memberLimit: {
      limit: 1_000,
      counts: 'invited',
      holder: 'Security Hub allows per administrator per Region',
      members: 'the administrator',
    },
    homeProblem: (home) => `${describeValue(home)}: Security Hub has no home to name in a Region`,
  },
  detective: {
    label: 'Detective',
    sdkServiceId: 'Detective',
    statuses: {
      invited: 'PENDING_ACCEPTANCE',
      verificationinprogress: 'PENDING_VERIFICATION',
      verificationfailed: 'VERIFICATION_FAILED',
      enabled: 'ENABLED',
      acceptedbutdisabled: 'ACCEPTED_BUT_DISABLED',
    },
    reasons: {
      VERIFICATION_FAILED: () =>
        'Detective could not verify the account: the email address is not the account root email, so no invitation was sent',
      ACCEPTED_BUT_DISABLED: (disabledReason) =>
        disabledReason === 'VOLUME_UNKNOWN'
          ? 'VOLUME_UNKNOWN: Detective cannot see the account data volume (usually GuardDuty is not enabled in the member)'
          : `${disabledReason ?? 'disabled'}: the account accepted but its data would exceed the behavior graph quota`,
    },
    invitesSeparately: false,
    requiresEmail: true,
    recreatedInOrganization: [],
    inputEmailProblem: detectiveEmailProblem,
    onByDefault: true,
    notEnabledReason:
      'the administrator has no Detective behavior graph in this Region: enable Detective there first',
    memberNeedsHome: true,
    planReads: { locate: 'detective:ListGraphs', memberIds: 'detective:ListMembers' },
    // docs/aws-facts.md, Amazon Detective, "Removing members": the administrator has no disassociate call.
    removeCalls: ['DeleteMembers'],
    // docs/aws-facts.md, Amazon Detective: 1,200 members per behavior graph.
    memberLimit: {
      limit: 1_200,
      counts: 'all',
      holder: 'a behavior graph holds',
      members: 'the behavior graph',
    },
    homeProblem(home, region, administratorId) {
      const [, arnRegion, owner] = GRAPH_ARN.exec(home) ?? [];
      if (arnRegion === undefined) return `${describeValue(home)} is not a Detective behavior graph ARN`;
      if (arnRegion !== region || (administratorId !== undefined && owner !== administratorId))
        return `${JSON.stringify(home)} is not ${administratorId ?? 'the administrator'}'s behavior graph in ${region}`;
      return undefined;
    },
    disableEmailNotificationVariable: 'DETECTIVE_DISABLE_EMAIL_NOTIFICATION',
    // docs/aws-facts.md, Amazon Detective: CreateMembers' Message is 1 to 1,000 characters.
    invitationMessageLimit: 1_000,
    // docs/aws-facts.md, Amazon GuardDuty: VOLUME_UNKNOWN usually means GuardDuty is off in the member.
    explainedBy: {
      service: 'guardduty',
      outcome: 'ACCEPTED_BUT_DISABLED',
      reasonStartsWith: 'VOLUME_UNKNOWN',
    },
  },
  guardduty: {
    label: 'GuardDuty',
    sdkServiceId: 'GuardDuty',
    // RelationshipStatus is a free string (docs/aws-facts.md, Amazon GuardDuty).
    statuses: {
      created: 'PENDING_INVITATION',
      invited: 'PENDING_ACCEPTANCE',
      emailverificationinprogress: 'PENDING_VERIFICATION',
      // Reported once and never re-invited: the aws-samples scripts looped on it forever.
      emailverificationfailed: 'VERIFICATION_FAILED',
      enabled: 'ENABLED',
      disabled: 'ACCEPTED_BUT_DISABLED',
      removed: 'REMOVED',
      resigned: 'RESIGNED',
      deleted: 'NOT_A_MEMBER',
      accountsuspended: 'ACCOUNT_SUSPENDED',
    },
    reasons: {
      VERIFICATION_FAILED: () =>
        'GuardDuty could not verify the account: the email address is not the account root email, so no invitation was sent',
      ACCEPTED_BUT_DISABLED: () =>
        "the member's GuardDuty detector is suspended: turn GuardDuty on in the member account",
    },
    invitesSeparately: true,
    requiresEmail: true,
    recreatedInOrganization: ['REMOVED'],
    emailProblem: guardDutyEmailProblem,
    onByDefault: false,
    notEnabledReason:
      'the administrator has no GuardDuty detector in this Region: enable GuardDuty there first',
    memberNeedsHome: false,
    planReads: {
      locate: 'guardduty:ListDetectors',
      memberIds: 'guardduty:ListMembers',
      organization: 'guardduty:DescribeOrganizationConfiguration',
    },
    // docs/aws-facts.md, Amazon GuardDuty, "Removing members".
    removeCalls: ['DisassociateMembers', 'DeleteMembers'],
    // docs/aws-facts.md, Amazon GuardDuty: 1,000 invitation-based members per administrator per Region.
    memberLimit: {
      limit: 1_000,
      counts: 'invited',
      holder: 'GuardDuty allows per administrator per Region',
      members: 'the administrator',
    },
    homeProblem: (home) =>
      /^[a-zA-Z0-9]{1,300}$/.test(home) ? undefined : `${describeValue(home)} is not a GuardDuty detector id`,
    disableEmailNotificationVariable: 'GUARDDUTY_DISABLE_EMAIL_NOTIFICATION',
  },
};

/**
 * Why CreateMembers of `service` cannot take an account with this email (none, where the service needs
 * one, or one it refuses); undefined when it can. Never repeats the address.
 */
export function createProblem(service: ServiceName, email: string | undefined): string | undefined {
  const { label, requiresEmail, emailProblem } = SERVICE_RULES[service];
  if (email === undefined) {
    return requiresEmail
      ? `${label} needs the account's root email address and none was given or found in Organizations (nor, in a sweep, one the administrator's member lists agree on)`
      : undefined;
  }
  const refused = emailProblem?.(email);
  return refused === undefined
    ? undefined
    : `${label} does not take the account's email address (${refused}): give its root email in an address ${label} accepts`;
}

/** The services' labels in a sentence: "Security Hub, Detective and GuardDuty". */
export function labelsInWords(names: readonly ServiceName[]): string {
  const labels = names.map((name) => SERVICE_RULES[name].label);
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** The services whose invitations are a call of their own. */
export const INVITES_SEPARATELY: ReadonlySet<ServiceName> = new Set(
  SERVICE_NAMES.filter((name) => SERVICE_RULES[name].invitesSeparately),
);

/** The services a run onboards, and coverage reads, when none are named (template.yaml's Services default). */
export const DEFAULT_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter(
  (name) => SERVICE_RULES[name].onByDefault,
);

export function isServiceName(value: unknown): value is ServiceName {
  return typeof value === 'string' && (SERVICE_NAMES as readonly string[]).includes(value);
}

export function parseServices(values: readonly unknown[], where: string): ServiceName[] {
  if (values.length === 0) throw new InvalidInputError(`${where}: at least one service is required`);
  return [
    ...new Set(
      values.map((value, index) => {
        if (isServiceName(value)) return value;
        throw new InvalidInputError(
          `${where}[${index}]: ${describeValue(value)} is not a service muster manages (${SERVICE_NAMES.join(', ')})`,
        );
      }),
    ),
  ];
}

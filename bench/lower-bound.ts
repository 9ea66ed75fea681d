import type { ServiceName } from '../functions/shared/domain/services.ts';

/** What a benchmark run asks for: the stand-in's administrator is the delegated administrator. */
export interface BenchShape {
  /** Accounts in the organization: CreateMembers makes them members, nothing to accept. */
  organizationAccounts: number;
  /** Accounts outside it: created, invited, and accepted on the member side. */
  invitedAccounts: number;
  regions: number;
  /** Seconds each AWS call takes to answer. */
  latencySeconds: number;
  /** The input is `{allAccounts: true}` (the organization is listed) rather than a list of accounts. */
  allAccounts: boolean;
  /** The services onboarded; all three when left out. Each runs on its own token buckets. */
  services?: readonly ServiceName[];
}

const ALL_SERVICES: readonly ServiceName[] = ['securityhub', 'detective', 'guardduty'];

export type Side = 'administrator' | 'member';

export interface OperationBound {
  side: Side;
  lowerBound: number;
  /** Why this many, in a few words. */
  why: string;
}

/**
 * Security Hub's documented quota, which the stand-in applies to Security Hub, Detective and GuardDuty
 * (docs/aws-facts.md, Security Hub).
 */
export const THROTTLE = { ratePerSecond: 10, burst: 30 };
/** Accounts per batch call of every service; accounts per Organizations ListAccounts page. */
export const BATCH = 50;
export const PAGE = 20;

/**
 * The fewest calls per operation that onboard the shape. Batch operations: ceil(N/50) per Region
 * and service (CreateMembers for everyone, InviteMembers for the invited), and GetMembers once per
 * membership to verify: the first check reads only organization accounts, ceil(organization/50),
 * the next one the invited accounts after they accept, ceil(invited/50), since the create step's own
 * answers say they were invited (docs/benchmark.md, "Administrator side for invited accounts"). The
 * two reads cannot share a call: the organization accounts' read comes first, as nothing else says
 * whether they are members (Security Hub's CreateMembers answers no status) and whether the run can
 * end; later rounds read only what is still pending.
 * One look per Region for where each service lives (DescribeHub; ListGraphs, for the graph ARN;
 * ListDetectors, for the detector id). One read per Region of what the administrator already has,
 * needed for safety before any change: the member limits count existing members (Security Hub and
 * GuardDuty DescribeOrganizationConfiguration and one ListMembers page; Detective one ListMembers page
 * per graph). One organization listing.
 * Member side, per invited account (docs/benchmark.md, "The member side's lower bound"): one
 * session (AssumeRole, per account and execution), and per Region: Security Hub's hub switched on
 * (it starts off in an invited account, and a member must have it on to accept), the invitation id
 * listed (AcceptAdministratorInvitation requires it, and only ListInvitations gives it to the
 * member), one accept; Detective's one accept by the graph ARN the plan knows; GuardDuty's detector
 * id and invitation id (ListDetectors, ListInvitations), one accept; no CreateDetector, as the
 * bench's invited accounts have GuardDuty on already (a detector in every Region they can use: the
 * stand-in's default), unlike Security Hub's hub, which starts off. Operations without a line here need no call at all
 * (lower bound 0): DescribeHub and GetAdministratorAccount in a member only explain a refusal.
 */
export function operationBounds(shape: BenchShape): Record<string, OperationBound> {
  const { regions, invitedAccounts: invited } = shape;
  const accounts = shape.organizationAccounts + invited;
  const batches = Math.ceil(accounts / BATCH);
  const verify = regions * (Math.ceil(shape.organizationAccounts / BATCH) + Math.ceil(invited / BATCH));
  const perMember = invited * regions;
  const listing = shape.allAccounts || accounts > PAGE;
  const admin = (lowerBound: number, why: string): OperationBound => ({
    side: 'administrator',
    lowerBound,
    why,
  });
  const member = (lowerBound: number, why: string): OperationBound => ({ side: 'member', lowerBound, why });
  return {
    ...(listing
      ? {
          // The organization's accounts plus the administrator, 20 a page.
          'organizations:ListAccounts': admin(
            Math.ceil((shape.organizationAccounts + 1) / PAGE),
            'one listing, 20 a page',
          ),
        }
      : { 'organizations:DescribeAccount': admin(accounts, 'one per named account') }),
    'securityhub:DescribeHub': admin(regions, 'one per Region'),
    'detective:ListGraphs': admin(regions, 'one per Region'),
    // The limit check reads what exists before any change; a fresh administrator has one empty page.
    'securityhub:DescribeOrganizationConfiguration': admin(regions, 'one per Region, for the member limit'),
    'securityhub:ListMembers': admin(regions, 'existing members, one page per Region, for the limit'),
    'detective:ListMembers': admin(regions, 'existing members, one page per graph, for the limit'),
    'securityhub:CreateMembers': admin(regions * batches, 'ceil(N/50) per Region'),
    'detective:CreateMembers': admin(regions * batches, 'ceil(N/50) per Region'),
    'securityhub:InviteMembers': admin(regions * Math.ceil(invited / BATCH), 'ceil(invited/50) per Region'),
    'securityhub:GetMembers': admin(verify, 'ceil(organization/50) + ceil(invited/50) per Region'),
    'detective:GetMembers': admin(verify, 'ceil(organization/50) + ceil(invited/50) per Region'),
    'sts:AssumeRole': admin(invited, 'one session per invited account'),
    'member:securityhub:EnableSecurityHub': member(perMember, 'one per invited member and Region'),
    'member:securityhub:ListInvitations': member(perMember, 'the invitation id, per member and Region'),
    'member:securityhub:AcceptAdministratorInvitation': member(perMember, 'one per member and Region'),
    'member:detective:AcceptInvitation': member(perMember, 'one per member and Region, by the graph ARN'),
    'guardduty:ListDetectors': admin(regions, 'one per Region, for the detector id'),
    'guardduty:DescribeOrganizationConfiguration': admin(regions, 'one per Region, for the member limit'),
    'guardduty:ListMembers': admin(regions, 'existing members, one page per Region, for the limit'),
    'guardduty:CreateMembers': admin(regions * batches, 'ceil(N/50) per Region'),
    'guardduty:InviteMembers': admin(regions * Math.ceil(invited / BATCH), 'ceil(invited/50) per Region'),
    'guardduty:GetMembers': admin(verify, 'ceil(organization/50) + ceil(invited/50) per Region'),
    'member:guardduty:ListDetectors': member(perMember, 'the detector id, per member and Region'),
    'member:guardduty:ListInvitations': member(perMember, 'the invitation id, per member and Region'),
    'member:guardduty:AcceptAdministratorInvitation': member(perMember, 'one per member and Region'),
  };
}

/** The administrator's calls per Region of each service, in the order its steps make them. */
const STEPS: Record<ServiceName, { locate: string; limits: string[]; invites: boolean }> = {
  securityhub: {
    locate: 'DescribeHub',
    limits: ['DescribeOrganizationConfiguration', 'ListMembers'],
    invites: true,
  },
  detective: { locate: 'ListGraphs', limits: ['ListMembers'], invites: false },
  guardduty: {
    locate: 'ListDetectors',
    limits: ['DescribeOrganizationConfiguration', 'ListMembers'],
    invites: true,
  },
};

/**
 * Tokens a bucket holds when the onboarding's first change can start: the reads that do not need the
 * account list (locate, the limit reads: `preCalls`) leave at once, beside the listing, and the bucket
 * refills at 10 a second until the listing ends, never past its burst.
 */
function tokensAfterListing(preCalls: number, startSeconds: number): number {
  return Math.min(THROTTLE.burst, THROTTLE.burst - preCalls + startSeconds * THROTTLE.ratePerSecond);
}

/**
 * The throttle-limited lower bound of the wall time, in seconds. The organization listing comes
 * first, page after page; the reads that need no account list (locate, the limit reads) run beside
 * it, so the changes start when the longer of the two ends. Then the larger of: the busiest token
 * bucket (the administrator's, one per Region and service, 10 calls a second after a burst of 30,
 * refilled during the listing; Regions and services run in parallel) plus one answer, and the longest
 * chain of calls that must follow one another (create, invite, the member lists and accepts, the
 * check reads). Member buckets hold a few calls each and never throttle. Waits the workflow chooses
 * (poll interval, backoff) are not part of the bound.
 */
export function lowerBoundSeconds(shape: BenchShape): number {
  const bounds = operationBounds(shape);
  const perRegion = (operation: string) => (bounds[operation]?.lowerBound ?? 0) / shape.regions;
  const sum = (service: ServiceName, operations: string[]) =>
    operations.reduce((total, operation) => total + perRegion(`${service}:${operation}`), 0);
  const pages = bounds['organizations:ListAccounts']?.lowerBound ?? 1;
  // Locate, then the limit reads: two answers one after the other, beside the listing.
  const start = Math.max(pages * shape.latencySeconds, 2 * shape.latencySeconds);
  const busiest = Math.max(
    ...(shape.services ?? ALL_SERVICES).map((service) => {
      const { locate, limits, invites } = STEPS[service];
      const tokens = tokensAfterListing(sum(service, [locate, ...limits]), start);
      const calls = sum(service, ['CreateMembers', ...(invites ? ['InviteMembers'] : []), 'GetMembers']);
      return Math.max(0, calls - tokens) / THROTTLE.ratePerSecond;
    }),
  );
  const throttled = busiest + shape.latencySeconds;
  // create, (invite, list, accept,) check.
  const chain = (shape.invitedAccounts > 0 ? 5 : 2) * shape.latencySeconds;
  return start + Math.max(throttled, chain);
}

/**
 * The floor under muster's own pacing: one token bucket per (account, Region, service) at AWS's
 * 10 calls a second after a burst of 30 (functions/shared/aws/rate-limit.ts), carried from step to
 * step. Locate and the limit reads run beside the listing; then create with its invitations (sent
 * from CreateMembers' answers, on the same bucket), the member side's chain of answers, and one check
 * read follow one another; each step's calls leave as tokens allow and the next step starts one
 * answer after its last call, the bucket filling meanwhile.
 */
export function pacedLowerBoundSeconds(shape: BenchShape): number {
  const bounds = operationBounds(shape);
  const perPair = (operation: string) => (bounds[operation]?.lowerBound ?? 0) / shape.regions;
  const { ratePerSecond: rate, burst } = THROTTLE;
  const listing = (bounds['organizations:ListAccounts']?.lowerBound ?? 1) * shape.latencySeconds;
  // Each service paces on buckets of its own, so the services run side by side: the slowest sets the floor.
  const paced = (service: ServiceName) => {
    const { locate, limits, invites } = STEPS[service];
    let seconds = 0;
    let tokens = burst;
    const pass = (wait: number) => {
      seconds += wait;
      tokens = Math.min(burst, tokens + wait * rate);
    };
    const step = (calls: number) => {
      if (calls === 0) return;
      // Calls beyond the tokens at hand leave one every 1/rate seconds, each spending its token at once.
      seconds += Math.max(0, calls - tokens) / rate;
      tokens = Math.max(0, tokens - calls);
      pass(shape.latencySeconds);
    };
    step(perPair(`${service}:${locate}`));
    step(limits.reduce((sum, operation) => sum + perPair(`${service}:${operation}`), 0));
    // The changes wait for the account list.
    pass(Math.max(0, listing - seconds));
    // The create step invites each chunk it has created as soon as CreateMembers answers: one step.
    step(perPair(`${service}:CreateMembers`) + (invites ? perPair(`${service}:InviteMembers`) : 0));
    // Member side, per invited account and Region: enable or find, list the invitation, accept.
    if (shape.invitedAccounts > 0) pass(3 * shape.latencySeconds);
    step(perPair(`${service}:GetMembers`));
    return seconds;
  };
  return Math.max(...(shape.services ?? ALL_SERVICES).map(paced));
}

/** A sweep after an onboarding: every membership exists, and `drifted` Security Hub memberships were removed. */
export interface SweepShape extends BenchShape {
  /** Removed Security Hub memberships in each Region that has any, which the sweep must make again. */
  driftedByRegion: number[];
}

/** Detective ListMembers answers up to 200 members a page; Security Hub ListMembers 50 (docs/aws-facts.md). */
const DETECTIVE_PAGE = 200;

/**
 * The fewest calls a sweep needs: the organization listing; where each service lives (one look per
 * Region); Security Hub's organization settings, for the member limit before any change; the member
 * lists that find invited members and show which memberships are enabled (every member, 50 or 200 a
 * page); CreateMembers only for what drifted (the lists name it); and one read of every membership,
 * to report each (GetMembers, ceil(N/50)). Nothing to invite or accept for organization accounts;
 * Detective needs no change.
 */
export function sweepBounds(shape: SweepShape): Record<string, OperationBound> {
  const { regions } = shape;
  const accounts = shape.organizationAccounts + shape.invitedAccounts;
  const batches = Math.ceil(accounts / BATCH);
  const admin = (lowerBound: number, why: string): OperationBound => ({
    side: 'administrator',
    lowerBound,
    why,
  });
  return {
    'organizations:ListAccounts': admin(
      Math.ceil((shape.organizationAccounts + 1) / PAGE),
      'one listing, 20 a page',
    ),
    'securityhub:DescribeHub': admin(regions, 'one per Region'),
    'detective:ListGraphs': admin(regions, 'one per Region'),
    // The member limit is checked before any change, as in an onboarding.
    'securityhub:DescribeOrganizationConfiguration': admin(regions, 'one per Region, for the member limit'),
    'securityhub:ListMembers': admin(regions * batches, 'every member, 50 a page, per Region'),
    'detective:ListMembers': admin(
      regions * Math.ceil(accounts / DETECTIVE_PAGE),
      'every member, 200 a page, per Region',
    ),
    'securityhub:CreateMembers': admin(
      shape.driftedByRegion.reduce((sum, n) => sum + Math.ceil(n / BATCH), 0),
      'ceil(drifted/50) where something drifted',
    ),
    'securityhub:GetMembers': admin(regions * batches, 'ceil(N/50) per Region, to report every membership'),
    'detective:GetMembers': admin(regions * batches, 'ceil(N/50) per Region, to report every membership'),
    'guardduty:ListDetectors': admin(regions, 'one per Region'),
    'guardduty:ListMembers': admin(regions * batches, 'every member, 50 a page, per Region'),
    'guardduty:GetMembers': admin(regions * batches, 'ceil(N/50) per Region, to report every membership'),
  };
}

/**
 * The throttle-limited floor of a sweep's wall time, as lowerBoundSeconds reckons an onboarding's: the
 * reads that need no account list (locate, the organization settings, every member list page, one
 * after another) run beside the listing; then what drifted is created and every membership read.
 */
export function sweepLowerBoundSeconds(shape: SweepShape): number {
  const bounds = sweepBounds(shape);
  const perRegion = (operation: string) => (bounds[operation]?.lowerBound ?? 0) / shape.regions;
  const sum = (service: string, operations: string[]) =>
    operations.reduce((total, operation) => total + perRegion(`${service}:${operation}`), 0);
  const reads: Record<ServiceName, { before: string[]; lists: string; after: string[] }> = {
    securityhub: {
      before: ['DescribeHub', 'DescribeOrganizationConfiguration'],
      lists: 'ListMembers',
      after: ['CreateMembers', 'GetMembers'],
    },
    detective: { before: ['ListGraphs'], lists: 'ListMembers', after: ['GetMembers'] },
    guardduty: { before: ['ListDetectors'], lists: 'ListMembers', after: ['GetMembers'] },
  };
  const services = Object.entries(reads).map(([service, { before, lists, after }]) => ({
    pre: sum(service, [...before, lists]),
    // Locate, then the member list's pages one after another (each needs the last one's token).
    chain: (1 + sum(service, [lists])) * shape.latencySeconds,
    after: sum(service, after),
  }));
  const pages = bounds['organizations:ListAccounts']?.lowerBound ?? 1;
  const start = Math.max(pages * shape.latencySeconds, ...services.map(({ chain }) => chain));
  const busiest = Math.max(
    ...services.map(
      ({ pre, after }) => Math.max(0, after - tokensAfterListing(pre, start)) / THROTTLE.ratePerSecond,
    ),
  );
  return start + busiest + shape.latencySeconds;
}

import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { MemberCredentials } from '#shared/aws/credentials.ts';
import { mapWithConcurrency } from '#shared/concurrency.ts';
import type { Home } from '#shared/contracts.ts';
import { classifyError, describeError, type ErrorLike } from '#shared/domain/classify.ts';
import { membershipKey, pairKey } from '#shared/domain/keys.ts';
import {
  type Disposition,
  type ObservedStatus,
  SERVICE_NOT_OFFERED_REASON,
} from '#shared/domain/outcomes.ts';
import { generalizeReason } from '#shared/domain/reasons.ts';
import { nextAction } from '#shared/domain/reconcile.ts';
import { isServiceNotOffered } from '#shared/domain/regions.ts';
import { groupMemberships } from '#shared/domain/report.ts';
import { SERVICE_RULES, type ServiceName } from '#shared/domain/services.ts';
import { clipMiddle } from '#shared/domain/text.ts';
import { InvalidInputError } from '#shared/errors.ts';
import type { ReportStore } from '#shared/report/store.ts';
import type { InvitingAdministrator, MemberAccount } from '#shared/services/member.ts';
import type {
  AcceptInvitationsInput,
  AcceptInvitationsOutput,
  AcceptInvitationsStepOutput,
  AcceptResult,
} from './contract.ts';

export interface AcceptInvitationsDeps {
  /** The administrator this deployment serves; an input naming another one is refused. */
  administratorId: string;
  /** One session per member account, shared by its clients (and, in a warm container, by later rounds of the execution). */
  credentials: MemberCredentials;
  openAccount(credentials: AwsCredentialIdentityProvider): MemberAccount;
  concurrency: { accounts: number; regions: number };
}

/**
 * Reasons are capped so 20 accounts × 17 Regions × 2 services stay far below Step Functions' 256 KiB payload
 * (docs/aws-facts.md, Step Functions); the head names the error, the tail usually names the resource.
 */
export const MAX_REASON_LENGTH = 200;

export function brief(reason: string): string {
  return clipMiddle(reason, MAX_REASON_LENGTH);
}

export function dispositionOf(status: ObservedStatus): Disposition {
  const action = nextAction(status.outcome);
  if (action === 'done') return 'done';
  return action === 'report' ? 'failed' : 'retry';
}

/**
 * What an error means for one membership. On AssumeRole, AccessDenied means the member role is
 * not deployed yet (docs/aws-facts.md, Getting into member accounts (STS));
 * on a service call, an authentication error means the Region is disabled for the member
 * (docs/aws-facts.md, Regions and partitions). Throttling and 5xx survived the SDK's retries.
 */
export function statusOfError(error: unknown, during: 'assume-role' | 'service-call'): ObservedStatus {
  const failure = error as ErrorLike;
  const reason = describeError(failure);
  const kind = classifyError(failure);
  if (kind === 'retry') return { outcome: 'PENDING_ACCEPTANCE', reason: `will try again: ${reason}` };
  if (during === 'assume-role') {
    return kind === 'access-denied'
      ? { outcome: 'MEMBER_ROLE_MISSING', reason }
      : { outcome: 'FAILED', reason: `AssumeRole: ${reason}` };
  }
  if (kind === 'region-disabled') return { outcome: 'SKIPPED_REGION_DISABLED', reason };
  if (isServiceNotOffered(error))
    return { outcome: 'SERVICE_NOT_OFFERED', reason: SERVICE_NOT_OFFERED_REASON };
  return { outcome: 'FAILED', reason };
}

interface Membership {
  region: string;
  service: ServiceName;
}

const keyOf = (accountId: string, { region, service }: Membership) =>
  membershipKey(accountId, region, service);

/**
 * Accepts the administrator's invitations in every member account of the batch, every Region and
 * service. Accounts run in parallel (bounded), and so do each account's Regions; an account's
 * failure settles that account's memberships and never stops the others.
 */
export async function acceptInvitations(
  input: AcceptInvitationsInput,
  deps: AcceptInvitationsDeps,
): Promise<AcceptInvitationsOutput> {
  if (input.administratorId !== deps.administratorId) {
    throw new InvalidInputError(
      `input.administratorId: ${input.administratorId} is not the administrator this deployment serves (${deps.administratorId})`,
    );
  }
  const memberships = input.regions.flatMap((region) =>
    input.services.map((service) => ({ region, service })),
  );
  const settled = new Map<string, AcceptResult>();
  const settle = (accountId: string, membership: Membership, status: ObservedStatus) => {
    const key = keyOf(accountId, membership);
    if (settled.has(key)) throw new Error(`${key} settled twice`);
    settled.set(key, {
      accountId,
      ...membership,
      outcome: status.outcome,
      disposition: dispositionOf(status),
      ...(status.reason === undefined
        ? {}
        : { reason: brief(generalizeReason(status.reason, accountId, membership.region)) }),
    });
  };

  await mapWithConcurrency(input.accountIds, deps.concurrency.accounts, (accountId) =>
    acceptInAccount(accountId, memberships, input, deps, settle),
  );

  const results = input.accountIds.flatMap((accountId) =>
    memberships.map((membership) => {
      const result = settled.get(keyOf(accountId, membership));
      if (result === undefined) throw new Error(`${keyOf(accountId, membership)} left without a result`);
      return result;
    }),
  );
  const retryAccountIds = [
    ...new Set(
      results.filter(({ disposition }) => disposition === 'retry').map(({ accountId }) => accountId),
    ),
  ];
  return { results, retryAccountIds };
}

function homeOf(input: AcceptInvitationsInput, { region, service }: Membership): Home | undefined {
  return input.homes?.find((home) => home.region === region && home.service === service);
}

/**
 * Whether the administrator has the service in the membership's Region. Without the plan's homes
 * only a service whose member side needs no home can go ahead (it then finds the invitation itself).
 */
function administratorHas(input: AcceptInvitationsInput, membership: Membership): boolean {
  const { memberNeedsHome } = SERVICE_RULES[membership.service];
  if (input.homes === undefined) return !memberNeedsHome;
  const home = homeOf(input, membership);
  return home !== undefined && (!memberNeedsHome || home.home !== undefined);
}

async function acceptInAccount(
  accountId: string,
  memberships: Membership[],
  input: AcceptInvitationsInput,
  deps: AcceptInvitationsDeps,
  settle: (accountId: string, membership: Membership, status: ObservedStatus) => void,
): Promise<void> {
  if (accountId === input.administratorId) {
    for (const membership of memberships) {
      settle(accountId, membership, {
        outcome: 'SKIPPED_ADMINISTRATOR',
        reason: 'the administrator account cannot be its own member',
      });
    }
    return;
  }
  const open: Membership[] = [];
  for (const membership of memberships) {
    if (
      input.notOffered?.some(
        ({ region, service }) => region === membership.region && service === membership.service,
      )
    ) {
      settle(accountId, membership, { outcome: 'SERVICE_NOT_OFFERED', reason: SERVICE_NOT_OFFERED_REASON });
    } else if (!administratorHas(input, membership)) {
      // Never enable a service in a member where the administrator has none: it costs and helps nothing.
      settle(accountId, membership, {
        outcome: 'SERVICE_NOT_ENABLED',
        reason: SERVICE_RULES[membership.service].notEnabledReason,
      });
    } else open.push(membership);
  }
  if (open.length === 0) return;

  const credentials = deps.credentials(accountId);
  try {
    // Assume the role once up front: a missing role settles the whole account without 34 failed calls.
    await credentials();
  } catch (error) {
    const status = statusOfError(error, 'assume-role');
    for (const membership of open) settle(accountId, membership, status);
    return;
  }

  const account = deps.openAccount(credentials);
  try {
    const regions = [...new Set(open.map(({ region }) => region))];
    await mapWithConcurrency(regions, deps.concurrency.regions, async (region) => {
      for (const membership of open.filter((candidate) => candidate.region === region)) {
        const home = homeOf(input, membership)?.home;
        const administrator: InvitingAdministrator = {
          administratorId: input.administratorId,
          region,
          ...(home === undefined ? {} : { home }),
          ...(centrallyConfigured(input, accountId, region, membership.service)
            ? { centrallyConfigured: true }
            : {}),
        };
        let status: ObservedStatus;
        try {
          status = await account.service(membership.service, region).acceptMembership(administrator);
        } catch (error) {
          status = statusOfError(error, 'service-call');
        }
        settle(accountId, membership, status);
      }
    });
  } finally {
    account.close();
  }
}

/**
 * Whether the service's configuration policies, not muster, decide if it runs in this account and
 * Region: central configuration covers organization accounts, never invited ones (docs/aws-facts.md,
 * Security Hub).
 */
function centrallyConfigured(
  input: AcceptInvitationsInput,
  accountId: string,
  region: string,
  service: ServiceName,
): boolean {
  if (input.invitedAccountIds?.includes(accountId) ?? false) return false;
  if (input.centrallyConfigured === undefined)
    return input.securityHubCentralRegions?.includes(region) ?? false;
  return input.centrallyConfigured.some((pair) => pair.region === region && pair.service === service);
}

/** The workflow's view of the output: counts and the memberships that are not ENABLED, grouped. */
export function compactOutput(output: AcceptInvitationsOutput): AcceptInvitationsStepOutput {
  const counts: AcceptInvitationsStepOutput['counts'] = {};
  for (const { outcome } of output.results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  // Every account has a result in every Region and service of the batch.
  const everyPair = new Set(output.results.map(({ region, service }) => pairKey(region, service))).size;
  return {
    counts,
    // Skipped Regions are done here but the administrator still sees them Invited: keep them.
    unfinished: groupMemberships(output.results.filter(({ outcome }) => outcome !== 'ENABLED')).map(
      ({ pairs, ...group }) => (pairs.length === everyPair ? group : { ...group, pairs }),
    ),
    retryAccountIds: output.retryAccountIds,
    unfinishedKey: null,
  };
}

/**
 * Bytes of JSON a batch's `unfinished` groups may take in the state. Above it (many distinct
 * failures) they go to the report bucket and the state carries the object's key: ten batches a
 * round then carry at most 20 KiB, whatever fails.
 */
export const MEMBER_INLINE_BYTES = 2 * 1024;

/** The step's output for the workflow: compactOutput, its groups moved to `key` when they are too large to carry. */
export async function carriedOutput(
  output: AcceptInvitationsOutput,
  store: ReportStore,
  key: string,
): Promise<AcceptInvitationsStepOutput> {
  const step = compactOutput(output);
  if (Buffer.byteLength(JSON.stringify(step.unfinished)) <= MEMBER_INLINE_BYTES) return step;
  const groups = groupMemberships(output.results.filter(({ outcome }) => outcome !== 'ENABLED'));
  await store.put(key, JSON.stringify(groups), 'application/json');
  return { ...step, unfinished: [], unfinishedKey: key };
}

import * as z from 'zod/mini';
import {
  accountIdSchema,
  checkHome,
  executionIdSchema,
  homeEntrySchema,
  regionSchema,
  serviceSchema,
} from '#shared/contracts.ts';
import type { Disposition, Outcome } from '#shared/domain/outcomes.ts';
import type { OutcomeGroup } from '#shared/domain/report.ts';
import type { ServiceName } from '#shared/domain/services.ts';

/**
 * Accounts one accept-invitations invocation takes at most. Each account's calls are its own (one
 * account per call), so a batch may pass the 50 accounts of an administrator call; 150 accounts take
 * about a minute at 75 ms per call (docs/member-side.md), far within the Lambda's 900 s.
 */
export const MAX_MEMBER_BATCH_SIZE = 150;

/**
 * Member-side batches a poll round runs at most: each adds history events (docs/benchmark.md,
 * "History events"), so a round of 1,500 pending accounts has 10 batches of 150, not 75 of 20.
 */
export const MAX_MEMBER_BATCHES = 10;

function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Input of the accept-invitations step: one batch of member accounts, every Region and service. */
export const acceptInvitationsInputSchema = z
  .object({
    administratorId: accountIdSchema,
    accountIds: z.pipe(
      z.array(accountIdSchema).check(z.minLength(1), z.maxLength(MAX_MEMBER_BATCH_SIZE)),
      z.transform(distinct),
    ),
    regions: z.pipe(z.array(regionSchema).check(z.minLength(1)), z.transform(distinct)),
    services: z.pipe(z.array(serviceSchema).check(z.minLength(1)), z.transform(distinct)),
    /**
     * Where the administrator has each service (the plan's homes): when given, no other Region's
     * member side is touched. A service whose member side needs the home works only where it is given.
     */
    homes: z.optional(z.array(homeEntrySchema)),
    /** Region × service pairs where AWS does not offer the service: SERVICE_NOT_OFFERED, nothing called. */
    notOffered: z.optional(z.array(z.object({ region: regionSchema, service: serviceSchema }))),
    /** Region × service pairs whose central configuration decides for organization accounts: never enabled there. */
    centrallyConfigured: z.optional(z.array(z.object({ region: regionSchema, service: serviceSchema }))),
    /**
     * Regions central for every service of the input: what a batch execution started before
     * `centrallyConfigured` still passes (its definition is the one it started with).
     */
    securityHubCentralRegions: z.optional(z.array(regionSchema)),
    /** Accounts outside the organization, which join by invitation: central configuration does not cover them. */
    invitedAccountIds: z.optional(z.array(accountIdSchema)),
    /** Step Functions execution id: the log correlation id and the member role's session name. */
    executionId: z.optional(executionIdSchema),
  })
  .check(
    z.superRefine(({ administratorId, homes }, context) => {
      for (const [index, home] of (homes ?? []).entries())
        checkHome(home, context, ['homes', index, 'home'], administratorId);
    }),
  );
export type AcceptInvitationsInput = z.output<typeof acceptInvitationsInputSchema>;

/** What the step did for one (account, Region, service). */
export interface AcceptResult {
  accountId: string;
  region: string;
  service: ServiceName;
  outcome: Outcome;
  disposition: Disposition;
  /** Omitted when the outcome says it all, to keep the state payload small. */
  reason?: string;
}

/**
 * Exactly one result per (account, Region, service) of the input. `retryAccountIds` lists the
 * accounts with any `retry` result, once each, for the workflow to send again after a wait.
 */
export interface AcceptInvitationsOutput {
  results: AcceptResult[];
  retryAccountIds: string[];
}

/**
 * What the step returns to the workflow: counts, and only the memberships that are not ENABLED,
 * grouped. Step Functions caps a task result at 256 KiB; a full result list for 50 accounts in
 * 17 Regions could pass it.
 */
export interface AcceptInvitationsStepOutput {
  counts: Partial<Record<Outcome, number>>;
  /**
   * A group without `pairs` is in every Region and service of the batch: 50 batches would
   * otherwise repeat the same 34 pairs, a third of what a round of 1,000 accounts carries.
   */
  unfinished: (Omit<OutcomeGroup, 'pairs'> & { pairs?: OutcomeGroup['pairs'] })[];
  retryAccountIds: string[];
  /** Where the groups are when too many to carry (then `unfinished` is empty); null when they are inline. */
  unfinishedKey: string | null;
}

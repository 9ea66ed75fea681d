import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { CarriedPace } from './aws/pacing.ts';
import { accountIdProblem, describeValue } from './domain/account-id.ts';
import { type Account, emailProblem } from './domain/accounts.ts';
import type { FailedEntry, FailedGroup } from './domain/failures.ts';
import { OUTCOMES, type Outcome } from './domain/outcomes.ts';
import { KNOWN_REGIONS } from './domain/regions.ts';
import type { GroupSummary, OutcomeGroup, Pair, ReportDecision } from './domain/report.ts';

export type { Pair };

/** A pair with where the plan found the service for the administrator (absent when not looked up). */
export interface LocatedPair extends Pair {
  enabled?: boolean;
  /** The service's home in the Region, when it names one (Detective: the behavior graph ARN). */
  home?: string;
  /** false when AWS does not offer the service in the Region (no endpoint there). */
  offered?: boolean;
  /** A sweep's accounts its member list did not show enabled here: only these need CreateMembers. */
  create?: string[];
  /** Every account is invitation-based here: the create step invites the members it creates. */
  inviteCreated?: boolean;
}

import { SERVICE_NAMES, SERVICE_RULES, type ServiceName } from './domain/services.ts';
import { InvalidInputError } from './errors.ts';

// zod's smaller build has no messages of its own: its English ones, as the full build gives.
z.config(en());

/** Task inputs are parsed, never cast: a bad value is named with its path before any AWS call. */
export const accountIdSchema = z.pipe(
  z.unknown(),
  z.transform((value, context) => {
    const problem = accountIdProblem(value);
    if (problem === undefined) return value as string;
    context.issues.push({ code: 'custom', message: problem, input: value });
    return z.NEVER;
  }),
);

export const regionSchema = z.string().check(
  z.refine((value) => KNOWN_REGIONS.has(value), {
    error: (issue) => `${describeValue(issue.input)} is not a known AWS Region`,
  }),
);

export const serviceSchema = z.enum(SERVICE_NAMES, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a service muster manages (${SERVICE_NAMES.join(', ')})`,
});

/**
 * The longest text each field may carry, from AWS's own limits (docs/aws-facts.md, Step Functions,
 * "Execution ARN length" and "Error and cause length"): an oversized value is refused by name and size
 * before it reaches a log line or an AWS call.
 */
export const FIELD_LIMITS = {
  /** An execution ARN: the Step Functions `Arn` shape's maximum. */
  executionId: 256,
  /** A Task's error name: Step Functions' `SensitiveError` maximum. */
  error: 256,
  /** A Task's error cause: Step Functions' `SensitiveCause` maximum; a reason quotes at most part of one. */
  cause: 32_768,
  reason: 32_768,
} as const;

/** A string of at most `max` characters; a longer one is named with its size, never quoted in full. */
export function boundedString(max: number, what: string) {
  return z.string().check(
    z.maxLength(max, {
      error: (issue) => `${String(issue.input).length} characters, more than the ${max} ${what} may have`,
    }),
  );
}

export const executionIdSchema = boundedString(FIELD_LIMITS.executionId, 'an execution ARN');
const reasonSchema = boundedString(FIELD_LIMITS.reason, 'a reason');

/** A service's home in a Region as AWS names it (an ARN, a detector id); its service checks its form. */
export const homeSchema = boundedString(2048, 'a home');

/** Adds an issue at `path` when `home` cannot be `service`'s home in `region` (its registry rule says why). */
export function checkHome(
  { service, region, home }: { service: ServiceName; region: string; home?: string | undefined },
  context: z.core.$RefinementCtx,
  path: (string | number)[],
  administratorId?: string,
): void {
  if (home === undefined) return;
  const problem = SERVICE_RULES[service].homeProblem(home, region, administratorId);
  if (problem !== undefined) context.addIssue({ code: 'custom', path, message: problem });
}

/** An account with its root email, if given; a bad email is named by its account, never quoted. */
export const accountSchema = z.pipe(
  z.object({ accountId: accountIdSchema, email: z.optional(z.unknown()) }),
  z.transform((account, context): Account => {
    if (account.email === undefined) return { accountId: account.accountId };
    const problem = emailProblem(account.email);
    if (problem === undefined) return { accountId: account.accountId, email: account.email as string };
    context.issues.push({
      code: 'custom',
      path: ['email'],
      message: `account ${account.accountId}: ${problem}`,
      input: account,
    });
    return z.NEVER;
  }),
);

/** What Step Functions' Catch hands on when a step failed after its retries. */
const crashSchema = z.object({
  Error: boundedString(FIELD_LIMITS.error, 'an error name'),
  Cause: z.optional(boundedString(FIELD_LIMITS.cause, 'an error cause')),
});
export type Crash = z.infer<typeof crashSchema>;

/**
 * The most accounts a pair's `create` list carries: it rides in the plan's pairs, which every state
 * of a child holds (51 pairs × 20 ids is about 16 KB at most).
 */
export const CREATE_LIST_LIMIT = 20;

/** Whether the administrator has the service in a pair's Region, and its home there. */
export const locatedSchema = z.object({
  enabled: z.boolean(),
  home: z.optional(homeSchema),
  /** false when AWS does not offer the service in the Region: every account there is SERVICE_NOT_OFFERED. */
  offered: z.optional(z.boolean()),
  /**
   * When the plan read every member here (a sweep): the accounts not enabled, the only ones to
   * create. Absent: create every account.
   */
  create: z.optional(z.array(accountIdSchema).check(z.maxLength(CREATE_LIST_LIMIT))),
  /**
   * Every account of the plan is invitation-based here (outside the organization, or the
   * administrator is not the service's delegated administrator in the Region): the create step
   * invites the members it creates, from CreateMembers' answer.
   */
  inviteCreated: z.optional(z.boolean()),
});

/**
 * What a step left of the administrator's bucket for one API in one Region, for the next step
 * (aws/pacing.ts): one entry a pair at most, so it never grows with the organization.
 */
export const carriedPaceSchema = z.strictObject({
  service: serviceSchema,
  region: regionSchema,
  tokens: z.number().check(z.minimum(0)),
  at: z.number().check(z.int(), z.minimum(0)),
});
export const pacingSchema = z
  .array(carriedPaceSchema)
  .check(z.maxLength(KNOWN_REGIONS.size * SERVICE_NAMES.length));

/**
 * What an administrator step's Lambda hands the state machine: its output, and what its calls left
 * of the pairs' buckets for the step after it.
 */
export type Paced<T> = T & { pacing: CarriedPace[] };

const failedGroupSchema = z.object({
  outcome: z.enum(OUTCOMES),
  reason: reasonSchema,
  count: z.number().check(z.int(), z.minimum(1)),
  accountIds: z.optional(z.array(accountIdSchema)),
});

/** Tries per account per step when the workflow does not say otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Input of every administrator-side step (create, invite, check): one Region, one service. */
export const administratorStepInputSchema = z
  .object({
    region: regionSchema,
    service: serviceSchema,
    accounts: z.array(accountSchema),
    /** On a retry: the accounts of `accounts` to send again (the last attempt's `retry`), by id. */
    retry: z.optional(z.array(accountIdSchema)),
    /** Which try this is for these accounts (1 = first); at `maxAttempts` retryable ones fail instead. */
    attempt: z._default(z.number().check(z.int(), z.minimum(1)), 1),
    maxAttempts: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(20)), DEFAULT_MAX_ATTEMPTS),
    /** Where the plan found the service for the administrator; without it the step looks it up. */
    located: z.optional(locatedSchema),
    /** Failures of earlier attempts for this pair, grouped: the create step passes them on, merged with its own. */
    failed: z._default(z.array(failedGroupSchema), []),
    /** The earlier attempt's `allInvited`: the create step passes it on, and-ed with its own. */
    allInvited: z.optional(z.boolean()),
    /**
     * The plan's accounts outside the organization, where it lists them (Plan `invitedAccountIds`):
     * the create step invites these from CreateMembers' answer, as they can join only by invitation.
     */
    invitedAccountIds: z.optional(z.array(accountIdSchema)),
    /** The earlier attempt's `invitedListed`: the create step passes it on, and-ed with its own. */
    invitedListed: z.optional(z.boolean()),
    /** What the earlier attempt left of the pair's bucket. */
    pacing: z.optional(pacingSchema),
    /** Step Functions execution id, used as the log correlation id. */
    executionId: z.optional(executionIdSchema),
  })
  .check(
    z.superRefine(({ service, region, located }, context) =>
      checkHome({ service, region, home: located?.home }, context, ['located', 'home']),
    ),
  );
type ParsedStepInput = z.output<typeof administratorStepInputSchema>;
/** A parsed step input; the retry bookkeeping fields may be left out by direct callers. */
export type AdministratorStepInput = Omit<ParsedStepInput, 'attempt' | 'maxAttempts' | 'failed'> &
  Partial<Pick<ParsedStepInput, 'attempt' | 'maxAttempts' | 'failed'>>;

export interface RetryEntry extends Account {
  reason: string;
  /** The status that keeps the account waiting, when it is one (not a transient error). */
  outcome?: Outcome;
}

/**
 * What a step says of an account it finished: the outcome it saw, or CREATED when the create
 * call took the account (or found it a member already) and the check is left to read its status.
 */
export type DoneMark = Outcome | 'CREATED';

/**
 * Output of every administrator-side step. Each input account appears in exactly one of `done`
 * (grouped by outcome, ids only to keep state payloads small at 1,000 accounts), `retry` (send
 * these accounts again after a wait) or `failed`.
 */
export interface AdministratorStepOutput {
  region: string;
  service: ServiceName;
  /** The service's home in the Region, when it names one (Detective: the behavior graph ARN). */
  home?: string;
  done: Partial<Record<DoneMark, string[]>>;
  retry: RetryEntry[];
  failed: FailedEntry[];
  attempt: number;
  /** How long the workflow waits before it sends `retry` again (0 when there is nothing to retry). */
  retryAfterSeconds: number;
}

/**
 * What Create Members hands the state machine: its failures grouped (FailedGroup) and its retries
 * by id, so that a pair whose 1,500 accounts all fail or all wait carries little besides its accounts.
 */
export type CreateStepOutput = Omit<AdministratorStepOutput, 'failed' | 'retry'> & {
  failed: FailedGroup[];
  /** The ids to send again: the next attempt takes their emails from the pair's `accounts`. */
  retry: string[];
  /**
   * Every account of the pair, in every attempt so far, was created and invited by this step (the
   * calls' own answers say so) or failed: the first check need not read them to know they wait for
   * their acceptance.
   */
  allInvited: boolean;
  /**
   * Every account of the input's `invitedAccountIds`, in every attempt so far, was invited by this
   * step's calls or failed (false when none is listed): the first check need not read those.
   */
  invitedListed: boolean;
};

/** Parses `value` with `schema`, or throws InvalidInputError naming every bad path and value. */
export function parseInput<Schema extends z.ZodMiniType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
      what,
    );
    return `${path}: ${issue.message}`;
  });
  throw new InvalidInputError(problems.join('; '), problems);
}

/** The workflow's knobs, from the stack parameters; the state machine reads them from the plan. */
export interface WorkflowSettings {
  /** Member-side batches running at once (Region and service pairs always all run at once). */
  maxConcurrency: number;
  /** Member accounts per accept-invitations invocation. */
  memberBatchSize: number;
  /** Tries per account in each administrator-side retry loop. */
  maxAttempts: number;
  pollIntervalSeconds: number;
  /** Check rounds after the first: PollTimeoutMinutes divided by the interval. */
  maxPollRounds: number;
}

/**
 * Accounts past a member limit that counts every member (SERVICE_RULES `memberLimit.counts` "all":
 * Detective's behavior graph) in a Region: that service's memberships there are FAILED, nothing is refused.
 */
export interface OverMemberLimit {
  region: string;
  /** The service whose limit it is. */
  service: ServiceName;
  accountIds: string[];
  reason: string;
}

/**
 * The service a plan's over-limit entry without one meant: plans written before entries named their
 * service (a batch plan in the bucket, read by a child started after an update) had them only for the
 * registry's one limit that counted every member, which stays the first such.
 */
const WHOLE_LIMIT_SERVICE = SERVICE_NAMES.find((name) => SERVICE_RULES[name].memberLimit.counts === 'all');

/** What can start an execution: an event's name, the schedule's sweep, or a person. */
export const PLAN_TRIGGERS = [
  'CreateAccountResult',
  'CreateManagedAccount',
  'UpdateManagedAccount',
  'AccountJoinedOrganization',
  'sweep',
  'manual',
] as const;

/** What a trigger or manual input asked for, resolved and validated: the first step's output. */
export interface Plan {
  administratorId: string;
  trigger: (typeof PLAN_TRIGGERS)[number];
  dryRun: boolean;
  regions: string[];
  services: ServiceName[];
  /** Accounts to onboard, with root emails where known. */
  accounts: Account[];
  /** The same ids alone, for States.ArrayPartition into member-side batches. */
  accountIds: string[];
  /**
   * How many of them Security Hub would invite: accounts Organizations does not list, or all of
   * them when it could not be read (the 1,000 invitation-based members limit counts these).
   */
  invitationBased: number;
  /** Accounts set aside by rule (the administrator, suspended or closed accounts), with why. */
  skipped: { accountId: string; outcome: Outcome; reason: string }[];
  /** Every Region × service, for the administrator-side Map, with where the administrator has each. */
  pairs: LocatedPair[];
  /**
   * Where the administrator has each service: one entry per Region × service it is enabled in, with
   * its home there when the service names one. The member side works only where there is an entry.
   */
  homes: Home[];
  /**
   * The Region × service pairs where the service uses central configuration (Security Hub's):
   * its configuration policies, not muster, decide whether it runs in organization accounts there.
   */
  centrallyConfigured: Pair[];
  /**
   * The accounts outside the organization, which join only by invitation. Listed when the plan mixes
   * them with organization accounts (the create step invites these, and the first check need not read
   * them) or when some pair is centrally configured (the member side enables the service in these only).
   */
  invitedAccountIds: string[];
  /** The Region × service pairs where AWS does not offer the service: their memberships are SERVICE_NOT_OFFERED. */
  notOffered: Pair[];
  /** True when there are accounts to onboard and this is not a dry run. */
  hasWork: boolean;
  /**
   * Per Region, the accounts past a limit that counts every member (Detective's behavior graph): FAILED
   * for that service there.
   */
  overMemberLimit?: OverMemberLimit[];
  settings: WorkflowSettings;
  /** Why there is nothing to do (a failed account creation, no accounts), when so. */
  note?: string;
}

export const outcomeSchema = z.enum(OUTCOMES);

export const outcomeGroupSchema = z.object({
  outcome: outcomeSchema,
  reason: z.optional(reasonSchema),
  pairs: z.array(z.object({ region: regionSchema, service: serviceSchema })),
  accountIds: z.array(accountIdSchema),
});

const locatedPairSchema = z
  .extend(z.object({ region: regionSchema, service: serviceSchema }), locatedSchema.shape)
  .check(z.superRefine((pair, context) => checkHome(pair, context, ['home'])));

/** The administrator's home of one service in one Region (`home` absent where the service names none). */
export interface Home extends Pair {
  home?: string;
}

/** A plan's home entry: a Detective graph ARN of its Region, a GuardDuty detector id; Security Hub names none. */
export const homeEntrySchema = z
  .object({
    region: regionSchema,
    service: serviceSchema,
    home: z.optional(homeSchema),
  })
  .check(z.superRefine((entry, context) => checkHome(entry, context, ['home'])));

/**
 * Memberships the invite step acts on: invitations (the services whose invitation is a call of its
 * own) and memberships to create again (any service: a check found them not a member).
 */
export const invitationGroupSchema = outcomeGroupSchema;

/** Input of the invite step: the memberships the last check found needing an invitation or a creation. */
export const inviteOnboardingInputSchema = z.object({
  /** The plan's pairs: where the administrator has each service. */
  pairs: z.array(locatedPairSchema),
  invitations: z.array(invitationGroupSchema),
  /** Where the check wrote the invitations in the report bucket when they were too many to carry. */
  invitationsKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** The plan's accounts: the emails CreateMembers needs to bring back a Removed organization account. */
  accounts: z.optional(z.array(accountSchema)),
  /** The plan's `invitedAccountIds`: accounts outside the organization, which only an invitation brings back. */
  invitedAccountIds: z.optional(z.array(accountIdSchema)),
  /** What the last check left of the pairs' buckets. */
  pacing: z.optional(pacingSchema),
  executionId: z.optional(executionIdSchema),
});
export type InviteOnboardingInput = z.infer<typeof inviteOnboardingInputSchema>;

/**
 * What the invite step hands the next check: the invitations it could not send, with why, and where
 * in the report bucket it wrote the memberships it created again (null when none).
 */
export interface InviteOnboardingOutput {
  unfinished: OutcomeGroup[];
  createdAgainKey: string | null;
}

/**
 * Input of the check step: every Region × service of the plan, plus what earlier steps recorded
 * that GetMembers cannot show (failed creates, member-side conflicts), oldest first.
 */
export const checkOnboardingInputSchema = z.object({
  regions: z.array(regionSchema).check(z.minLength(1)),
  services: z.array(serviceSchema).check(z.minLength(1)),
  /** The plan's pairs: where the administrator has each service, so the check need not look again. */
  pairs: z.optional(z.array(locatedPairSchema)),
  accounts: z.array(accountSchema),
  /** The plan's `invitedAccountIds`: what a pair's `invitedListed` speaks of. */
  invitedAccountIds: z._default(z.array(accountIdSchema), []),
  skipped: z._default(
    z.array(z.object({ accountId: accountIdSchema, outcome: outcomeSchema, reason: reasonSchema })),
    [],
  ),
  /** The administrator-side Map's output: each pair's failures. */
  administrator: z._default(
    z.array(
      z.object({
        region: regionSchema,
        service: serviceSchema,
        failed: z.array(failedGroupSchema),
        /** The create step's word that it invited every account it did not fail (CreateStepOutput). */
        allInvited: z.optional(z.boolean()),
        /** Its word that it invited every account of `invitedAccountIds` it did not fail. */
        invitedListed: z.optional(z.boolean()),
        /** The error a step of this pair failed with after its retries (Step Functions' Catch output). */
        crashed: z.optional(crashSchema),
        /** What the create step left of the pair's bucket. */
        pacing: z.optional(pacingSchema),
      }),
    ),
    [],
  ),
  /** The invite step's output this round, or its error and the invitations it was given. */
  invited: z._default(
    z.object({
      unfinished: z.array(outcomeGroupSchema),
      crashed: z.optional(crashSchema),
      groups: z.optional(z.array(outcomeGroupSchema)),
      /** The invitations the crashed invite step was given in the report bucket (the check's invitationsKey). */
      groupsKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
      /** What the invite step left of the pairs' buckets. */
      pacing: z.optional(pacingSchema),
      /** Where the invite step wrote the memberships it created again (InviteOnboardingOutput). */
      createdAgainKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
    }),
    { unfinished: [] },
  ),
  /**
   * Where the previous check wrote every membership created again earlier in the run (its report's
   * `createdAgainKey`): none is created again twice from the same outcome.
   */
  createdAgainKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** What the previous check left of the pairs' buckets (its report's `pacing`). */
  pacing: z.optional(pacingSchema),
  /** Where the last check writes what it left, for the next child execution of its group of Regions. */
  pacingKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** The previous round's `carried`: settled outcomes only earlier rounds could see. */
  recorded: z._default(z.array(outcomeGroupSchema), []),
  /** Where the previous check wrote its `carried` groups in the report bucket (null on the first round). */
  recordedKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** The latest member-side Map output: each batch's memberships that are not ENABLED. */
  member: z._default(
    z.array(
      z.object({
        /** A group without pairs is in every Region and service of the plan (compactOutput). */
        unfinished: z.array(
          z.extend(outcomeGroupSchema, { pairs: z.optional(outcomeGroupSchema.shape.pairs) }),
        ),
        /** Where the batch wrote its groups in the report bucket when they were too many to carry. */
        unfinishedKey: z.optional(z.nullable(z.string().check(z.minLength(1)))),
        /** A batch that failed after its retries: its accounts and the error. */
        crashed: z.optional(crashSchema),
        accountIds: z.optional(z.array(accountIdSchema)),
      }),
    ),
    [],
  ),
  round: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  maxRounds: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  /** The stack's member batch size: the next round's batches are this size, or larger when there are many. */
  memberBatchSize: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(50)), 20),
  executionId: z.optional(executionIdSchema),
});
export type CheckOnboardingInput = z.infer<typeof checkOnboardingInputSchema>;

/** The report files of an execution, in the report bucket: one row per requested membership. */
export interface ReportFiles {
  bucket: string;
  /** JSON Lines, one membership a line. */
  jsonl: string;
  /** CSV, the same rows: the parent's report only (a child's is read only by Merge Reports). */
  csv?: string;
  /** HTML, the same rows as a coverage matrix to open or mail (the parent's report only, as `csv`). */
  html?: string;
}

/**
 * What Check Members hands the state machine. Its size does not grow with the number of distinct
 * failures: the groups are a bounded summary (summarizeGroups), what the next round needs is in the
 * report bucket (`carriedKey`), and the last round writes every membership to `files`.
 */
export interface OnboardingReport extends Omit<ReportDecision, 'notEnabled' | 'carried'> {
  round: number;
  /** Memberships requested: accounts × Regions × services, skipped accounts included. */
  total: number;
  /** A few lines for the Fail state's Cause. */
  cause: string;
  /** The first groups of memberships not ENABLED, clipped to fit the state. */
  notEnabled: GroupSummary['groups'];
  /** Whether `notEnabled` lists every membership not ENABLED; when not, the report file does. */
  notEnabledComplete: boolean;
  omitted: GroupSummary['omitted'];
  /** The next round's records (the decision's `carried`) in the report bucket. */
  carriedKey: string;
  /** Written when the run ends (keepPolling false). */
  files?: ReportFiles;
  /** Accounts per member-side batch next round: enough that a round has a bounded number of batches. */
  memberBatchSize: number;
  /** Where `invitations` are when too many to carry (then `invitations` is empty); null when inline. */
  invitationsKey: string | null;
  /**
   * Every membership created again so far in the run, in the report bucket (the next check's
   * `createdAgainKey`); null when none. Check Members always sets it (the batch state machine's
   * Next Round passes it); a merged report has none.
   */
  createdAgainKey?: string | null;
}

/**
 * Accounts one child execution onboards: the plan of 1,000 accounts with their emails, its report
 * and its member batches stay well under 200 KiB (docs/report-bucket.md, "How it is proved").
 */
export const CHILD_BATCH_ACCOUNTS = 1_000;

/** A child execution's share of the plan, in the report bucket: what its Load Batch state reads. */
export interface PlanBatch {
  /** The object holding this batch's Plan. */
  key: string;
  /** Accounts to onboard in it, and skipped accounts it reports. */
  accountCount: number;
  skippedCount: number;
}

/**
 * What Resolve Accounts hands the parent execution when there is work: the plan without its
 * per-account lists (they are in the batches), so the parent's state does not grow with the
 * organization. The lists are empty; the counts say how many there were.
 */
export interface BatchedPlan extends Plan {
  accountCount: number;
  skippedCount: number;
  /**
   * The batches by group of Regions: groups share no Region, so their children run side by side;
   * a group's batches share its Regions' quotas, so they run one after another.
   */
  regionGroups: RegionGroup[];
}

/** The batches of one group of Regions, each with every account batch's share of those Regions. */
export interface RegionGroup {
  regions: string[];
  batches: PlanBatch[];
}

/** Input of a child execution's first state: where its batch is. */
export const batchInputSchema = z.strictObject({ batchKey: z.string().check(z.minLength(1)) });

const settingsSchema = z.object({
  maxConcurrency: z.number().check(z.int(), z.minimum(1)),
  memberBatchSize: z.number().check(z.int(), z.minimum(1)),
  maxAttempts: z.number().check(z.int(), z.minimum(1)),
  pollIntervalSeconds: z.number().check(z.int(), z.minimum(0)),
  maxPollRounds: z.number().check(z.int(), z.minimum(0)),
});

const pairSchema = z.object({ region: regionSchema, service: serviceSchema });

/** A batch's Plan as Resolve Accounts wrote it, read back by the child execution. */
export const planSchema = z.object({
  administratorId: accountIdSchema,
  trigger: z.enum(PLAN_TRIGGERS),
  dryRun: z.boolean(),
  regions: z.array(regionSchema),
  services: z.array(serviceSchema),
  accounts: z.array(accountSchema),
  accountIds: z.array(accountIdSchema),
  invitationBased: z.number().check(z.int(), z.minimum(0)),
  skipped: z.array(z.object({ accountId: accountIdSchema, outcome: outcomeSchema, reason: reasonSchema })),
  pairs: z.array(locatedPairSchema),
  homes: z.array(homeEntrySchema),
  centrallyConfigured: z.optional(z.array(pairSchema)),
  /** What a plan written before `centrallyConfigured` has instead (withCentrallyConfigured reads it). */
  securityHubCentralRegions: z.optional(z.array(regionSchema)),
  invitedAccountIds: z.array(accountIdSchema),
  notOffered: z.array(pairSchema),
  hasWork: z.boolean(),
  overMemberLimit: z.optional(
    z.array(
      z.pipe(
        z.object({
          region: regionSchema,
          service: z.optional(serviceSchema),
          accountIds: z.array(accountIdSchema),
          reason: reasonSchema,
        }),
        z.transform(({ service, ...over }, context): OverMemberLimit => {
          const meant = service ?? WHOLE_LIMIT_SERVICE;
          if (meant === undefined) {
            context.issues.push({ code: 'custom', input: over, message: 'names no service' });
            return z.NEVER;
          }
          return { ...over, service: meant };
        }),
      ),
    ),
  ),
  settings: settingsSchema,
  note: z.optional(z.string()),
});

/**
 * A stored plan with its centrally configured pairs. One written before they were carried (a batch
 * in the bucket, read by a child started after an update) has central Regions instead, which the
 * member side then applied to every service of the plan: the same pairs, the same behaviour.
 */
export function withCentrallyConfigured<
  P extends { services: ServiceName[]; centrallyConfigured?: Pair[]; securityHubCentralRegions?: string[] },
>({
  centrallyConfigured,
  securityHubCentralRegions,
  ...plan
}: P): Omit<P, 'centrallyConfigured' | 'securityHubCentralRegions'> & { centrallyConfigured: Pair[] } {
  return {
    ...plan,
    centrallyConfigured:
      centrallyConfigured ??
      (securityHubCentralRegions ?? []).flatMap((region) =>
        plan.services.map((service) => ({ region, service })),
      ),
  };
}

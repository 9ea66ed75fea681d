import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MAXIMUM_EXCEEDED } from './faults.ts';

// A string, never a number: a JSON number would silently drop leading zeros
// (docs/aws-facts.md, What earlier public tools got wrong).
const ACCOUNT_ID_MESSAGE = 'must be a 12-digit account id written as a string';
const accountId = z.string({ error: ACCOUNT_ID_MESSAGE }).regex(/^\d{12}$/, ACCOUNT_ID_MESSAGE);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a Region name such as eu-west-1');
const regionList = z.union([z.literal('all'), z.array(region)]);
const email = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address');
const seconds = z.number().min(0);

const accountSchema = z.strictObject({
  accountId,
  email,
  name: z.string().min(1).optional(),
  /** The account's organizational unit, as OU names from the root down ("Workloads/Prod"); absent: under the root. */
  ou: z
    .string()
    .regex(/^[^/]+(\/[^/]+)*$/, 'must be OU names separated by "/"')
    .optional(),
  /** CREATED or INVITED: an account of the organization (ListAccounts shows it); OUTSIDE: invitation only. */
  joinedMethod: z.enum(['CREATED', 'INVITED', 'OUTSIDE']),
  state: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED', 'PENDING_ACTIVATION']).default('ACTIVE'),
  /** Opt-in Regions this account has not enabled. */
  disabledRegions: z.array(region).default([]),
  /** Security Hub is already enabled here before anyone asks ("all" = every scenario Region). */
  securityHubEnabledRegions: regionList.default([]),
  /** The account already belongs to another administrator, per service, in every Region. */
  otherAdministrator: z
    .strictObject({
      securityhub: accountId.optional(),
      detective: accountId.optional(),
      guardduty: accountId.optional(),
    })
    .optional(),
  /**
   * GuardDuty is off in this account: no detector in any Region until muster (or the delegated
   * administrator's CreateMembers) turns it on, and meanwhile Detective reports the account
   * ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN. Every other account has a detector in every Region.
   */
  guardDutyOff: z.boolean().default(false),
  /** The root email Detective verifies against, when it is not the email Organizations lists. */
  detectiveEmail: email.optional(),
  memberRoleMissing: z.boolean().default(false),
  memberRoleAppearsAfterSeconds: seconds.optional(),
});

const generateSchema = z.strictObject({
  count: z.number().int().min(1).max(20_000),
  firstAccountId: accountId.default('100000000000'),
  emailDomain: z.string().min(1).default('example.com'),
  joinedMethod: z.enum(['CREATED', 'INVITED', 'OUTSIDE']).default('CREATED'),
  securityHubEnabledRegions: regionList.default([]),
});

const bucketSchema = z.strictObject({ ratePerSecond: z.number().positive(), burst: z.number().int().min(1) });

const faultsSchema = z.strictObject({
  /** Seeds the random number generator behind errorRate, forceUnprocessed.probability and latency jitter. */
  seed: z.number().int().default(1),
  latencyMs: z
    .union([
      seconds,
      z.strictObject({ min: seconds, max: seconds }).refine((l) => l.max >= l.min, 'max < min'),
    ])
    .default(0),
  /** true = AWS's documented rates for Security Hub and Detective (10/s, burst 30); or a bucket per service. */
  throttle: z
    .union([
      z.boolean(),
      z.strictObject({
        securityhub: bucketSchema.optional(),
        detective: bucketSchema.optional(),
        guardduty: bucketSchema.optional(),
        organizations: bucketSchema.optional(),
        sts: bucketSchema.optional(),
      }),
    ])
    .default(false),
  errorRate: z.number().min(0).max(1).default(0),
  forceUnprocessed: z
    .strictObject({
      probability: z.number().min(0).max(1).optional(),
      count: z.number().int().min(1).optional(),
      reason: z.string().min(1).default(MAXIMUM_EXCEEDED),
      services: z
        .array(z.enum(['securityhub', 'detective', 'guardduty']))
        .default(['securityhub', 'detective', 'guardduty']),
    })
    .refine((f) => f.probability !== undefined || f.count !== undefined, 'needs probability or count')
    .optional(),
  verificationDelaySeconds: seconds.default(0),
  invitationVisibleAfterSeconds: seconds.default(0),
  /**
   * Organizations may return an empty page while more remain (docs/aws-facts.md, AWS Organizations): serve
   * one before every real page.
   */
  emptyListPages: z.boolean().default(false),
  /** Actions a service control policy denies the administrator, in `regions`: AccessDeniedException. */
  denied: z
    .array(
      z.strictObject({
        action: z
          .string()
          .regex(
            /^(securityhub|detective|guardduty):[A-Za-z]+$/,
            'must be an action such as securityhub:CreateMembers',
          ),
        regions: regionList.default('all'),
      }),
    )
    .default([]),
});

const scenarioSchema = z
  .strictObject({
    name: z.string().optional(),
    description: z.string().optional(),
    administratorAccountId: accountId,
    administratorEmail: email.default('security-admin@example.com'),
    /** May call Organizations besides the delegated administrator (through an assumed role). */
    managementAccountId: accountId.optional(),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/)
      .default('o-exampleorg1'),
    /** Regions enabled for the administrator. Any other Region behaves as an opt-in Region not enabled. */
    regions: z.array(region).min(1),
    delegatedAdministrator: z.boolean(),
    /** When set, AssumeRole into any other role name is denied. */
    memberRoleName: z.string().min(1).optional(),
    /** When set, the member role's trust policy requires this sts:ExternalId. */
    memberRoleExternalId: z.string().min(2).max(1224).optional(),
    services: z.strictObject({
      securityhub: z.strictObject({
        enabledRegions: regionList,
        /** CENTRAL: the delegated administrator uses central configuration (DescribeOrganizationConfiguration says so). */
        configurationType: z.enum(['LOCAL', 'CENTRAL']).default('LOCAL'),
        /** Regions where AWS does not offer the service: its endpoint's host name does not resolve (endpoints.ts). */
        notOfferedRegions: z.array(region).default([]),
      }),
      detective: z.strictObject({
        enabledRegions: regionList,
        notOfferedRegions: z.array(region).default([]),
      }),
      /** Where the administrator has a GuardDuty detector; left out, every Region. */
      guardduty: z
        .strictObject({
          enabledRegions: regionList,
          notOfferedRegions: z.array(region).default([]),
        })
        .default({ enabledRegions: 'all', notOfferedRegions: [] }),
    }),
    accounts: z.array(accountSchema).default([]),
    generate: generateSchema.optional(),
    faults: faultsSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    const known = new Set(s.regions);
    const checkRegions = (list: string[] | 'all', path: (string | number)[]) => {
      if (list === 'all') return;
      for (const [i, r] of list.entries()) {
        if (!known.has(r))
          ctx.addIssue({ code: 'custom', path: [...path, i], message: `${r} is not in regions` });
      }
    };
    checkRegions(s.services.securityhub.enabledRegions, ['services', 'securityhub', 'enabledRegions']);
    checkRegions(s.services.detective.enabledRegions, ['services', 'detective', 'enabledRegions']);
    checkRegions(s.services.securityhub.notOfferedRegions, ['services', 'securityhub', 'notOfferedRegions']);
    checkRegions(s.services.detective.notOfferedRegions, ['services', 'detective', 'notOfferedRegions']);
    checkRegions(s.services.guardduty.enabledRegions, ['services', 'guardduty', 'enabledRegions']);
    checkRegions(s.services.guardduty.notOfferedRegions, ['services', 'guardduty', 'notOfferedRegions']);
    const seen = new Set<string>([s.administratorAccountId]);
    for (const [i, a] of s.accounts.entries()) {
      if (seen.has(a.accountId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'accountId'],
          message: `${a.accountId} appears twice (or is the administrator)`,
        });
      }
      seen.add(a.accountId);
      checkRegions(a.securityHubEnabledRegions, ['accounts', i, 'securityHubEnabledRegions']);
      for (const service of ['securityhub', 'detective', 'guardduty'] as const) {
        if (a.otherAdministrator?.[service] === s.administratorAccountId) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', i, 'otherAdministrator', service],
            message: 'is the scenario administrator; leave it out instead',
          });
        }
      }
    }
    if (s.managementAccountId !== undefined && !seen.has(s.managementAccountId)) {
      ctx.addIssue({ code: 'custom', path: ['managementAccountId'], message: 'must be one of accounts' });
    }
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioAccount = z.output<typeof accountSchema>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** Validates a scenario object and expands `generate` into `accounts`. Errors name the bad field. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`${source} is not a valid scenario:\n${lines.join('\n')}`);
  }
  // The expanded scenario drops `generate`, so parsing it again gives the same accounts.
  const { generate, ...scenario } = result.data;
  return generate === undefined
    ? scenario
    : { ...scenario, accounts: [...scenario.accounts, ...generateAccounts(result.data)] };
}

export async function loadScenario(path: string): Promise<Scenario> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${path} could not be read as JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}

/** Deterministic accounts: consecutive ids from firstAccountId, skipping ids already taken. */
function generateAccounts(scenario: Scenario): ScenarioAccount[] {
  const spec = scenario.generate;
  if (spec === undefined) return [];
  const taken = new Set([scenario.administratorAccountId, ...scenario.accounts.map((a) => a.accountId)]);
  const accounts: ScenarioAccount[] = [];
  let next = BigInt(spec.firstAccountId);
  while (accounts.length < spec.count) {
    const id = next.toString().padStart(12, '0');
    next += 1n;
    if (id.length > 12) throw new ScenarioError('generate: ran out of 12-digit account ids');
    if (taken.has(id)) continue;
    accounts.push({
      accountId: id,
      email: `aws+${id}@${spec.emailDomain}`,
      name: `member-${accounts.length + 1}`,
      joinedMethod: spec.joinedMethod,
      state: 'ACTIVE',
      disabledRegions: [],
      securityHubEnabledRegions: spec.securityHubEnabledRegions,
      guardDutyOff: false,
      memberRoleMissing: false,
    });
  }
  return accounts;
}

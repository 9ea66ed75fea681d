import * as z from 'zod/mini';
import {
  accountIdSchema,
  accountSchema,
  executionIdSchema,
  type Plan,
  parseInput,
  regionSchema,
  serviceSchema,
} from '#shared/contracts.ts';
import { describeValue, parseAccountId } from '#shared/domain/account-id.ts';
import type { Account } from '#shared/domain/accounts.ts';
import type { ServiceName } from '#shared/domain/services.ts';
import { InvalidInputError } from '#shared/errors.ts';
import { DEPARTURE_METHODS, type DepartureMethod } from '../remove-members/remove-members.ts';

export type TriggerName = Plan['trigger'];

/** What an event or a manual input asks for, before Organizations is consulted. */
export interface OnboardingRequest {
  trigger: TriggerName;
  /**
   * Every account of the organization, or the accounts named (ids validated, not yet de-duplicated).
   * A sweep (trigger 'sweep') also takes every existing member the administrator's member lists show.
   */
  accounts: 'all' | Account[];
  regions?: string[];
  services?: ServiceName[];
  dryRun: boolean;
  /** Set when the event itself says no account was added (a failed creation): why. */
  nothingToDo?: string;
}

export const ACCEPTED_INPUTS =
  'an Organizations CreateAccountResult event, a Control Tower CreateManagedAccount or UpdateManagedAccount event, ' +
  'an Organizations AccountJoinedOrganization event, a scheduled sweep {"sweep": true}, or a manual input {"accounts": [{"accountId": "123456789012", "email": "..."}]} ' +
  'or {"allAccounts": true}, with optional "regions", "services" and "dryRun"';

const EVENT = 'event';
const INPUT = 'input';

function eventSchema<Detail extends z.ZodMiniType>(source: string, detail: Detail) {
  return z.object({ source: z.literal(source), detail });
}

const createAccountResultSchema = eventSchema(
  'aws.organizations',
  z.object({
    serviceEventDetails: z.object({
      createAccountStatus: z.object({
        state: z.string(),
        accountId: z.optional(z.unknown()),
        failureReason: z.optional(z.string()),
      }),
    }),
  }),
);

const managedAccountStatusSchema = z.object({
  state: z.string(),
  message: z.optional(z.string()),
  account: z.optional(z.object({ accountId: z.optional(z.unknown()) })),
});

function controlTowerSchema<Key extends string>(key: Key) {
  const details = { [key]: managedAccountStatusSchema } as { [K in Key]: typeof managedAccountStatusSchema };
  return eventSchema('aws.controltower', z.object({ serviceEventDetails: z.object(details) }));
}

/** Where a field may sit in an AccountJoinedOrganization record: any object, or null as CloudTrail writes it. */
const looseRecord = z.nullish(z.record(z.string(), z.unknown()));

const accountJoinedSchema = eventSchema(
  'aws.organizations',
  z.object({
    serviceEventDetails: looseRecord,
    requestParameters: looseRecord,
    responseElements: looseRecord,
    resources: z.nullish(z.array(z.record(z.string(), z.unknown()))),
  }),
);

const manualSchema = z
  .strictObject({
    accounts: z.optional(z.array(accountSchema).check(z.minLength(1))),
    allAccounts: z.optional(z.literal(true)),
    regions: z.optional(z.array(regionSchema).check(z.minLength(1))),
    services: z.optional(z.array(serviceSchema).check(z.minLength(1))),
    dryRun: z._default(z.boolean(), false),
    /** Step Functions execution id, used as the log correlation id. */
    executionId: z.optional(executionIdSchema),
  })
  .check(
    z.refine((input) => (input.accounts === undefined) !== (input.allAccounts === undefined), {
      error: 'give either "accounts" (a list) or "allAccounts": true, exactly one of them',
    }),
  );

/** What the scheduled sweep sends: the whole organization and every existing member, reconciled. */
const sweepSchema = z.strictObject({
  sweep: z.literal(true),
  dryRun: z._default(z.boolean(), false),
  executionId: z.optional(executionIdSchema),
});

function event(trigger: TriggerName, accountId: string): OnboardingRequest {
  return { trigger, accounts: [{ accountId }], dryRun: false };
}

function nothingToDo(trigger: TriggerName, why: string): OnboardingRequest {
  return { trigger, accounts: [], dryRun: false, nothingToDo: why };
}

function createAccountResult(input: unknown): OnboardingRequest {
  const { detail } = parseInput(createAccountResultSchema, input, EVENT);
  const { state, accountId, failureReason } = detail.serviceEventDetails.createAccountStatus;
  // Only SUCCEEDED means an account exists; FAILED carries e.g. EMAIL_ALREADY_EXISTS
  // (docs/aws-facts.md, Events that announce an account).
  if (state !== 'SUCCEEDED') {
    return nothingToDo(
      'CreateAccountResult',
      `the account creation ended ${state}${failureReason ? ` (${failureReason})` : ''}: no account was created, so there is nothing to onboard`,
    );
  }
  return event(
    'CreateAccountResult',
    parseAccountId(accountId, `${EVENT}.detail.serviceEventDetails.createAccountStatus.accountId`),
  );
}

function managedAccount(
  trigger: 'CreateManagedAccount' | 'UpdateManagedAccount',
  key: 'createManagedAccountStatus' | 'updateManagedAccountStatus',
  input: unknown,
): OnboardingRequest {
  const { detail } = parseInput(controlTowerSchema(key), input, EVENT);
  const { state, message, account } = detail.serviceEventDetails[key];
  if (state !== 'SUCCEEDED') {
    return nothingToDo(
      trigger,
      `Control Tower ${trigger} ended ${state}${message ? ` (${message})` : ''}: no account to onboard`,
    );
  }
  return event(
    trigger,
    parseAccountId(account?.accountId, `${EVENT}.detail.serviceEventDetails.${key}.account.accountId`),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ORGANIZATION_ACCOUNT_ARN = /^arn:[\w-]+:organizations::\d{12}:account\/o-[a-z0-9]+\/(.*)$/;

/**
 * The places an AccountJoinedOrganization or AccountDepartedOrganization event may carry the account. AWS
 * documents the events' names, that they reach the management account, and their method and time fields,
 * not where the account id sits (docs/aws-facts.md, Events that announce an account): these are the places
 * other Organizations records use for it. `nestedKey` is the event's own name under serviceEventDetails.
 */
function accountCandidates(
  detail: z.infer<typeof accountJoinedSchema>['detail'],
  nestedKey: 'accountJoinedOrganization' | 'accountDepartedOrganization',
): [string, unknown][] {
  const at = `${EVENT}.detail`;
  const candidates: [string, unknown][] = [];
  const details = detail.serviceEventDetails;
  if (details) {
    candidates.push([`${at}.serviceEventDetails.accountId`, details.accountId]);
    const nested = details[nestedKey];
    if (isRecord(nested)) {
      candidates.push([`${at}.serviceEventDetails.${nestedKey}.accountId`, nested.accountId]);
    }
  }
  candidates.push([`${at}.requestParameters.accountId`, detail.requestParameters?.accountId]);
  candidates.push([`${at}.responseElements.accountId`, detail.responseElements?.accountId]);
  // A resource's own accountId is its owner's (the management account): only the account ARN names the event's one.
  (detail.resources ?? []).forEach((resource, index) => {
    if (resource.type !== 'AWS::Organizations::Account' || typeof resource.ARN !== 'string') return;
    candidates.push([
      `${at}.resources[${index}].ARN`,
      ORGANIZATION_ACCOUNT_ARN.exec(resource.ARN)?.[1] ?? resource.ARN,
    ]);
  });
  return candidates.filter(([, value]) => value !== undefined && value !== null);
}

/** The one account an event names at every place it names one; refused when absent or contradictory. */
function eventAccount(
  detail: z.infer<typeof accountJoinedSchema>['detail'],
  eventName: 'AccountJoinedOrganization' | 'AccountDepartedOrganization',
): string {
  const nestedKey =
    eventName === 'AccountJoinedOrganization' ? 'accountJoinedOrganization' : 'accountDepartedOrganization';
  const found = accountCandidates(detail, nestedKey).map(
    ([path, value]) => [path, parseAccountId(value, path)] as const,
  );
  const first = found[0];
  const which = eventName === 'AccountJoinedOrganization' ? 'joined' : 'departed';
  if (first === undefined) {
    throw new InvalidInputError(
      `${EVENT}: an ${eventName} event without the ${which} account at any place muster reads it from ` +
        `(detail.serviceEventDetails.accountId, detail.serviceEventDetails.${nestedKey}.accountId, ` +
        'detail.requestParameters.accountId, detail.responseElements.accountId, or a detail.resources[] ' +
        'entry of type AWS::Organizations::Account): nothing was guessed',
    );
  }
  const other = found.find(([, accountId]) => accountId !== first[1]);
  if (other !== undefined) {
    throw new InvalidInputError(
      `${EVENT}: ${first[0]} says ${first[1]} and ${other[0]} says ${other[1]}: which account ${which === 'joined' ? 'joined' : 'left'} is unclear, so nothing was guessed`,
    );
  }
  return first[1];
}

function accountJoinedOrganization(input: unknown): OnboardingRequest {
  const { detail } = parseInput(accountJoinedSchema, input, EVENT);
  return event('AccountJoinedOrganization', eventAccount(detail, 'AccountJoinedOrganization'));
}

/** What an offboarding input asks for, before the stack's Regions and services fill in what it leaves out. */
export interface RemovalTrigger {
  trigger: 'AccountDepartedOrganization' | 'manual' | 'staleMembers';
  /** Empty for staleMembers: the accounts are those Organizations calls inactive when it runs. */
  accountIds: string[];
  regions?: string[];
  services?: ServiceName[];
  dryRun: boolean;
  departure?: DepartureMethod;
  includeActiveOrganizationAccounts: boolean;
}

export const ACCEPTED_REMOVAL_INPUTS =
  'an Organizations AccountDepartedOrganization event, the scheduled stale-member removal {"staleMembers": true}, ' +
  'or a manual input {"remove": {"accounts": ["123456789012"]}} ' +
  'with optional "regions", "services", "dryRun" and "includeActiveOrganizationAccounts"';

/** What the RemoveStaleMembers schedule sends: every closed, suspended or closing account, offboarded. */
const staleMembersSchema = z.strictObject({
  staleMembers: z.literal(true),
  dryRun: z._default(z.boolean(), false),
  executionId: z.optional(executionIdSchema),
});

const manualRemovalSchema = z.strictObject({
  remove: z.strictObject({
    accounts: z.array(accountIdSchema).check(z.minLength(1)),
    regions: z.optional(z.array(regionSchema).check(z.minLength(1))),
    services: z.optional(z.array(serviceSchema).check(z.minLength(1))),
    dryRun: z._default(z.boolean(), false),
    /** Offboard an account the organization still has as ACTIVE: only ever said explicitly. */
    includeActiveOrganizationAccounts: z._default(z.boolean(), false),
  }),
  executionId: z.optional(executionIdSchema),
});

/**
 * The names AWS's API references give the departure method: departedMethod (LeaveOrganization,
 * RemoveAccountFromOrganization: "departedMethod:Left", "departedMethod:Removed") and, in an earlier
 * wording, departureMethod ("departureMethod:LEFT"); docs/aws-facts.md, Events that announce an account.
 */
const DEPARTURE_FIELDS = ['departedMethod', 'departureMethod'] as const;

function isDepartureMethod(value: unknown): value is DepartureMethod {
  return (DEPARTURE_METHODS as readonly unknown[]).includes(value);
}

/**
 * How the account left, under either name, beside the account id or under the event's own name. The
 * references write the values Left and LEFT, so case is ignored. Absent, unknown or contradictory: refused.
 */
function departureMethod(detail: z.infer<typeof accountJoinedSchema>['detail']): DepartureMethod {
  const at = `${EVENT}.detail.serviceEventDetails`;
  const details = detail.serviceEventDetails;
  const nested = isRecord(details?.accountDepartedOrganization)
    ? details.accountDepartedOrganization
    : undefined;
  const found = DEPARTURE_FIELDS.flatMap((field) => [
    [`${at}.${field}`, details?.[field]] as const,
    [`${at}.accountDepartedOrganization.${field}`, nested?.[field]] as const,
  ]).filter(([, value]) => value !== undefined && value !== null);
  const methods = found.map(([path, value]) => {
    const method = typeof value === 'string' ? value.toUpperCase() : undefined;
    if (!isDepartureMethod(method)) {
      throw new InvalidInputError(
        `${path}: ${describeValue(value)} is not a departure method muster knows (Left, Removed, Cleaned, in any case): nothing was guessed`,
      );
    }
    return { path, value: String(value), method };
  });
  const [first] = methods;
  if (first === undefined) {
    throw new InvalidInputError(
      `${EVENT}: an AccountDepartedOrganization event without departedMethod or departureMethod (${at}.departedMethod, ${at}.departureMethod, or either under ${at}.accountDepartedOrganization): nothing was guessed`,
    );
  }
  const other = methods.find(({ method }) => method !== first.method);
  if (other !== undefined) {
    throw new InvalidInputError(
      `${EVENT}: ${first.path} says ${first.value} and ${other.path} says ${other.value}: nothing was guessed`,
    );
  }
  return first.method;
}

function accountDepartedOrganization(input: unknown): RemovalTrigger {
  const { detail } = parseInput(accountJoinedSchema, input, EVENT);
  const accountId = eventAccount(detail, 'AccountDepartedOrganization');
  return {
    trigger: 'AccountDepartedOrganization',
    accountIds: [accountId],
    dryRun: false,
    departure: departureMethod(detail),
    includeActiveOrganizationAccounts: false,
  };
}

function manualRemoval(input: unknown): RemovalTrigger {
  const { remove } = parseInput(manualRemovalSchema, input, INPUT);
  return {
    trigger: 'manual',
    accountIds: [...new Set(remove.accounts)],
    ...(remove.regions === undefined ? {} : { regions: [...new Set(remove.regions)] }),
    ...(remove.services === undefined ? {} : { services: [...new Set(remove.services)] }),
    dryRun: remove.dryRun,
    includeActiveOrganizationAccounts: remove.includeActiveOrganizationAccounts,
  };
}

/** Tells apart the inputs that start an offboarding: a departure event, or a removal asked for by hand. */
export function parseRemovalTrigger(input: unknown): RemovalTrigger {
  if (isRecord(input) && 'detail' in input) {
    const eventName = isRecord(input.detail) ? input.detail.eventName : undefined;
    if (eventName === 'AccountDepartedOrganization') return accountDepartedOrganization(input);
    throw new InvalidInputError(
      `${EVENT}: source ${describeValue(input.source)}, detail.eventName ${describeValue(eventName)} is not an event muster offboards from; accepted: ${ACCEPTED_REMOVAL_INPUTS}`,
    );
  }
  if (isRecord(input) && 'remove' in input) return manualRemoval(input);
  if (isRecord(input) && 'staleMembers' in input) {
    const { dryRun } = parseInput(staleMembersSchema, input, INPUT);
    return { trigger: 'staleMembers', accountIds: [], dryRun, includeActiveOrganizationAccounts: false };
  }
  throw new InvalidInputError(
    `${INPUT}: ${isRecord(input) ? `an object with keys ${JSON.stringify(Object.keys(input))}` : describeValue(input)} is not an input muster offboards from; accepted: ${ACCEPTED_REMOVAL_INPUTS}`,
  );
}

const EVENT_PARSERS: ReadonlyMap<unknown, (input: unknown) => OnboardingRequest> = new Map([
  ['CreateAccountResult', createAccountResult],
  [
    'CreateManagedAccount',
    (input: unknown) => managedAccount('CreateManagedAccount', 'createManagedAccountStatus', input),
  ],
  [
    'UpdateManagedAccount',
    (input: unknown) => managedAccount('UpdateManagedAccount', 'updateManagedAccountStatus', input),
  ],
  ['AccountJoinedOrganization', accountJoinedOrganization],
]);

function sweep(input: unknown): OnboardingRequest {
  const { dryRun } = parseInput(sweepSchema, input, INPUT);
  return { trigger: 'sweep', accounts: 'all', dryRun };
}

function manual(input: unknown): OnboardingRequest {
  const { accounts, regions, services, dryRun } = parseInput(manualSchema, input, INPUT);
  return {
    trigger: 'manual',
    accounts: accounts ?? 'all',
    ...(regions === undefined ? {} : { regions: [...new Set(regions)] }),
    ...(services === undefined ? {} : { services: [...new Set(services)] }),
    dryRun,
  };
}

/**
 * A departure given to the onboarding (a replayed dead letter, say): it names the offboarding, which
 * takes it, and the account when the event holds a readable one.
 */
function departureRefused(input: unknown): InvalidInputError {
  let account = '<account id>';
  try {
    account = accountDepartedOrganization(input).accountIds[0] ?? account;
  } catch {
    // An unreadable departure: the message still says where a departure goes.
  }
  return new InvalidInputError(
    `${EVENT}: detail.eventName "AccountDepartedOrganization" is not an event muster starts from: a departure starts the offboarding state machine (the stack's OffboardingStateMachineArn, as muster's departure rule does), not an onboarding; from the CLI: muster remove --accounts ${account}`,
  );
}

/**
 * Tells apart the inputs that start an onboarding and reads each at its documented field path. Event names
 * are compared exactly, as event patterns compare them (docs/aws-facts.md, Events that announce an account).
 */
export function parseTrigger(input: unknown): OnboardingRequest {
  if (isRecord(input) && 'detail' in input) {
    const eventName = isRecord(input.detail) ? input.detail.eventName : undefined;
    const parse = EVENT_PARSERS.get(eventName);
    if (parse !== undefined) return parse(input);
    if (eventName === 'AccountDepartedOrganization') throw departureRefused(input);
    throw new InvalidInputError(
      `${EVENT}: source ${describeValue(input.source)}, detail.eventName ${describeValue(eventName)} is not an event muster starts from; accepted: ${ACCEPTED_INPUTS}`,
    );
  }
  if (isRecord(input) && 'sweep' in input) return sweep(input);
  if (isRecord(input) && ('accounts' in input || 'allAccounts' in input)) return manual(input);
  throw new InvalidInputError(
    `${INPUT}: ${isRecord(input) ? `an object with keys ${JSON.stringify(Object.keys(input))}` : describeValue(input)} is not an input muster starts from; accepted: ${ACCEPTED_INPUTS}`,
  );
}

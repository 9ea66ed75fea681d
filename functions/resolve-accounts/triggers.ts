import * as z from 'zod';
import {
  accountSchema,
  executionIdSchema,
  type Plan,
  parseInput,
  regionSchema,
  serviceSchema,
} from '../shared/contracts.ts';
import { describeValue, parseAccountId } from '../shared/domain/account-id.ts';
import type { Account } from '../shared/domain/accounts.ts';
import type { ServiceName } from '../shared/domain/services.ts';
import { InvalidInputError } from '../shared/errors.ts';

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

function eventSchema<Detail extends z.ZodType>(source: string, detail: Detail) {
  return z.object({ source: z.literal(source), detail });
}

const createAccountResultSchema = eventSchema(
  'aws.organizations',
  z.object({
    serviceEventDetails: z.object({
      createAccountStatus: z.object({
        state: z.string(),
        accountId: z.unknown().optional(),
        failureReason: z.string().optional(),
      }),
    }),
  }),
);

const managedAccountStatusSchema = z.object({
  state: z.string(),
  message: z.string().optional(),
  account: z.object({ accountId: z.unknown().optional() }).optional(),
});

function controlTowerSchema<Key extends string>(key: Key) {
  const details = { [key]: managedAccountStatusSchema } as { [K in Key]: typeof managedAccountStatusSchema };
  return eventSchema('aws.controltower', z.object({ serviceEventDetails: z.object(details) }));
}

/** Where a field may sit in an AccountJoinedOrganization record: any object, or null as CloudTrail writes it. */
const looseRecord = z.record(z.string(), z.unknown()).nullish();

const accountJoinedSchema = eventSchema(
  'aws.organizations',
  z.object({
    serviceEventDetails: looseRecord,
    requestParameters: looseRecord,
    responseElements: looseRecord,
    resources: z.array(z.record(z.string(), z.unknown())).nullish(),
  }),
);

const manualSchema = z
  .strictObject({
    accounts: z.array(accountSchema).min(1).optional(),
    allAccounts: z.literal(true).optional(),
    regions: z.array(regionSchema).min(1).optional(),
    services: z.array(serviceSchema).min(1).optional(),
    dryRun: z.boolean().default(false),
    /** Step Functions execution id, used as the log correlation id. */
    executionId: executionIdSchema.optional(),
  })
  .refine((input) => (input.accounts === undefined) !== (input.allAccounts === undefined), {
    error: 'give either "accounts" (a list) or "allAccounts": true, exactly one of them',
  });

/** What the scheduled sweep sends: the whole organization and every existing member, reconciled. */
const sweepSchema = z.strictObject({
  sweep: z.literal(true),
  dryRun: z.boolean().default(false),
  executionId: executionIdSchema.optional(),
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
 * The places an AccountJoinedOrganization event may carry the joined account. AWS documents the event's
 * name, that it reaches the management account, and its joinedMethod and joinedTime fields, not where
 * the account id sits (docs/aws-facts.md, Events that announce an account): these are the places other
 * Organizations records use for it.
 */
function joinedAccountCandidates(detail: z.infer<typeof accountJoinedSchema>['detail']): [string, unknown][] {
  const at = `${EVENT}.detail`;
  const candidates: [string, unknown][] = [];
  const details = detail.serviceEventDetails;
  if (details) {
    candidates.push([`${at}.serviceEventDetails.accountId`, details.accountId]);
    const nested = details.accountJoinedOrganization;
    if (isRecord(nested)) {
      candidates.push([`${at}.serviceEventDetails.accountJoinedOrganization.accountId`, nested.accountId]);
    }
  }
  candidates.push([`${at}.requestParameters.accountId`, detail.requestParameters?.accountId]);
  candidates.push([`${at}.responseElements.accountId`, detail.responseElements?.accountId]);
  // A resource's own accountId is its owner's (the management account): only the account ARN names the joined one.
  (detail.resources ?? []).forEach((resource, index) => {
    if (resource.type !== 'AWS::Organizations::Account' || typeof resource.ARN !== 'string') return;
    candidates.push([
      `${at}.resources[${index}].ARN`,
      ORGANIZATION_ACCOUNT_ARN.exec(resource.ARN)?.[1] ?? resource.ARN,
    ]);
  });
  return candidates.filter(([, value]) => value !== undefined && value !== null);
}

function accountJoinedOrganization(input: unknown): OnboardingRequest {
  const { detail } = parseInput(accountJoinedSchema, input, EVENT);
  const found = joinedAccountCandidates(detail).map(
    ([path, value]) => [path, parseAccountId(value, path)] as const,
  );
  const first = found[0];
  if (first === undefined) {
    throw new InvalidInputError(
      `${EVENT}: an AccountJoinedOrganization event without the joined account at any place muster reads it from ` +
        '(detail.serviceEventDetails.accountId, detail.serviceEventDetails.accountJoinedOrganization.accountId, ' +
        'detail.requestParameters.accountId, detail.responseElements.accountId, or a detail.resources[] ' +
        'entry of type AWS::Organizations::Account): nothing was guessed',
    );
  }
  const other = found.find(([, accountId]) => accountId !== first[1]);
  if (other !== undefined) {
    throw new InvalidInputError(
      `${EVENT}: ${first[0]} says ${first[1]} and ${other[0]} says ${other[1]}: which account joined is unclear, so nothing was guessed`,
    );
  }
  return event('AccountJoinedOrganization', first[1]);
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
 * Tells apart the inputs that start an onboarding and reads each at its documented field path. Event names
 * are compared exactly, as event patterns compare them (docs/aws-facts.md, Events that announce an account).
 */
export function parseTrigger(input: unknown): OnboardingRequest {
  if (isRecord(input) && 'detail' in input) {
    const eventName = isRecord(input.detail) ? input.detail.eventName : undefined;
    const parse = EVENT_PARSERS.get(eventName);
    if (parse !== undefined) return parse(input);
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

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
  /** Every account of the organization, or the accounts named (ids validated, not yet de-duplicated). */
  accounts: 'all' | Account[];
  regions?: string[];
  services?: ServiceName[];
  dryRun: boolean;
  /** Set when the event itself says no account was added (a failed creation): why. */
  nothingToDo?: string;
}

export const ACCEPTED_INPUTS =
  'an Organizations CreateAccountResult event, a Control Tower CreateManagedAccount or UpdateManagedAccount event, ' +
  'an Organizations AcceptHandshake event, or a manual input {"accounts": [{"accountId": "123456789012", "email": "..."}]} ' +
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

const acceptHandshakeSchema = eventSchema(
  'aws.organizations',
  z.object({
    userIdentity: z.object({ accountId: z.unknown().optional() }).optional(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    responseElements: z
      .object({
        handshake: z.object({
          state: z.string(),
          action: z.string().optional(),
          parties: z.array(z.object({ id: z.unknown().optional(), type: z.string() })),
        }),
      })
      .nullish(),
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

function acceptHandshake(input: unknown): OnboardingRequest {
  // The handshake is under detail.responseElements, where EventBridge puts the CloudTrail record
  // (docs/aws-facts.md, Events that announce an account).
  const { detail } = parseInput(acceptHandshakeSchema, input, EVENT);
  if (detail.errorCode !== undefined) {
    return nothingToDo(
      'AcceptHandshake',
      `the AcceptHandshake call failed (${detail.errorCode}${detail.errorMessage ? `: ${detail.errorMessage}` : ''}): no account joined`,
    );
  }
  const handshake = detail.responseElements?.handshake;
  if (handshake === undefined) {
    throw new InvalidInputError(
      `${EVENT}.detail.responseElements.handshake: missing; a successful AcceptHandshake event carries the accepted handshake`,
    );
  }
  if (handshake.state !== 'ACCEPTED') {
    return nothingToDo(
      'AcceptHandshake',
      `the handshake is ${handshake.state}, not ACCEPTED: no account joined`,
    );
  }
  // ENABLE_ALL_FEATURES and APPROVE_ALL_FEATURES handshakes are accepted by accounts already in the organization.
  if (handshake.action !== undefined && handshake.action !== 'INVITE') {
    return nothingToDo(
      'AcceptHandshake',
      `the accepted handshake is ${handshake.action}, not INVITE: no account joined the organization`,
    );
  }
  const index = handshake.parties.findIndex(({ type }) => type === 'ACCOUNT');
  if (index >= 0) {
    return event(
      'AcceptHandshake',
      parseAccountId(
        handshake.parties[index]?.id,
        `${EVENT}.detail.responseElements.handshake.parties[${index}].id`,
      ),
    );
  }
  // An invitation sent to an email has an EMAIL party instead; only the joining account may accept it, so it is the caller.
  return event(
    'AcceptHandshake',
    parseAccountId(detail.userIdentity?.accountId, `${EVENT}.detail.userIdentity.accountId`),
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
  ['AcceptHandshake', acceptHandshake],
]);

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  if (isRecord(input) && ('accounts' in input || 'allAccounts' in input)) return manual(input);
  throw new InvalidInputError(
    `${INPUT}: ${isRecord(input) ? `an object with keys ${JSON.stringify(Object.keys(input))}` : describeValue(input)} is not an input muster starts from; accepted: ${ACCEPTED_INPUTS}`,
  );
}

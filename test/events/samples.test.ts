import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { acceptInvitationsInputSchema } from '../../functions/accept-invitations/contract.ts';
import { mergeReportsInputSchema } from '../../functions/merge-reports/merge-reports.ts';
import { parseRemovalTrigger, parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import {
  administratorStepInputSchema,
  checkOnboardingInputSchema,
  inviteOnboardingInputSchema,
  parseInput,
} from '../../functions/shared/contracts.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { readTemplate } from '../template/template.ts';

type Json = Record<string, unknown>;
const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** The execution input as a state machine hands it to its first function, or as given to `sam local invoke`. */
const request = (input: unknown): unknown =>
  typeof input === 'object' && input !== null && 'request' in input && 'executionId' in input
    ? (input as { request: unknown }).request
    : input;

type Parser = (input: unknown) => unknown;
const ONBOARDING: Parser = (input) => parseTrigger(request(input));
const OFFBOARDING: Parser = (input) => parseRemovalTrigger(request(input));

/** What each function parses its input with, before any AWS call (its handler.ts). */
const FUNCTION_PARSERS: Record<string, Parser> = {
  'accept-invitations': (input) => parseInput(acceptInvitationsInputSchema, input, 'input'),
  'check-members': (input) => parseInput(checkOnboardingInputSchema, input, 'input'),
  'create-members': (input) => parseInput(administratorStepInputSchema, input, 'input'),
  'invite-members': (input) => parseInput(inviteOnboardingInputSchema, input, 'input'),
  'merge-reports': (input) => parseInput(mergeReportsInputSchema, input, 'input'),
  'remove-members': OFFBOARDING,
  'resolve-accounts': ONBOARDING,
  // Execution inputs: what the onboarding state machine's first function reads.
  manual: ONBOARDING,
};

/**
 * Each trigger sample, with the template.yaml rule that starts an execution from it (none: the
 * schedule sends the sweep, and a failed creation is filtered out by its rule) and the state machine
 * whose first function reads it.
 */
const TRIGGERS: Record<string, { rule?: string; machine: 'onboarding' | 'offboarding' }> = {
  'account-departed-organization-cleaned.json': { rule: 'AccountDeparted', machine: 'offboarding' },
  'account-departed-organization-left.json': { rule: 'AccountDeparted', machine: 'offboarding' },
  'account-departed-organization-removed.json': { rule: 'AccountDeparted', machine: 'offboarding' },
  'account-joined-organization-created.json': { rule: 'AccountJoined', machine: 'onboarding' },
  'account-joined-organization-invited.json': { rule: 'AccountJoined', machine: 'onboarding' },
  'control-tower-create-managed-account.json': { rule: 'ManagedAccountCreated', machine: 'onboarding' },
  'control-tower-update-managed-account.json': { rule: 'ManagedAccountCreated', machine: 'onboarding' },
  'create-account-result-failed.json': { machine: 'onboarding' },
  'create-account-result-succeeded.json': { rule: 'AccountCreated', machine: 'onboarding' },
  'scheduled-sweep.json': { machine: 'onboarding' },
};

const folders = readdirSync('events').filter((name) => statSync(`events/${name}`).isDirectory());
const samples = (folder: string) => readdirSync(`events/${folder}`).filter((file) => file.endsWith('.json'));

/**
 * EventBridge's matching for the pattern features muster's rules use: a list of exact values (an
 * array value matches when any element does), nested objects, and `$or`. Any other operator throws,
 * so a new one cannot pass unnoticed (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 */
function matches(pattern: Json, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as Json[]).some((alternative) => matches(alternative, event));
    const value = (event as Json | null | undefined)?.[key];
    if (!Array.isArray(expected)) return matches(expected as Json, value);
    for (const item of expected)
      if (typeof item === 'object' && item !== null)
        throw new Error(`pattern operator ${JSON.stringify(item)} is not modelled here`);
    return [value].flat().some((item) => expected.includes(item));
  });
}

const template = readTemplate('template.yaml');
const rules = Object.entries(template.Resources).flatMap(([machineId, resource]) =>
  Object.entries(
    (resource.Properties?.Events ?? {}) as Record<string, { Type: string; Properties: { Pattern: Json } }>,
  )
    .filter(([, event]) => event.Type === 'EventBridgeRule')
    .map(([name, event]) => ({ name, machineId, pattern: event.Properties.Pattern })),
);
/** The forwarder's rules' patterns: it sends on what any of them matches. */
const forwarded = Object.values(readTemplate('events-forwarder.yaml').Resources)
  .filter(({ Type }) => Type === 'AWS::Events::Rule')
  .map(({ Properties }) => Properties?.EventPattern as Json);
const MACHINES = { onboarding: 'OnboardingStateMachine', offboarding: 'OffboardingStateMachine' } as const;

describe('the sample inputs in events/', () => {
  it('has a parser here for every folder, so every sample is checked', () => {
    expect(folders.sort()).toEqual([...Object.keys(FUNCTION_PARSERS), 'triggers'].sort());
    expect(samples('triggers').sort()).toEqual(Object.keys(TRIGGERS).sort());
  });

  it.each(Object.keys(FUNCTION_PARSERS).flatMap((folder) => samples(folder).map((file) => [folder, file])))(
    '%s/%s is read by the function it is for (a mangled-* sample is refused)',
    (folder, file) => {
      const parse = FUNCTION_PARSERS[folder] as Parser;
      const input = read(`events/${folder}/${file}`);
      if (file.startsWith('mangled-')) {
        expect(() => parse(input)).toThrow(InvalidInputError);
        return;
      }
      expect(() => parse(input)).not.toThrow();
    },
  );

  it.each(Object.entries(TRIGGERS))(
    'triggers/%s starts the state machine it is for through its rule (and the forwarder), or through none as listed',
    (file, { rule, machine }) => {
      const event = read(`events/triggers/${file}`);
      expect(rules.filter(({ pattern }) => matches(pattern, event)).map(({ name }) => name)).toEqual(
        rule === undefined ? [] : [rule],
      );
      if (rule !== undefined)
        expect(rules.find(({ name }) => name === rule)?.machineId).toBe(MACHINES[machine]);
      // The forwarder sends on exactly what muster's rules match (events-forwarder.yaml).
      expect(forwarded.some((pattern) => matches(pattern, event))).toBe(rule !== undefined);
      expect(() => (machine === 'onboarding' ? ONBOARDING : OFFBOARDING)(event)).not.toThrow();
    },
  );

  it("keeps every forwarder pattern in the documented forms: no $or at a pattern's top", () => {
    expect(forwarded.length).toBeGreaterThan(0);
    for (const pattern of forwarded)
      expect(Object.keys(pattern as Record<string, Json>)).not.toContain('$or');
  });

  it('gives sam local invoke an environment file in its {"Parameters": {...}} form, every value a string', () => {
    const environment = read('events/env.standin.json') as { Parameters: Json };
    expect(Object.keys(environment)).toEqual(['Parameters']);
    for (const value of Object.values(environment.Parameters)) expect(typeof value).toBe('string');
  });
});

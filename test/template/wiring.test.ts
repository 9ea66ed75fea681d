import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as errors from '../../functions/shared/errors.ts';
import { ERROR_NAMES } from '../../functions/shared/errors.ts';
import { functionNames } from '../../scripts/build.ts';
import { functionsOf, kebab, readTemplate } from './template.ts';

const template = readTemplate('template.yaml');
interface MachineProperties {
  DefinitionUri: string;
  DefinitionSubstitutions: Record<string, unknown>;
  Logging: { IncludeExecutionData: boolean };
  Tracing: { Enabled: boolean };
  Events: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}
const machine = template.Resources.OnboardingStateMachine?.Properties as unknown as MachineProperties;
const batchMachine = template.Resources.BatchStateMachine?.Properties as unknown as MachineProperties;
const offboardingMachine = template.Resources.OffboardingStateMachine
  ?.Properties as unknown as MachineProperties;
const functions = functionsOf(template);

/** Every value of `key` anywhere in the definition. */
function collect(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const item of node) collect(item, key, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [name, value] of Object.entries(node)) {
      if (name === key) found.push(value);
      collect(value, key, found);
    }
  }
  return found;
}

describe.each([
  ['parent (OnboardingStateMachine)', machine, ERROR_NAMES],
  ['child (BatchStateMachine)', batchMachine, ERROR_NAMES],
  // Remove Members refuses only bad input or configuration; it has no administrator-side limits to reject.
  ['offboarding (OffboardingStateMachine)', offboardingMachine, ['InvalidInputError', 'ConfigurationError']],
] as const)('the %s state machine definition', (_, machine, errorNames) => {
  const aslText = readFileSync(machine.DefinitionUri, 'utf8');
  const asl = JSON.parse(aslText);

  it('is valid ASL (asl-validator)', () => {
    const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
      isValid: boolean;
      errors: unknown[];
    };
    const result = validate(JSON.parse(aslText));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses every DefinitionSubstitutions key and has a key for every placeholder', () => {
    const placeholders = new Set([...aslText.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(machine.DefinitionSubstitutions).sort());
  });

  it('matches only error names that errors.ts exports, besides the States, Lambda and runtime ones', () => {
    const names = new Set((collect(asl, 'ErrorEquals') as string[][]).flat());
    const custom = [...names].filter(
      (name) => !/^(States|Lambda|Sandbox|Runtime|StepFunctions)\./.test(name),
    );
    expect(custom.sort()).toEqual([...errorNames].sort());
    for (const name of errorNames) {
      const ErrorClass = (errors as unknown as Record<string, new (message: string) => Error>)[name];
      expect(ErrorClass && new ErrorClass('x').name).toBe(name);
    }
  });

  it('uses JSONPath only: no JSONata, Assign, ItemReader or ItemBatcher (aws-local-stepfunctions cannot run them)', () => {
    for (const key of ['QueryLanguage', 'Assign', 'ItemReader', 'ItemBatcher', 'Arguments', 'Output']) {
      expect(collect(asl, key), key).toEqual([]);
    }
  });

  it('gives every Task a TimeoutSeconds of its own (aws-local-stepfunctions otherwise stops a task after 60 s)', () => {
    const tasks = collect(asl, 'States').flatMap((states) =>
      Object.entries(states as Record<string, { Type: string; TimeoutSeconds?: number }>).filter(
        ([, state]) => state.Type === 'Task',
      ),
    );
    for (const [name, task] of tasks) expect(task.TimeoutSeconds, name).toBeGreaterThanOrEqual(900);
  });

  // AWS's list of transient Lambda service errors, and Lambda out of concurrency (docs/aws-facts.md, Step Functions).
  it('retries the Lambda service errors with full jitter on every task', () => {
    const tasks = collect(asl, 'States').flatMap((states) =>
      Object.values(
        states as Record<
          string,
          {
            Type: string;
            Resource?: string;
            Retry?: { ErrorEquals: string[]; JitterStrategy?: string }[];
          }
        >,
      ),
    );
    const lambdaTasks = tasks.filter(
      ({ Type, Resource }) => Type === 'Task' && /FunctionArn\}$/.test(Resource ?? ''),
    );
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const task of lambdaTasks) {
      expect(task.Retry?.[0]).toMatchObject({
        ErrorEquals: [
          'Lambda.ClientExecutionTimeoutException',
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
        ],
        JitterStrategy: 'FULL',
      });
    }
  });
});

describe('template.yaml', () => {
  it('has one function per functions/<name>/handler.ts, and the definition file exists with that exact case', () => {
    expect(functions.map(([logicalId]) => kebab(logicalId)).sort()).toEqual(functionNames());
    expect(readdirSync('statemachines')).toContain(machine.DefinitionUri.split('/')[1]);
    expect(readdirSync('statemachines')).toContain(batchMachine.DefinitionUri.split('/')[1]);
  });

  it('has sample events for every function', () => {
    for (const [logicalId] of functions) {
      const folder = `events/${kebab(logicalId)}`;
      expect(existsSync(folder), folder).toBe(true);
      expect(readdirSync(folder).filter((file) => file.endsWith('.json')).length, folder).toBeGreaterThan(0);
    }
  });

  it('runs on nodejs22.x, arm64, with tracing and the Powertools settings', () => {
    expect(template.Globals.Function).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Tracing: 'Active',
      Environment: {
        Variables: { POWERTOOLS_SERVICE_NAME: 'muster', POWERTOOLS_METRICS_NAMESPACE: 'Muster' },
      },
    });
  });

  it('logs executions without their data (emails are personal data) and traces them', () => {
    expect(machine.Logging.IncludeExecutionData).toBe(false);
    expect(machine.Tracing.Enabled).toBe(true);
  });

  it('starts executions from the three new-account events, each with a retry policy and a dead-letter queue', () => {
    const rules = Object.values(machine.Events);
    expect(rules).toHaveLength(3);
    for (const rule of rules) {
      expect(rule.Type).toBe('EventBridgeRule');
      expect(rule.Properties).toHaveProperty('RetryPolicy');
      expect(rule.Properties).toHaveProperty('DeadLetterConfig');
    }
    const patterns = JSON.stringify(rules.map(({ Properties }) => Properties.Pattern));
    for (const eventName of [
      'CreateAccountResult',
      'CreateManagedAccount',
      'UpdateManagedAccount',
      'AccountJoinedOrganization',
    ]) {
      expect(patterns).toContain(eventName);
    }
    // Only successful creations start an onboarding (docs/aws-facts.md, Events that announce an account).
    expect(patterns).toContain('"createAccountStatus":{"state":["SUCCEEDED"]}');
    // AcceptHandshake is recorded in the joining account: a rule for it here could never fire.
    expect(patterns).not.toContain('AcceptHandshake');
  });

  it('has the parameters the README documents, with safe defaults', () => {
    expect(Object.keys(template.Parameters)).toEqual(
      expect.arrayContaining([
        'Regions',
        'Services',
        'MemberRoleName',
        'MemberRoleExternalId',
        'EnableDefaultStandards',
        'DetectiveDisableEmailNotification',
        'InvitationMessage',
        'PollTimeoutMinutes',
        'MaxConcurrency',
        'AllowTakeOver',
        'NotificationEmail',
      ]),
    );
    expect(template.Parameters.AllowTakeOver?.Default).toBe('false');
    expect(template.Parameters.MemberRoleExternalId?.NoEcho).toBe(true);
  });
});

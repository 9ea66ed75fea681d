import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { RemovalOutput } from '../../functions/remove-members/remove-members.ts';
import { DEFAULT_SERVICES } from '../../functions/shared/domain/services.ts';
import type { StandIn } from '../../local/standin/index.ts';
// For its side effect too: it gives Node 20 the Promise.withResolvers aws-local-stepfunctions uses.
import '../../local/runner/run-workflow.ts';
import { lambdaContext } from '../../local/runner/lambda-context.ts';

const DEFINITION_PATH = 'statemachines/offboarding.asl.json';

export interface LocalOffboarding {
  status: 'SUCCEEDED' | 'FAILED';
  /** What Remove Members returned; absent when it refused the input. */
  removal?: RemovalOutput;
  error?: string;
  cause?: string;
}

/**
 * Runs the real offboarding state machine file with aws-local-stepfunctions, its one task bound to
 * the real remove-members handler in this process, against a stand-in: the offboarding twin of the
 * onboarding runner (local/runner/), small enough not to need its containers.
 */
export async function runOffboardingLocally(options: {
  standIn: StandIn;
  input: unknown;
  services?: string;
}): Promise<LocalOffboarding> {
  const { standIn } = options;
  const administratorId = standIn.scenario.administratorAccountId;
  Object.assign(process.env, {
    ...standIn.env,
    ADMINISTRATOR_ACCOUNT_ID: administratorId,
    DEFAULT_REGIONS: standIn.scenario.regions.join(','),
    DEFAULT_SERVICES: options.services ?? DEFAULT_SERVICES.join(','),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_MANUAL_MODE: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  // Imported only now: the handler's logger reads its level from the environment set above.
  const { createHandler } = await import('../../functions/remove-members/handler.ts');
  const handler = createHandler();
  const definition = JSON.parse(
    readFileSync(DEFINITION_PATH, 'utf8').replace(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the ASL's DefinitionSubstitutions placeholder
      '${RemoveMembersFunctionArn}',
      `arn:aws:lambda:us-east-1:${administratorId}:function:muster-remove-members`,
    ),
  );
  let removal: RemovalOutput | undefined;
  const name = `local-remove-${Date.now()}`;
  const execution = new StateMachine(definition).run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        'Remove Members': async (input: unknown) => {
          removal = (await handler(
            input,
            lambdaContext('muster-remove-members', administratorId),
          )) as RemovalOutput;
          return removal as never;
        },
      },
      retryIntervalOverrides: { 'Remove Members': 1 },
    },
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:${administratorId}:execution:muster-offboarding:${name}`,
        Name: name,
        StartTime: new Date().toISOString(),
        Input: options.input as never,
      },
    },
  });
  try {
    await execution.result;
    return { status: 'SUCCEEDED', ...(removal === undefined ? {} : { removal }) };
  } catch (error) {
    // ExecutionError wraps the failing state's error: its name is Error, its message the Cause.
    const failure = ((error as { cause?: unknown }).cause ?? error) as Error;
    return {
      status: 'FAILED',
      error: failure.name,
      cause: failure.message,
      ...(removal === undefined ? {} : { removal }),
    };
  }
}

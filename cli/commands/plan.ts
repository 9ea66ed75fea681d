import { resolve } from 'node:path';
import { DetectiveClient } from '@aws-sdk/client-detective';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { readResolveConfig } from '../../functions/resolve-accounts/config.ts';
import {
  type ResolveAccountsDeps,
  resolveAccounts,
} from '../../functions/resolve-accounts/resolve-accounts.ts';
import { perRegion } from '../../functions/shared/aws/clients.ts';
import type { Env } from '../../functions/shared/config.ts';
import { parseTrigger } from '../../functions/shared/domain/triggers.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { detectiveGraphLocator } from '../../functions/shared/services/detective.ts';
import { organizationsDirectory } from '../../functions/shared/services/organizations.ts';
import { securityHubLocator } from '../../functions/shared/services/securityhub.ts';
import { HEALTHY_SCENARIO } from '../../local/runner/run-workflow.ts';
import { startStandIn } from '../../local/standin/index.ts';
import {
  type AwsOptions,
  administratorAccount,
  awsTarget,
  type ClientTarget,
  clientConfig,
  describeStack,
  resolveRegion,
} from '../aws.ts';
import { EXIT } from '../exit-codes.ts';
import { type InputOptions, loadInput, NO_ACCOUNTS_MESSAGE } from '../input.ts';
import { coloursFor, type Io } from '../io.ts';
import { planJson, planText } from '../render.ts';
import { loadLocalScenario } from './local.ts';

export interface PlanOptions extends InputOptions, AwsOptions {
  administratorId?: string;
  stackName?: string;
  local?: boolean;
  scenario?: string;
  json?: boolean;
}

/** The first step's dependencies over real SDK clients, aimed at AWS or at the stand-in. */
function resolveDeps(env: Env, target: ClientTarget): ResolveAccountsDeps {
  const config = readResolveConfig(env);
  return {
    administratorId: config.administratorId,
    defaultRegions: config.defaultRegions,
    defaultServices: config.defaultServices,
    organizations: organizationsDirectory(
      new OrganizationsClient(clientConfig(target, config.organizationsRegion)),
    ),
    settings: config.settings,
    detective: perRegion((region) =>
      detectiveGraphLocator(new DetectiveClient(clientConfig(target, region))),
    ),
    securityHub: perRegion((region) =>
      securityHubLocator(new SecurityHubClient(clientConfig(target, region))),
    ),
  };
}

/**
 * The stack parameters that shape a plan, as the Lambda's environment (template.yaml): without a
 * stack, an input without Regions plans the CLI's own Region.
 */
async function awsEnv(options: PlanOptions, target: ClientTarget): Promise<Env> {
  const region = await resolveRegion(options);
  const administratorId = await administratorAccount(options.administratorId, target, region);
  const parameters =
    options.stackName === undefined
      ? {}
      : (await describeStack(options.stackName, target, region)).parameters;
  return {
    AWS_REGION: region,
    ADMINISTRATOR_ACCOUNT_ID: administratorId,
    DEFAULT_REGIONS: parameters.Regions ?? region,
    DEFAULT_SERVICES: parameters.Services,
    MAX_CONCURRENCY: parameters.MaxConcurrency,
    POLL_TIMEOUT_MINUTES: parameters.PollTimeoutMinutes,
  };
}

/** `muster plan`: the workflow's first step, run here; it only reads (Organizations, Detective ListGraphs). */
export async function planCommand(options: PlanOptions, io: Io): Promise<number> {
  const input = await loadInput(options, io.cwd);
  if (input === undefined) throw new InvalidInputError(NO_ACCOUNTS_MESSAGE);
  // resolveAccounts parses it again; this first pass refuses a bad input before any credentials are needed.
  parseTrigger(input);
  let plan: Awaited<ReturnType<typeof resolveAccounts>>;
  if (options.local === true) {
    const scenario = await loadLocalScenario(resolve(io.cwd, options.scenario ?? HEALTHY_SCENARIO));
    const standIn = await startStandIn({ scenario, timeScale: 0.01 });
    try {
      const env = {
        AWS_REGION: scenario.regions[0],
        ADMINISTRATOR_ACCOUNT_ID: scenario.administratorAccountId,
        DEFAULT_REGIONS: scenario.regions.join(','),
      };
      const target = {
        endpoint: standIn.endpoint,
        credentials: {
          accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: standIn.env.AWS_SECRET_ACCESS_KEY ?? '',
        },
      };
      plan = await resolveAccounts(input, resolveDeps(env, target));
    } finally {
      await standIn.stop();
    }
  } else {
    const target = awsTarget(options);
    plan = await resolveAccounts(input, resolveDeps(await awsEnv(options, target), target));
  }
  io.stdout.write(
    options.json === true
      ? `${JSON.stringify(planJson(plan), null, 2)}\n`
      : `${planText(plan, coloursFor(io.stdout, io.env))}\nNothing was changed: \`muster start\` with the same options runs it.\n`,
  );
  return EXIT.ok;
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { refuseOversizedRemoval } from '../../functions/remove-members/remove-members.ts';
import { parseRemovalTrigger, type RemovalTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { MAX_ACCOUNTS_PER_CALL } from '../../functions/shared/domain/chunk.ts';
import {
  labelsInWords,
  SERVICE_NAMES,
  SERVICE_RULES,
  type ServiceName,
} from '../../functions/shared/domain/services.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { organizationsRegion } from '../../functions/shared/services/organizations.ts';
import { HEALTHY_SCENARIO } from '../../local/runner/run-workflow.ts';
import { startStandIn } from '../../local/standin/index.ts';
import {
  type AwsOptions,
  awsTarget,
  clientConfig,
  describeStack,
  resolveRegion,
  type StateMachineOptions,
} from '../aws.ts';
import { readAccountsCsv } from '../csv.ts';
import { EXIT } from '../exit-codes.ts';
import { coloursFor, type Io } from '../io.ts';
import { quietStdout } from '../report-output.ts';
import { terminalJson, terminalText } from '../terminal.ts';
import { loadLocalScenario } from './local.ts';
import { runOffboardingLocally } from './remove-local.ts';
import { startExecution, stateMachineClient, type WatchOptions, watchExecution } from './status.ts';

export interface RemoveOptions extends AwsOptions, StateMachineOptions, WatchOptions {
  accounts?: string[];
  csv?: string;
  regions?: string[];
  services?: string[];
  dryRun?: boolean;
  includeActiveOrganizationAccounts?: boolean;
  local?: boolean;
  scenario?: string;
  yes?: boolean;
  json?: boolean;
}

/** The input the offboarding state machine receives (what parseRemovalTrigger reads). */
async function removalInput(options: RemoveOptions, io: Io): Promise<{ remove: Record<string, unknown> }> {
  let accounts: string[];
  if (options.csv !== undefined) {
    const text =
      options.csv === '-'
        ? await io.stdin.readAll()
        : await readCsv(resolve(io.cwd, options.csv), options.csv);
    accounts = readAccountsCsv(text, options.csv === '-' ? 'standard input' : options.csv).map(
      ({ accountId }) => accountId,
    );
  } else if (options.accounts !== undefined) {
    accounts = options.accounts;
  } else {
    throw new InvalidInputError(
      'say which accounts to remove: --accounts 111111111111,222222222222 or --csv FILE',
    );
  }
  return {
    remove: {
      accounts,
      ...(options.regions === undefined ? {} : { regions: options.regions }),
      ...(options.services === undefined ? {} : { services: options.services }),
      ...(options.dryRun === true ? { dryRun: true } : {}),
      ...(options.includeActiveOrganizationAccounts === true
        ? { includeActiveOrganizationAccounts: true }
        : {}),
    },
  };
}

async function readCsv(path: string, label: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InvalidInputError(`${label}: no such file`);
    throw error;
  }
}

/**
 * The plan's one check: an account the organization still has ACTIVE is refused by name unless
 * --include-active-organization-accounts says otherwise (the workflow checks it again).
 */
async function refuseActive(
  trigger: RemovalTrigger,
  describe: (accountId: string) => Promise<string | undefined>,
): Promise<void> {
  if (trigger.includeActiveOrganizationAccounts) return;
  const active: string[] = [];
  for (const accountId of trigger.accountIds)
    if ((await describe(accountId)) === 'ACTIVE') active.push(accountId);
  if (active.length === 0) return;
  throw new InvalidInputError(
    `${active.join(', ')} ${active.length === 1 ? 'is an ACTIVE account' : 'are ACTIVE accounts'} of the organization: muster remove is for accounts outside it, or that have left. Nothing was removed. To remove ${active.length === 1 ? 'it' : 'them'} anyway, add --include-active-organization-accounts`,
  );
}

/** An account's state as Organizations gives it; undefined when it is not in the organization. */
function organizationsState(client: OrganizationsClient): (accountId: string) => Promise<string | undefined> {
  return async (accountId) => {
    try {
      const { Account } = await client.send(new DescribeAccountCommand({ AccountId: accountId }));
      return Account?.State ?? Account?.Status;
    } catch (error) {
      if ((error as Error).name === 'AccountNotFoundException') return undefined;
      throw error;
    }
  };
}

/**
 * The calls that remove the memberships of `services`, from the registry, services with the same
 * calls together: "Security Hub and GuardDuty: DisassociateMembers, then DeleteMembers; Detective: DeleteMembers".
 */
function removalCalls(services: readonly ServiceName[]): string {
  const byCalls = new Map<string, ServiceName[]>();
  for (const service of services) {
    const calls = SERVICE_RULES[service].removeCalls.join(', then ');
    byCalls.set(calls, [...(byCalls.get(calls) ?? []), service]);
  }
  return [...byCalls].map(([calls, names]) => `${labelsInWords(names)}: ${calls}`).join('; ');
}

function planText(trigger: RemovalTrigger, io: Io): string {
  const c = coloursFor(io.stdout, io.env);
  const where = `${trigger.regions?.join(', ') ?? "the stack's Regions"}; ${trigger.services?.join(', ') ?? "the stack's services"}`;
  return (
    `${c.bold('Removal plan')}: every membership of ${trigger.accountIds.length} account(s) in ${terminalText(where)}\n` +
    trigger.accountIds.map((id) => `  ${id}\n`).join('') +
    `  ${removalCalls(trigger.services ?? SERVICE_NAMES)} (at most ${MAX_ACCOUNTS_PER_CALL} accounts a call)\n`
  );
}

async function confirmed(trigger: RemovalTrigger, options: RemoveOptions, io: Io): Promise<boolean> {
  // Removing memberships is undone only by onboarding again: asked for even one account.
  if (options.yes === true) return true;
  const what = `${trigger.accountIds.length} account(s)`;
  if (!io.stdin.isTTY) {
    io.stderr.write(
      `muster: this removal would change ${what} and there is no terminal to confirm on: pass --yes to run it anyway. Nothing was removed.\n`,
    );
    return false;
  }
  const answer = await io.stdin.ask(`Remove every membership of ${what}? [y/N] `);
  if (/^\s*y(es)?\s*$/i.test(answer)) return true;
  io.stderr.write('Nothing was removed.\n');
  return false;
}

/** The OffboardingStateMachineArn output of the muster stack, or --state-machine-arn. */
async function offboardingStateMachine(options: RemoveOptions): Promise<StateMachineOptions> {
  if (options.stateMachineArn !== undefined || options.stackName === undefined) return options;
  const stack = await describeStack(options.stackName, awsTarget(options), await resolveRegion(options));
  const arn = stack.outputs.OffboardingStateMachineArn;
  if (arn === undefined)
    throw new InvalidInputError(
      `stack ${options.stackName} has no OffboardingStateMachineArn output: deploy this version of template.yaml, or pass --state-machine-arn`,
    );
  return { ...options, stateMachineArn: arn };
}

/**
 * `muster remove`: offboards accounts by hand. It plans first (the input checked, ACTIVE organization
 * accounts refused), stops there with --dry-run, asks, then runs the offboarding state machine
 * locally (--local) or starts it in AWS.
 */
export async function removeCommand(options: RemoveOptions, io: Io): Promise<number> {
  if (options.follow === true && options.local === true)
    throw new InvalidInputError('--follow attaches to a started execution: --local runs to the end anyway');
  // Without --follow there is no report to write, only the started execution.
  if (
    options.follow !== true &&
    (options.outputFile !== undefined || (options.output ?? 'table') !== 'table')
  )
    throw new InvalidInputError('--output and --output-file write the removal report: add --follow');
  const input = await removalInput(options, io);
  const trigger = parseRemovalTrigger(input);
  // The stack's Regions and services are checked again by the workflow: here, what the options name.
  refuseOversizedRemoval(
    trigger.accountIds.length,
    trigger.regions?.length ?? 1,
    trigger.services?.length ?? 1,
  );
  const standIn =
    options.local === true
      ? await startStandIn({
          scenario: await loadLocalScenario(resolve(io.cwd, options.scenario ?? HEALTHY_SCENARIO)),
          timeScale: 0.01,
        })
      : undefined;
  try {
    if (standIn !== undefined) {
      const organizations = new OrganizationsClient({
        region: 'us-east-1',
        endpoint: standIn.endpoint,
        credentials: { accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: 'x' },
      });
      await refuseActive(trigger, organizationsState(organizations));
    } else {
      const region = await resolveRegion(options);
      const organizations = new OrganizationsClient(
        clientConfig(awsTarget(options), organizationsRegion(region)),
      );
      try {
        await refuseActive(trigger, organizationsState(organizations));
      } finally {
        organizations.destroy();
      }
    }
    // The plan is text: where stdout carries a report format, it goes to stderr.
    if (options.json !== true) (quietStdout(options) ? io.stderr : io.stdout).write(planText(trigger, io));
    if (trigger.dryRun) {
      if (options.json === true) io.stdout.write(terminalJson({ plan: trigger }));
      else
        io.stdout.write(
          'A dry run changes nothing: run the same command without --dry-run to remove them.\n',
        );
      return EXIT.ok;
    }
    if (!(await confirmed(trigger, options, io))) return EXIT.notConfirmed;
    if (standIn !== undefined) {
      const result = await runOffboardingLocally({ standIn, input });
      if (options.json === true) io.stdout.write(terminalJson(result));
      else {
        io.stdout.write(
          `${result.status}${result.error === undefined ? '' : ` (${terminalText(result.error)})`}\n`,
        );
        for (const [outcome, count] of Object.entries(result.removal?.counts ?? {}))
          io.stdout.write(`  ${outcome}: ${count}\n`);
        for (const { accountId, region, service, outcome, reason } of result.removal?.attention ?? [])
          io.stdout.write(`  ${accountId} ${region} ${service} ${outcome}: ${terminalText(reason ?? '')}\n`);
        const files = result.removal?.files;
        if (files !== undefined)
          io.stdout.write(
            `Every membership: s3://${terminalText(`${files.bucket}/${files.csv}`)} (and ${terminalText(files.jsonl)})\n`,
          );
      }
      if (result.status === 'SUCCEEDED') return EXIT.ok;
      return result.error === 'InvalidInputError' ? EXIT.badInput : EXIT.needsAttention;
    }
    const { arn, sfn } = await stateMachineClient(await offboardingStateMachine(options));
    try {
      const { name, executionArn } = await startExecution(sfn, arn, input, io.now());
      if (options.follow === true) {
        if (options.json !== true) io.stderr.write(`Started ${name}\n`);
        return await watchExecution(sfn, executionArn, options, io);
      }
      if (options.json === true)
        io.stdout.write(terminalJson({ executionArn, name, stateMachineArn: arn, input }));
      else
        io.stdout.write(
          `Started ${name}\n  ${terminalText(executionArn)}\nFollow it: muster status ${terminalText(executionArn)} --follow\n`,
        );
      return EXIT.ok;
    } finally {
      sfn.destroy();
    }
  } finally {
    await standIn?.stop();
  }
}

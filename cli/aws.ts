import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { sharedConnections } from '../functions/shared/aws/connections.ts';
import { parseAccountId } from '../functions/shared/domain/account-id.ts';
import { parseRegion } from '../functions/shared/domain/regions.ts';
import { ConfigurationError, InvalidInputError } from '../functions/shared/errors.ts';

/** Where SDK clients go: AWS through the default credential chain, or the local stand-in. */
export interface ClientTarget {
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsOptions {
  region?: string;
  profile?: string;
}

/**
 * The SDK's own retries (429, 5xx) with the same attempts the Lambdas use by default, on the
 * keep-alive connections every client of the process shares (functions/shared/aws/connections.ts).
 */
export function clientConfig(target: ClientTarget, region: string) {
  return {
    region,
    maxAttempts: 5,
    retryMode: 'standard' as const,
    requestHandler: sharedConnections,
    ...target,
  };
}

export function awsTarget(options: AwsOptions): ClientTarget {
  return options.profile === undefined ? {} : { profile: options.profile };
}

/**
 * --region (or AWS_REGION, or the config file's), else the profile's region through the SDK's own
 * lookup; a name that is no AWS Region is refused here, before any call: the SDK would send it to a
 * host that does not resolve, ending as a network failure (docs/aws-facts.md, The command line's own Region).
 */
export async function resolveRegion(options: AwsOptions): Promise<string> {
  if (options.region !== undefined)
    return parseRegion(options.region, 'the AWS Region (--region, AWS_REGION or the config file)');
  const client = new STSClient(awsTarget(options));
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new ConfigurationError('no AWS Region: pass --region, set AWS_REGION, or set one in the profile');
  } finally {
    client.destroy();
  }
  return parseRegion(region, "the profile's AWS Region");
}

/** --administrator-id, else the account of the caller's credentials. */
export async function administratorAccount(
  given: string | undefined,
  target: ClientTarget,
  region: string,
): Promise<string> {
  if (given !== undefined) return parseAccountId(given, '--administrator-id');
  const client = new STSClient(clientConfig(target, region));
  try {
    const { Account } = await client.send(new GetCallerIdentityCommand({}));
    return parseAccountId(Account, 'STS GetCallerIdentity Account');
  } finally {
    client.destroy();
  }
}

/**
 * A state machine's or an execution's name as Step Functions allows it: 1 to 80 characters, none of
 * them white space, a bracket, a backquote, one of `? * " # % \ ^ | ~ $ & , ; : /` or a control character
 * (docs/aws-facts.md, Step Functions). Executions muster did not start (another
 * tool's, a console user's) may use any of the others, `+` or `@` say.
 */
const NAME = String.raw`[^\s<>{}[\]?*"#%\\^|~\x60$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}`;
const STATES_ARN = new RegExp(
  String.raw`^arn:aws[\w-]*:states:([a-z0-9-]+):\d{12}:(execution|stateMachine):${NAME}(:${NAME})?$`,
  'u',
);

/** The Region of a Step Functions ARN, which is where its client must go. */
export function regionOfArn(arn: string, kind: 'execution' | 'stateMachine', option: string): string {
  const match = STATES_ARN.exec(arn);
  if (match?.[1] === undefined || match[2] !== kind) {
    throw new InvalidInputError(
      `${option}: ${JSON.stringify(arn)} is not a Step Functions ${kind} ARN (arn:aws:states:<region>:<account>:${kind}:<name>${kind === 'execution' ? ':<execution>' : ''})`,
    );
  }
  return match[1];
}

/** The muster stack's outputs and parameters, by key. */
export interface StackView {
  outputs: Record<string, string>;
  parameters: Record<string, string>;
}

export async function describeStack(
  stackName: string,
  target: ClientTarget,
  region: string,
): Promise<StackView> {
  const client = new CloudFormationClient(clientConfig(target, region));
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack === undefined)
      throw new ConfigurationError(`no stack ${stackName} in ${region}: check --stack-name and --region`);
    return {
      outputs: Object.fromEntries(
        (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
          OutputKey === undefined || OutputValue === undefined ? [] : [[OutputKey, OutputValue]],
        ),
      ),
      parameters: Object.fromEntries(
        (stack.Parameters ?? []).flatMap(({ ParameterKey, ParameterValue }) =>
          ParameterKey === undefined || ParameterValue === undefined ? [] : [[ParameterKey, ParameterValue]],
        ),
      ),
    };
  } finally {
    client.destroy();
  }
}

/** The StateMachineArn output of template.yaml. */
export function stateMachineOf(stack: StackView, stackName: string): string {
  const arn = stack.outputs.StateMachineArn;
  if (arn === undefined) {
    throw new ConfigurationError(
      `stack ${stackName} has no StateMachineArn output: is it the muster stack (template.yaml)? Or pass --state-machine-arn`,
    );
  }
  return arn;
}

/** How a command names the deployed state machine. */
export interface StateMachineOptions extends AwsOptions {
  stateMachineArn?: string;
  stackName?: string;
}

/** --state-machine-arn, else the StateMachineArn output of --stack-name. */
export async function stateMachineArn(options: StateMachineOptions): Promise<string> {
  if (options.stateMachineArn !== undefined) return options.stateMachineArn;
  if (options.stackName === undefined) {
    throw new ConfigurationError(
      'say which state machine: --state-machine-arn ARN, or --stack-name NAME (the muster stack; its StateMachineArn output; or set MUSTER_STACK_NAME)',
    );
  }
  const region = await resolveRegion(options);
  return stateMachineOf(
    await describeStack(options.stackName, awsTarget(options), region),
    options.stackName,
  );
}

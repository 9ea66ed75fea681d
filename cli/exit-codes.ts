import { CommanderError } from 'commander';
import { describeError, type ErrorLike } from '../functions/shared/domain/classify.ts';
import { type Outcome, SETTLED_OUTCOMES } from '../functions/shared/domain/outcomes.ts';
import type { ReportDecision } from '../functions/shared/domain/report.ts';
import { REJECTION_NAMES } from '../functions/shared/errors.ts';
import type { Progress } from './history.ts';

export const EXIT = {
  /** Every membership is ENABLED or skipped by rule (or there was nothing to do). */
  ok: 0,
  /** Something needs attention: FAILED, CONFLICT, still pending at the timeout, an execution that failed. */
  needsAttention: 1,
  /** Bad input or configuration: nothing was started or changed; the message says what to fix. */
  badInput: 2,
  /** `status` without --follow on an execution that is still running. */
  running: 3,
  /**
   * muster could not talk to AWS, so it knows nothing about the memberships: no or expired
   * credentials, DNS or connection failures, AWS 5xx or throttling after the SDK's retries, a bug.
   */
  toolFailure: 4,
  /** `start` would change more than one account, or `remove` any, and was not confirmed (no terminal: --yes). */
  notConfirmed: 5,
} as const;

/** Every exit code with one line on what it means, for --help (docs/cli.md has the long form). */
export const EXIT_CODE_HELP: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'every membership ENABLED or skipped by rule, or nothing to do; plan/start succeeded'],
  [EXIT.needsAttention, 'the run needs attention (FAILED, CONFLICT, still pending, the execution failed)'],
  [EXIT.badInput, 'bad input, configuration or permissions: nothing was started or changed'],
  [EXIT.running, 'status without --follow: the execution is still running'],
  [EXIT.toolFailure, 'could not talk to AWS (credentials, network, AWS 5xx or throttling after retries)'],
  [
    EXIT.notConfirmed,
    'a start of more than one account, or a remove, was not confirmed (no terminal: pass --yes)',
  ],
];

/** Errors by which the workflow (and `muster plan`) refuse a request before changing anything. */
const REJECTIONS: ReadonlySet<string> = new Set(REJECTION_NAMES);

/** SDK errors that mean muster could not authenticate to AWS at all, with how to fix it. */
const CREDENTIAL_HINTS: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'no AWS credentials found: set AWS_PROFILE (or pass --profile) or environment credentials; `muster run --local` needs none',
  ExpiredToken: 'the AWS credentials have expired: refresh them',
  ExpiredTokenException: 'the AWS credentials have expired: refresh them',
  InvalidClientTokenId: 'AWS does not know these credentials: check the profile',
  UnrecognizedClientException: 'AWS does not know these credentials: check the profile',
};

/** SDK errors that mean the caller's permissions or arguments need fixing, with how. */
const SETUP_HINTS: Readonly<Record<string, string>> = {
  AccessDenied: 'the caller may not do this: allow it in its IAM policy',
  AccessDeniedException: 'the caller may not do this: allow it in its IAM policy',
  ExecutionDoesNotExist: 'no such execution: check the ARN (muster reads its Region from the ARN)',
  StateMachineDoesNotExist: 'no such state machine: check --state-machine-arn, or --stack-name and --region',
  InvalidArn: 'not a valid ARN: copy it from the output of `muster start` or the console',
  // CloudFormation answers an unknown stack with a ValidationError.
  ValidationError: 'check --stack-name and --region',
};

function reportSettled(report: Pick<ReportDecision, 'counts'>): boolean {
  return Object.entries(report.counts).every(
    ([outcome, count]) => count === 0 || SETTLED_OUTCOMES.has(outcome as Outcome),
  );
}

/** The exit code an execution's progress calls for. */
export function exitCodeOf(progress: Progress): number {
  switch (progress.status) {
    case 'RUNNING':
      return EXIT.running;
    case 'SUCCEEDED':
      return progress.report === undefined || reportSettled(progress.report) ? EXIT.ok : EXIT.needsAttention;
    default:
      return progress.error !== undefined && REJECTIONS.has(progress.error)
        ? EXIT.badInput
        : EXIT.needsAttention;
  }
}

/**
 * The exit code and message for an error the CLI itself ran into; `profile` is the AWS profile the
 * command used (from --profile, AWS_PROFILE or the config file), named when the credentials fail.
 */
export function failureOf(
  error: unknown,
  { profile }: { profile?: string } = {},
): { code: number; message: string } {
  if (error instanceof CommanderError) return { code: EXIT.badInput, message: error.message };
  const name = (error as ErrorLike | undefined)?.name ?? '';
  if (REJECTIONS.has(name)) return { code: EXIT.badInput, message: (error as Error).message };
  const hint = SETUP_HINTS[name];
  if (hint !== undefined)
    return { code: EXIT.badInput, message: `${hint} (${describeError(error as ErrorLike)})` };
  // The local runner loads the functions' TypeScript, which only a clone with tsx can do.
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_UNKNOWN_FILE_EXTENSION')
    return {
      code: EXIT.badInput,
      message: `the local commands run the TypeScript sources: use them from a clone after \`npm ci\` (${describeError(error as ErrorLike)})`,
    };
  const credentials = CREDENTIAL_HINTS[name];
  if (credentials !== undefined) {
    // A profile was named: it is what to check (a typo, no such section, an SSO session expired).
    const hint =
      profile === undefined
        ? credentials
        : name === 'CredentialsProviderError'
          ? `no AWS credentials from profile ${JSON.stringify(profile)} (--profile, AWS_PROFILE or the config file): check that ~/.aws/config has it and that its credentials or SSO session are current`
          : `${credentials} (profile ${JSON.stringify(profile)})`;
    return { code: EXIT.toolFailure, message: `${hint} (${describeError(error as ErrorLike)})` };
  }
  // Anything else (DNS, a refused connection, AWS 5xx or throttling the SDK's retries did not get
  // past, a bug) says nothing about the memberships: not 1, which means the run needs attention.
  return {
    code: EXIT.toolFailure,
    message: `could not finish talking to AWS: ${describeError((error ?? {}) as ErrorLike)}`,
  };
}

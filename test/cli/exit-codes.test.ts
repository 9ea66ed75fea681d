import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, failureOf } from '../../cli/exit-codes.ts';
import { type Progress, startProgress } from '../../cli/history.ts';
import {
  ConfigurationError,
  InvalidInputError,
  MemberLimitExceededError,
} from '../../functions/shared/errors.ts';
import { awsError } from '../helpers.ts';
import { sampleReport, settledReport } from './helpers.ts';

const progress = (fields: Partial<Progress>): Progress => ({ ...startProgress(), ...fields });

describe('exitCodeOf', () => {
  it.each([
    [
      'every membership is enabled or skipped by rule',
      progress({ status: 'SUCCEEDED', report: settledReport() }),
      EXIT.ok,
    ],
    ['there was nothing to do', progress({ status: 'SUCCEEDED', finalState: 'Nothing To Do' }), EXIT.ok],
    [
      'a membership is in CONFLICT',
      progress({ status: 'FAILED', error: 'OnboardingNeedsAttention', report: sampleReport() }),
      EXIT.needsAttention,
    ],
    [
      'a membership is still pending at the timeout',
      progress({
        status: 'FAILED',
        error: 'OnboardingNeedsAttention',
        report: sampleReport({ counts: { ENABLED: 15, PENDING_ACCEPTANCE: 1 } }),
      }),
      EXIT.needsAttention,
    ],
    [
      'a report has an outcome that is not settled',
      progress({ status: 'SUCCEEDED', report: sampleReport({ counts: { ENABLED: 15, FAILED: 1 } }) }),
      EXIT.needsAttention,
    ],
    [
      'a Lambda failed the execution',
      progress({ status: 'FAILED', error: 'States.TaskFailed' }),
      EXIT.needsAttention,
    ],
    ['the execution timed out', progress({ status: 'TIMED_OUT' }), EXIT.needsAttention],
    ['the request was rejected', progress({ status: 'FAILED', error: 'InvalidInputError' }), EXIT.badInput],
    [
      'the deployment is misconfigured',
      progress({ status: 'FAILED', error: 'ConfigurationError' }),
      EXIT.badInput,
    ],
    [
      'the administrator was denied a call mid-run, after changes',
      progress({ status: 'FAILED', error: 'AdministratorDeniedError' }),
      EXIT.needsAttention,
    ],
    ['the execution is still running', progress({ status: 'RUNNING' }), EXIT.running],
  ])('returns the right code when %s', (_, given, code) => {
    expect(exitCodeOf(given)).toBe(code);
  });
});

describe('failureOf', () => {
  it.each([
    [new InvalidInputError('input.regions[0]: "mars-1" is not a known AWS Region'), EXIT.badInput, /mars-1/],
    [new ConfigurationError('no AWS Region: pass --region'), EXIT.badInput, /pass --region/],
    [new MemberLimitExceededError('1300 accounts would be Detective members'), EXIT.badInput, /1300/],
    [
      new CommanderError(1, 'commander.unknownOption', "error: unknown option '--acounts'"),
      EXIT.badInput,
      /--acounts/,
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      EXIT.toolFailure,
      /no AWS credentials found: set AWS_PROFILE.*Could not load credentials/,
    ],
    [
      awsError('ExecutionDoesNotExist', 400, 'Execution Does Not Exist'),
      EXIT.badInput,
      /no such execution: check the ARN/,
    ],
    [
      awsError('AccessDeniedException', 400, 'not authorized to perform states:StartExecution'),
      EXIT.badInput,
      /IAM policy/,
    ],
    [
      awsError('ServiceUnavailable', 503, 'Service Unavailable'),
      EXIT.toolFailure,
      /^could not finish talking to AWS: ServiceUnavailable: Service Unavailable$/,
    ],
    [
      awsError('ThrottlingException', 400, 'Rate exceeded'),
      EXIT.toolFailure,
      /^could not finish talking to AWS: ThrottlingException: Rate exceeded$/,
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND states.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      EXIT.toolFailure,
      /could not finish talking to AWS: .*ENOTFOUND states\.eu-west-1\.amazonaws\.com/,
    ],
    [
      Object.assign(new TypeError('Unknown file extension ".ts" for /x/functions/check-members/handler.ts'), {
        code: 'ERR_UNKNOWN_FILE_EXTENSION',
      }),
      EXIT.badInput,
      /use them from a clone after `npm ci`/,
    ],
    [
      awsError('ExpiredTokenException', 400, 'The security token included in the request is expired'),
      EXIT.toolFailure,
      /credentials have expired/,
    ],
  ])('returns the code and a message saying what to fix for %s', (error, code, message) => {
    const failure = failureOf(error);
    expect(failure.code).toBe(code);
    expect(failure.message).toMatch(message);
  });
});

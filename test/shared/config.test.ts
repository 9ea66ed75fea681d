import { describe, expect, it } from 'vitest';
import {
  MAX_POLL_ROUNDS,
  readAdministratorConfig,
  readAdministratorId,
  readWorkflowSettings,
} from '../../functions/shared/config.ts';
import { ConfigurationError } from '../../functions/shared/errors.ts';

describe('readAdministratorConfig', () => {
  it('returns the defaults when nothing is set', () => {
    expect(readAdministratorConfig({})).toEqual({
      clients: { maxAttempts: 5, callsPerSecond: 10 },
      disableEmailNotification: { detective: false, guardduty: false },
    });
  });

  it('reads every setting', () => {
    expect(
      readAdministratorConfig({
        SDK_MAX_ATTEMPTS: '8',
        CALLS_PER_SECOND: '5',
        DETECTIVE_DISABLE_EMAIL_NOTIFICATION: 'TRUE',
        INVITATION_MESSAGE: 'Hello',
      }),
    ).toEqual({
      clients: { maxAttempts: 8, callsPerSecond: 5 },
      disableEmailNotification: { detective: true, guardduty: false },
      invitationMessage: 'Hello',
    });
  });

  it.each([
    [{ SDK_MAX_ATTEMPTS: 'many' }, 'SDK_MAX_ATTEMPTS must be an integer from 1 to 20, got "many"'],
    [{ CALLS_PER_SECOND: '0' }, 'CALLS_PER_SECOND must be an integer from 1 to 100, got "0"'],
    [{ DETECTIVE_DISABLE_EMAIL_NOTIFICATION: 'yes' }, 'must be "true" or "false", got "yes"'],
    [{ INVITATION_MESSAGE: 'x'.repeat(1001) }, 'longer than Detective allows'],
  ])('throws a ConfigurationError naming the variable for %j', (env, message) => {
    expect(() => readAdministratorConfig(env)).toThrow(ConfigurationError);
    expect(() => readAdministratorConfig(env)).toThrow(message);
  });
});

describe('readAdministratorId', () => {
  it('returns a valid id', () => {
    expect(readAdministratorId({ ADMINISTRATOR_ACCOUNT_ID: '012345678901' })).toBe('012345678901');
  });

  it.each([
    [{}, 'ADMINISTRATOR_ACCOUNT_ID is not set'],
    [{ ADMINISTRATOR_ACCOUNT_ID: '12345678901' }, 'has 11 digits'],
  ])('throws for %j', (env, message) => {
    expect(() => readAdministratorId(env)).toThrow(message);
  });
});

describe('readWorkflowSettings', () => {
  it.each([
    { timeout: '1', interval: 60, rounds: 1 },
    { timeout: '12', interval: 60, rounds: 12 },
    { timeout: '30', interval: 150, rounds: 12 },
    { timeout: '45', interval: 225, rounds: 12 },
    { timeout: '60', interval: 300, rounds: 12 },
  ])(
    'waits $interval s between at most $rounds rounds for PollTimeoutMinutes $timeout',
    ({ timeout, interval, rounds }) => {
      const settings = readWorkflowSettings({ POLL_TIMEOUT_MINUTES: timeout, POLL_INTERVAL_SECONDS: '60' });
      expect(settings).toMatchObject({ pollIntervalSeconds: interval, maxPollRounds: rounds });
      // The rounds still cover the whole timeout.
      expect(settings.pollIntervalSeconds * settings.maxPollRounds).toBeGreaterThanOrEqual(
        Number(timeout) * 60,
      );
      expect(settings.maxPollRounds).toBeLessThanOrEqual(MAX_POLL_ROUNDS);
    },
  );
});

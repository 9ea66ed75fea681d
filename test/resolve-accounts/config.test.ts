import { describe, expect, it } from 'vitest';
import { readResolveConfig } from '../../functions/resolve-accounts/config.ts';
import { ConfigurationError, InvalidInputError } from '../../functions/shared/errors.ts';

const env = {
  ADMINISTRATOR_ACCOUNT_ID: '999999999999',
  DEFAULT_REGIONS: 'us-east-1, eu-west-1,,eu-west-1',
  AWS_REGION: 'eu-west-1',
};

describe('readResolveConfig', () => {
  it('returns the settings with services defaulting to Security Hub and Detective', () => {
    expect(readResolveConfig(env)).toEqual({
      administratorId: '999999999999',
      homeRegion: 'eu-west-1',
      defaultRegions: ['us-east-1', 'eu-west-1'],
      defaultServices: ['securityhub', 'detective'],
      organizationsRegion: 'us-east-1',
      clients: { maxAttempts: 5, callsPerSecond: 10 },
      settings: {
        maxConcurrency: 10,
        memberBatchSize: 20,
        maxAttempts: 5,
        pollIntervalSeconds: 150,
        maxPollRounds: 12,
      },
    });
  });

  it('turns the poll timeout into a number of check rounds', () => {
    const config = readResolveConfig({
      ...env,
      POLL_INTERVAL_SECONDS: '45',
      POLL_TIMEOUT_MINUTES: '10',
      MAX_CONCURRENCY: '40',
    });
    // 14 rounds of 45 s would pass MAX_POLL_ROUNDS: 12 rounds of 50 s cover the 10 minutes instead.
    expect(config.settings).toMatchObject({ pollIntervalSeconds: 50, maxPollRounds: 12, maxConcurrency: 40 });
  });

  it('returns the services asked for and the Organizations Region of another partition', () => {
    const config = readResolveConfig({
      ...env,
      DEFAULT_REGIONS: 'cn-north-1,cn-northwest-1',
      DEFAULT_SERVICES: 'detective',
      AWS_REGION: 'cn-north-1',
    });
    expect(config.defaultServices).toEqual(['detective']);
    expect(config.organizationsRegion).toBe('cn-north-1');
  });

  it.each([
    [{ DEFAULT_REGIONS: undefined }, 'environment variable DEFAULT_REGIONS is not set'],
    [{ DEFAULT_REGIONS: ' , ' }, 'environment variable DEFAULT_REGIONS: at least one Region is required'],
    [
      { DEFAULT_REGIONS: 'us-east-1,eu-west-9' },
      'environment variable DEFAULT_REGIONS[1]: "eu-west-9" is not a known AWS Region',
    ],
    [
      { DEFAULT_SERVICES: 'securityhub,macie' },
      'environment variable DEFAULT_SERVICES[1]: "macie" is not a service muster manages',
    ],
    [{ ADMINISTRATOR_ACCOUNT_ID: '99999999999' }, 'ADMINISTRATOR_ACCOUNT_ID: "99999999999" has 11 digits'],
    [
      { DEFAULT_REGIONS: 'eu-west-1,us-gov-west-1' },
      'environment variable DEFAULT_REGIONS: us-gov-west-1 is in partition aws-us-gov, and muster runs in eu-west-1, partition aws',
    ],
  ])('throws a ConfigurationError naming the variable for %j', (change, message) => {
    expect(() => readResolveConfig({ ...env, ...change })).toThrow(ConfigurationError);
    expect(() => readResolveConfig({ ...env, ...change })).toThrow(message);
  });

  it('keeps the refused list item as the cause of the ConfigurationError', () => {
    const thrown = (() => {
      try {
        readResolveConfig({ ...env, DEFAULT_SERVICES: 'securityhub,macie' });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).cause).toBeInstanceOf(InvalidInputError);
  });
});

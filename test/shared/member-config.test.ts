import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../functions/shared/errors.ts';
import { readMemberConfig } from '../../functions/shared/member-config.ts';

const minimal = {
  MEMBER_ROLE_NAME: 'MusterMemberRole',
  ADMINISTRATOR_ACCOUNT_ID: '099999999999',
  AWS_REGION: 'eu-west-1',
};

describe('readMemberConfig', () => {
  it('returns the defaults when only the required variables are set', () => {
    expect(readMemberConfig(minimal)).toEqual({
      administratorId: '099999999999',
      region: 'eu-west-1',
      role: { roleName: 'MusterMemberRole', durationSeconds: 900, partition: 'aws' },
      enableDefaultStandards: true,
      allowTakeOver: false,
      clients: { maxAttempts: 5, callsPerSecond: 10 },
      concurrency: { accounts: 5, regions: 17 },
    });
  });

  it('returns every optional setting when set', () => {
    const config = readMemberConfig({
      ...minimal,
      AWS_REGION: 'us-gov-west-1',
      MEMBER_ROLE_EXTERNAL_ID: 'muster:shared-secret',
      MEMBER_ROLE_SESSION_SECONDS: '3600',
      ENABLE_DEFAULT_STANDARDS: 'false',
      ALLOW_TAKE_OVER: 'TRUE',
      ACCOUNT_CONCURRENCY: '10',
      REGION_CONCURRENCY: '8',
    });

    expect(config.role).toEqual({
      roleName: 'MusterMemberRole',
      externalId: 'muster:shared-secret',
      durationSeconds: 3600,
      partition: 'aws-us-gov',
    });
    expect(config).toMatchObject({
      enableDefaultStandards: false,
      allowTakeOver: true,
      concurrency: { accounts: 10, regions: 8 },
    });
  });

  it.each([
    [{ MEMBER_ROLE_NAME: undefined }, 'MEMBER_ROLE_NAME is not set'],
    [{ MEMBER_ROLE_NAME: 'arn:aws:iam::1:role/x' }, 'MEMBER_ROLE_NAME'],
    [{ ADMINISTRATOR_ACCOUNT_ID: '99999999999' }, 'ADMINISTRATOR_ACCOUNT_ID'],
    [{ AWS_REGION: 'moon-1' }, 'AWS_REGION'],
    [{ MEMBER_ROLE_EXTERNAL_ID: 'x' }, 'MEMBER_ROLE_EXTERNAL_ID'],
    [
      { MEMBER_ROLE_SESSION_SECONDS: '43200' },
      'MEMBER_ROLE_SESSION_SECONDS must be an integer from 900 to 3600',
    ],
    [{ ALLOW_TAKE_OVER: 'yes' }, 'ALLOW_TAKE_OVER must be "true" or "false"'],
    [{ ACCOUNT_CONCURRENCY: '0' }, 'ACCOUNT_CONCURRENCY'],
  ])('throws ConfigurationError for %j', (override, message) => {
    const read = () => readMemberConfig({ ...minimal, ...override });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(message);
  });
});

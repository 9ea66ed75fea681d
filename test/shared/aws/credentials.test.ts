import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  memberCredentials,
  memberRoleArn,
  memberSessions,
  roleSessionName,
} from '../../../functions/shared/aws/credentials.ts';
import { awsError } from '../../helpers.ts';

const sts = mockClient(STSClient);
const client = new STSClient({ region: 'eu-west-1' });
const settings = {
  roleName: 'MusterMemberRole',
  durationSeconds: 900,
  partition: 'aws',
  sessionName: 'muster-run-1',
};
const NOW = Date.parse('2026-11-21T12:00:00Z');

function session(accessKeyId: string, expiresInMs = 900_000) {
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(NOW + expiresInMs),
    },
  };
}

describe('memberCredentials', () => {
  beforeEach(() => {
    sts.reset();
  });

  it('returns one session per account however often and concurrently it is asked', async () => {
    sts
      .on(AssumeRoleCommand)
      .callsFake(({ RoleArn }: { RoleArn: string }) => session(RoleArn.split(':')[4] ?? ''));
    const credentials = memberCredentials(client, settings, () => NOW);

    const keys = await Promise.all(
      ['111111111111', '222222222222', '111111111111', '111111111111', '222222222222'].map(
        async (accountId) => (await credentials(accountId)()).accessKeyId,
      ),
    );
    await credentials('111111111111')();

    expect(keys).toEqual(['111111111111', '222222222222', '111111111111', '111111111111', '222222222222']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('returns credentials of the member role, with the session name, duration and external id', async () => {
    sts.on(AssumeRoleCommand).resolves(session('AKIA'));
    const credentials = memberCredentials(client, { ...settings, externalId: 'shared-secret' }, () => NOW);

    await expect(credentials('111111111111')()).resolves.toMatchObject({
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::111111111111:role/MusterMemberRole',
      RoleSessionName: 'muster-run-1',
      DurationSeconds: 900,
      ExternalId: 'shared-secret',
    });
  });

  it('returns a fresh session after a failed AssumeRole instead of keeping the failure', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(awsError('AccessDenied', 403)).resolves(session('AKIA'));
    const provider = memberCredentials(client, settings, () => NOW)('111111111111');

    await expect(provider()).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'AKIA' });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('returns a renewed session once the current one is about to expire', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(session('OLD', 30_000)).resolves(session('NEW'));
    const provider = memberCredentials(client, settings, () => NOW)('111111111111');

    const [first, second] = await Promise.all([provider(), provider()]);
    const third = await provider();

    expect([first.accessKeyId, second.accessKeyId, third.accessKeyId]).toEqual(['NEW', 'NEW', 'NEW']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('throws when STS answers without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});

    await expect(memberCredentials(client, settings, () => NOW)('111111111111')()).rejects.toThrow(
      'AssumeRole of arn:aws:iam::111111111111:role/MusterMemberRole returned no credentials',
    );
  });
});

describe('memberSessions', () => {
  beforeEach(() => {
    sts.reset();
    sts
      .on(AssumeRoleCommand)
      .callsFake(({ RoleArn, RoleSessionName }: { RoleArn: string; RoleSessionName: string }) =>
        session(`${RoleArn.split(':')[4]}/${RoleSessionName}`, 3_600_000),
      );
  });

  it('returns the same session to later invocations of one execution in the same container', async () => {
    const sessions = memberSessions(() => NOW);

    const first = await sessions(client, settings)('111111111111')();
    const second = await sessions(client, settings)('111111111111')();

    expect(second).toBe(first);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it.each([
    ['another execution (session name)', { sessionName: 'muster-run-2' }],
    ['another external id', { externalId: 'other-secret' }],
    ['another role', { roleName: 'OtherRole' }],
    ['another duration', { durationSeconds: 1800 }],
  ])('assumes the role again for %s', async (_, change) => {
    const sessions = memberSessions(() => NOW);

    await sessions(client, settings)('111111111111')();
    await sessions(client, { ...settings, ...change })('111111111111')();

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('renews a kept session a minute before it expires, once', async () => {
    let now = NOW;
    sts.reset();
    sts.on(AssumeRoleCommand).resolvesOnce(session('OLD', 900_000)).resolves(session('NEW', 1_800_000));
    const sessions = memberSessions(() => now);
    await sessions(client, settings)('111111111111')();

    now = NOW + 850_000;
    const renewed = await Promise.all([1, 2].map(() => sessions(client, settings)('111111111111')()));

    expect(renewed.map(({ accessKeyId }) => accessKeyId)).toEqual(['NEW', 'NEW']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('drops a session left idle for its whole duration, and assumes the role again when asked', async () => {
    let now = NOW;
    const sessions = memberSessions(() => now);
    const first = sessions(client, settings)('111111111111');
    await first();

    now = NOW + settings.durationSeconds * 1000;
    const later = sessions(client, settings)('111111111111');
    await later();

    expect(later).not.toBe(first);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });
});

describe('memberRoleArn', () => {
  it.each([
    ['aws', 'arn:aws:iam::012345678901:role/MusterMemberRole'],
    ['aws-us-gov', 'arn:aws-us-gov:iam::012345678901:role/MusterMemberRole'],
    ['aws-cn', 'arn:aws-cn:iam::012345678901:role/MusterMemberRole'],
  ])('returns the role ARN in partition %s', (partition, arn) => {
    expect(memberRoleArn(partition, '012345678901', 'MusterMemberRole')).toBe(arn);
  });
});

describe('roleSessionName', () => {
  it.each([
    [undefined, 'muster'],
    ['', 'muster'],
    [
      'arn:aws:states:us-east-1:999999999999:execution:Onboard:nightly-2026-11-21',
      'muster-nightly-2026-11-21',
    ],
    ['run with spaces/and#marks', 'muster-run-with-spaces-and-marks'],
    ['a'.repeat(80), `muster-${'a'.repeat(57)}`],
  ])('returns a valid STS session name for %j', (executionId, name) => {
    expect(roleSessionName(executionId)).toBe(name);
    expect(roleSessionName(executionId)).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

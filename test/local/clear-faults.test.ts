import {
  CreateMembersCommand,
  DescribeHubCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { type StandIn, startStandIn } from '../../local/standin/index.ts';
import { clientsFor, failure, smallScenario } from './helpers.ts';

const started: StandIn[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function start(overrides: Parameters<typeof smallScenario>[0]): Promise<StandIn> {
  const s = await startStandIn({ scenario: smallScenario(overrides) });
  started.push(s);
  return s;
}

async function rejected(hub: SecurityHubClient, count: number): Promise<number> {
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => hub.send(new DescribeHubCommand({}))),
  );
  return results.filter((r) => r.status === 'rejected').length;
}

function assumeRole(s: StandIn, accountId: string) {
  return clientsFor(s).sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/MusterMemberRole`,
      RoleSessionName: 'muster-test',
    }),
  );
}

describe('StandIn.clearFaults', () => {
  it('stops throttling, 500s and forced unprocessed accounts once called', async () => {
    const s = await start({
      faults: { throttle: true, errorRate: 0.3, forceUnprocessed: { count: 10 } },
    });
    const { securityHub } = clientsFor(s);
    expect(await rejected(securityHub, 40)).toBeGreaterThan(0);

    s.clearFaults();

    expect(await rejected(securityHub, 40)).toBe(0);
    const created = await securityHub.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '000000000002' }] }),
    );
    expect(created.UnprocessedAccounts).toEqual([]);
    expect(s.scenario.faults).toMatchObject({ throttle: false, errorRate: 0, forceUnprocessed: undefined });
  });

  it('lets a late member role exist at once and keeps a missing one missing', async () => {
    const s = await start({
      accounts: [
        { accountId: '000000000002', email: 'a@example.com', joinedMethod: 'CREATED' },
        {
          accountId: '222222222222',
          email: 'b@example.com',
          joinedMethod: 'CREATED',
          memberRoleAppearsAfterSeconds: 3600,
        },
        {
          accountId: '333333333333',
          email: 'c@example.com',
          joinedMethod: 'CREATED',
          memberRoleMissing: true,
        },
      ],
    });
    expect((await failure(assumeRole(s, '222222222222'))).name).toBe('AccessDenied');

    s.clearFaults();

    expect((await assumeRole(s, '222222222222')).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect((await failure(assumeRole(s, '333333333333'))).name).toBe('AccessDenied');
  });

  it('keeps the organization: another administrator still holds its member', async () => {
    const s = await start({
      accounts: [
        {
          accountId: '222222222222',
          email: 'b@example.com',
          joinedMethod: 'CREATED',
          otherAdministrator: { securityhub: '999999999999' },
        },
      ],
      faults: { throttle: true },
    });

    s.clearFaults();

    const out = await clientsFor(s).securityHub.send(
      new CreateMembersCommand({ AccountDetails: [{ AccountId: '222222222222' }] }),
    );
    expect(out.UnprocessedAccounts?.[0]?.ProcessingResult).toMatch(/different administrator/);
  });
});

import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../local/standin/index.ts';
import { smallScenario } from './helpers.ts';

function errorOf(input: unknown): string {
  try {
    parseScenario(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('loadScenario', () => {
  it('loads the healthy scenario: 120 organization accounts, 3 Regions, all three services everywhere, no faults', async () => {
    const s = await loadScenario('local/scenarios/healthy.json');

    expect(s.accounts).toHaveLength(120);
    expect(s.accounts.every((a) => a.joinedMethod !== 'OUTSIDE' && a.state === 'ACTIVE')).toBe(true);
    expect(s.regions.length).toBeGreaterThanOrEqual(3);
    expect(s.delegatedAdministrator).toBe(true);
    expect(s.services).toEqual({
      securityhub: { enabledRegions: 'all', configurationType: 'LOCAL', notOfferedRegions: [] },
      detective: { enabledRegions: 'all', notOfferedRegions: [] },
      guardduty: { enabledRegions: 'all', notOfferedRegions: [] },
    });
    expect(s.faults).toEqual({
      seed: 1,
      latencyMs: 0,
      throttle: false,
      errorRate: 0,
      verificationDelaySeconds: 0,
      invitationVisibleAfterSeconds: 0,
      emptyListPages: false,
      denied: [],
    });
  });

  it('loads the hostile scenario with every case the issue lists', async () => {
    const s = await loadScenario('local/scenarios/hostile.json');
    const some = (p: (a: (typeof s.accounts)[number]) => boolean) => s.accounts.some(p);

    expect(some((a) => a.joinedMethod === 'OUTSIDE')).toBe(true);
    expect(some((a) => a.joinedMethod === 'INVITED')).toBe(true);
    expect(some((a) => a.disabledRegions.length > 0)).toBe(true);
    expect(some((a) => a.otherAdministrator?.securityhub !== undefined)).toBe(true);
    expect(some((a) => a.otherAdministrator?.detective !== undefined)).toBe(true);
    expect(some((a) => a.otherAdministrator?.guardduty !== undefined)).toBe(true);
    expect(some((a) => a.detectiveEmail !== undefined)).toBe(true);
    expect(some((a) => a.guardDutyOff)).toBe(true);
    // GuardDuty off where Detective is on and the administrator has no detector: VOLUME_UNKNOWN stays.
    expect(s.services.detective.enabledRegions).toEqual(['us-east-1']);
    expect(s.services.guardduty.enabledRegions).not.toContain('us-east-1');
    expect(some((a) => a.memberRoleMissing)).toBe(true);
    expect(some((a) => a.memberRoleAppearsAfterSeconds !== undefined)).toBe(true);
    expect(some((a) => a.state === 'SUSPENDED')).toBe(true);
    expect(s.accounts.length).toBeGreaterThan(50);
    expect(s.faults).toMatchObject({
      throttle: true,
      errorRate: expect.any(Number),
      latencyMs: expect.any(Object),
      forceUnprocessed: expect.any(Object),
      verificationDelaySeconds: expect.any(Number),
      invitationVisibleAfterSeconds: expect.any(Number),
      emptyListPages: true,
    });
  });

  it('names the file when it is not JSON', async () => {
    await expect(loadScenario('local/standin/main.ts')).rejects.toThrow(/main\.ts could not be read as JSON/);
  });
});

describe('parseScenario', () => {
  it('rejects an account id written as a number, naming the field', () => {
    const input = smallScenario({
      accounts: [{ accountId: 22222222222 as unknown as string, email: 'a@b.c', joinedMethod: 'CREATED' }],
    });

    expect(errorOf(input)).toContain(
      'accounts.0.accountId: must be a 12-digit account id written as a string',
    );
  });

  it('rejects a 13-digit account id', () => {
    expect(errorOf(smallScenario({ administratorAccountId: '1111111111111' }))).toContain(
      'administratorAccountId:',
    );
  });

  it('rejects duplicate accounts and the administrator listed as a member', () => {
    const input = smallScenario({
      accounts: [
        { accountId: '222222222222', email: 'a@example.com', joinedMethod: 'CREATED' },
        { accountId: '222222222222', email: 'b@example.com', joinedMethod: 'CREATED' },
        { accountId: '111111111111', email: 'c@example.com', joinedMethod: 'CREATED' },
      ],
    });

    const message = errorOf(input);

    expect(message).toContain('accounts.1.accountId: 222222222222 appears twice');
    expect(message).toContain('accounts.2.accountId: 111111111111 appears twice (or is the administrator)');
  });

  it('rejects enabled Regions that are not in regions, and unknown keys', () => {
    const input = {
      ...smallScenario({
        services: { securityhub: { enabledRegions: ['eu-north-1'] }, detective: { enabledRegions: 'all' } },
      }),
      colour: 'blue',
    };

    const message = errorOf(input);

    expect(message).toContain('services.securityhub.enabledRegions.0: eu-north-1 is not in regions');
    expect(message).toContain('colour');
  });

  it('rejects forceUnprocessed without probability or count, and an errorRate above 1', () => {
    const message = errorOf(smallScenario({ faults: { forceUnprocessed: { reason: 'x' }, errorRate: 2 } }));

    expect(message).toContain('faults.forceUnprocessed: needs probability or count');
    expect(message).toContain('faults.errorRate:');
  });

  it('generates the same accounts every time, after the listed ones and skipping ids already taken', () => {
    const input = smallScenario({
      accounts: [{ accountId: '100000000001', email: 'taken@example.com', joinedMethod: 'OUTSIDE' }],
      generate: { count: 3, firstAccountId: '100000000000', joinedMethod: 'INVITED' },
    });

    const first = parseScenario(input);
    const second = parseScenario(input);

    expect(first.accounts.map((a) => a.accountId)).toEqual([
      '100000000001',
      '100000000000',
      '100000000002',
      '100000000003',
    ]);
    expect(first.accounts[1]).toMatchObject({
      email: 'aws+100000000000@example.com',
      joinedMethod: 'INVITED',
    });
    expect(second).toEqual(first);
  });

  it('gives the same scenario when an expanded scenario is parsed again', () => {
    const once = parseScenario(smallScenario({ generate: { count: 5 } }));

    expect(parseScenario(once)).toEqual(once);
  });
});

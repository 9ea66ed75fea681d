import { describe, expect, it, vi } from 'vitest';
import type { ServiceRules } from '../../../functions/shared/domain/services.ts';
import type { Inspection } from '../../../local/standin/index.ts';

/**
 * A fourth service, added to the registry in memory only: what follows from SERVICE_RULES alone
 * must take it in with no other code edited. Its name and rules are made up; no AWS fact is claimed.
 */
const FOURTH = 'fourthservice';

const FOURTH_RULES: ServiceRules = {
  label: 'Fourth Service',
  sdkServiceId: 'FourthService',
  statuses: { enabled: 'ENABLED' },
  reasons: {},
  invitesSeparately: false,
  requiresEmail: true,
  recreatedInOrganization: [],
  // Refuses a whole call for one such address, so every input is held to it.
  inputEmailProblem: (email) =>
    email.endsWith('.test') ? 'the email ends in .test, which Fourth Service refuses' : undefined,
  onByDefault: true,
  notEnabledReason: 'Fourth Service is not enabled for the administrator in this Region',
  memberNeedsHome: false,
  homeProblem: () => undefined,
  planReads: { locate: 'fourthservice:GetHome', memberIds: 'fourthservice:ListMembers' },
  removeCalls: ['DeleteMembers'],
  memberLimit: { limit: 700, counts: 'all', holder: 'a fourth-service home holds', members: 'the home' },
};

// The registry's entry, made before any module that reads it is loaded: the module keeps its own
// SERVICE_NAMES and SERVICE_RULES (parseServices reads them), with the fourth entry added.
vi.mock('../../../functions/shared/domain/services.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../functions/shared/domain/services.ts')>();
  (real.SERVICE_NAMES as unknown as string[]).push(FOURTH);
  (real.SERVICE_RULES as Record<string, ServiceRules>)[FOURTH] = FOURTH_RULES;
  // What the module derives from its entries when it loads, derived again with the fourth one.
  return {
    ...real,
    DEFAULT_SERVICES: real.SERVICE_NAMES.filter((name) => real.SERVICE_RULES[name].onByDefault),
    INVITES_SEPARATELY: new Set(
      real.SERVICE_NAMES.filter((name) => real.SERVICE_RULES[name].invitesSeparately),
    ),
  };
});

// The fourth service's stand-in emulation would come with it, as its adapters do: here, its entry
// alone, holding account 200000000001 enabled in eu-west-1.
vi.mock('../../../local/standin/memberships.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../local/standin/memberships.ts')>();
  return {
    HELD_MEMBERSHIPS: {
      ...real.HELD_MEMBERSHIPS,
      [FOURTH]: {
        enabled: (_inspection: Inspection, administratorId: string) =>
          administratorId === '100000000001' ? [['eu-west-1', '200000000001']] : [],
        endingOperations: ['DeleteMembers'],
      },
    },
  };
});

const { membershipKey } = await import('../../../functions/shared/domain/keys.ts');
const { main } = await import('../../../cli/main.ts');
const { memoryIo } = await import('../../cli/helpers.ts');
const { COVERAGE_READ_CALLS } = await import('../../../cli/commands/coverage.ts');
const { readAccountsCsv } = await import('../../../cli/csv.ts');
const { parseTrigger } = await import('../../../functions/resolve-accounts/triggers.ts');
const { readResolveConfig } = await import('../../../functions/resolve-accounts/config.ts');
const { enabledInStandIn, MEMBERSHIP_ENDING_CALLS, requestedMemberships } = await import(
  '../../../local/runner/verify.ts'
);

async function help(args: string[]): Promise<string> {
  const io = memoryIo();
  expect(await main(args, io)).toBe(0);
  return io.stdout.text.replace(/\s+/g, ' ');
}

describe('a fourth service added to the registry alone', () => {
  it('is in the CLI help: what muster manages, the services and their default, the batch limits', async () => {
    expect(await help(['--help'])).toContain(
      'members of your Security Hub, Detective, GuardDuty and Fourth Service administrator',
    );
    expect(await help(['coverage', '--help'])).toContain(
      'any of securityhub, detective, guardduty and fourthservice, comma-separated (default: securityhub,detective,fourthservice)',
    );
    expect(await help(['plan', '--help'])).toContain(
      '1200 with Detective, 700 with Fourth Service, 1000 when Security Hub or GuardDuty invites',
    );
  });

  it("is in a removal plan, with the calls that remove its members, joined to Detective's", async () => {
    const io = memoryIo();
    expect(await main(['remove', '--local', '--accounts', '999900001111', '--dry-run'], io)).toBe(0);
    expect(io.stdout.text).toContain('Detective and Fourth Service: DeleteMembers');
  });

  it("is among coverage's reads and defaults, and the stack's default services", () => {
    expect(COVERAGE_READ_CALLS).toEqual(
      expect.arrayContaining(['Fourth Service GetHome', 'Fourth Service ListMembers']),
    );
    expect(
      readResolveConfig({
        AWS_REGION: 'eu-west-1',
        ADMINISTRATOR_ACCOUNT_ID: '100000000001',
        DEFAULT_REGIONS: 'eu-west-1',
      }).defaultServices,
    ).toEqual(['securityhub', 'detective', 'fourthservice']);
  });

  it('is a service the input may name, and its email rule holds every input', () => {
    expect(
      parseTrigger({ accounts: [{ accountId: '200000000001', email: 'a@example.com' }], services: [FOURTH] }),
    ).toMatchObject({ services: [FOURTH] });
    expect(() =>
      parseTrigger({
        accounts: [{ accountId: '200000000001', email: 'a@example.test' }],
        services: ['detective'],
      }),
    ).toThrow('account 200000000001: the email ends in .test, which Fourth Service refuses');
    expect(() => readAccountsCsv('Account ID,Email\n200000000001,a@example.test\n', 'x.csv')).toThrow(
      'line 2: account 200000000001: the email ends in .test, which Fourth Service refuses',
    );
  });

  it("is verified: requested by default, read from the stand-in's entry, its ending calls watched", () => {
    expect(requestedMemberships(['200000000001'], ['eu-west-1'])).toHaveLength(3);
    expect(requestedMemberships(['200000000001'], ['eu-west-1'])).toContain(
      membershipKey('200000000001', 'eu-west-1', FOURTH),
    );
    const empty = { membership: { securityhub: {}, detective: {}, guardduty: {} } } as unknown as Inspection;
    expect([...enabledInStandIn(empty, '100000000001')]).toEqual([
      membershipKey('200000000001', 'eu-west-1', FOURTH),
    ]);
    expect(MEMBERSHIP_ENDING_CALLS).toContain(`${FOURTH}:DeleteMembers`);
  });
});

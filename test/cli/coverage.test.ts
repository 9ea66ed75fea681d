import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type CoverageResult, coverageDeps, diffWord, readCoverage } from '../../cli/commands/coverage.ts';
import { main } from '../../cli/main.ts';
import { outcomeOfStatus } from '../../functions/shared/domain/outcomes.ts';
import { runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import { type Inspection, type Scenario, type StandIn, startStandIn } from '../../local/standin/index.ts';
import { memoryIo } from './helpers.ts';

const HOSTILE = 'local/scenarios/hostile.json';
const READ_OPERATIONS = new Set([
  'organizations:ListAccounts',
  'securityhub:DescribeHub',
  'securityhub:ListMembers',
  'detective:ListGraphs',
  'detective:ListMembers',
]);

/** What the stand-in's own state says of one membership, in the outcome vocabulary. */
function expectedOutcome(
  scenario: Scenario,
  state: Inspection['membership'],
  { accountId, region, service }: CoverageResult['records'][number],
): string {
  const administrator = scenario.administratorAccountId;
  if (accountId === administrator) return 'SKIPPED_ADMINISTRATOR';
  if (service === 'guardduty')
    throw new Error('the stand-in does not emulate GuardDuty: coverage reads only the other two');
  if (!scenario.services[service].enabledRegions.includes(region)) return 'SERVICE_NOT_ENABLED';
  if (service === 'securityhub') {
    return outcomeOfStatus(
      service,
      state.securityhub[region]?.administrators[administrator]?.[accountId]?.status,
    ).outcome;
  }
  const graph = Object.values(state.detective[region]?.graphs ?? {}).find(
    (candidate) => candidate.administratorId === administrator,
  );
  return outcomeOfStatus(service, graph?.members[accountId]?.status).outcome;
}

/** Where coverage's clients read: the stand-in, with the administrator's dummy credentials. */
const standInTarget = (standIn: StandIn) => ({
  endpoint: standIn.endpoint,
  credentials: {
    accessKeyId: standIn.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: standIn.env.AWS_SECRET_ACCESS_KEY ?? '',
  },
});
describe('muster coverage', () => {
  it('agrees with the stand-in, membership for membership, after the hostile onboarding, and makes only read calls', async () => {
    const standIn = await startStandIn({ scenario: HOSTILE, timeScale: 0.01 });
    try {
      const input = JSON.parse(readFileSync('local/scenarios/hostile.input.json', 'utf8'));
      await runLocalWorkflow({ standIn, input, timeScale: 0.01 });
      // Faults off so every read answers (throttling and 500s are the workflow's test, not this one).
      standIn.clearFaults();
      standIn.resetCounters();
      const { scenario } = standIn;
      const calls: Record<string, number> = {};
      const target = standInTarget(standIn);
      const result = await readCoverage(
        {
          administratorId: scenario.administratorAccountId,
          regions: scenario.regions,
          services: ['securityhub', 'detective'],
        },
        coverageDeps(target, scenario.regions[0] ?? 'us-east-1', calls),
      );
      const inspection = standIn.inspect();

      // The organization's ACTIVE accounts and the administrator, which the stand-in's organization holds.
      const active = scenario.accounts.filter(
        ({ joinedMethod, state, accountId }) =>
          joinedMethod !== 'OUTSIDE' && state === 'ACTIVE' && accountId !== scenario.administratorAccountId,
      );
      expect(result.records).toHaveLength((active.length + 1) * scenario.regions.length * 2);
      const disagreements = result.records.filter(
        (row) => row.outcome !== expectedOutcome(scenario, inspection.membership, row),
      );
      expect(disagreements).toEqual([]);
      // The run onboarded most of them: coverage reads real memberships, not only NOT_A_MEMBER.
      expect(result.coverage.outcomes.ENABLED).toBeGreaterThan(100);
      expect(
        Object.keys(inspection.calls.byOperation).filter((operation) => !READ_OPERATIONS.has(operation)),
      ).toEqual([]);
      expect(calls).toEqual(inspection.calls.byOperation);
    } finally {
      await standIn.stop();
    }
  }, 90_000);

  it('counts every request the stand-in received, the retries of its 500s included', async () => {
    const healthy = JSON.parse(readFileSync('local/scenarios/healthy.json', 'utf8')) as Scenario;
    const standIn = await startStandIn({
      scenario: {
        ...healthy,
        regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2', 'eu-central-1', 'ap-northeast-1'],
        generate: { count: 10, firstAccountId: '200000000001' },
        // About one call in three fails with a 500 that the SDK sends again.
        faults: { errorRate: 0.3, seed: 3 },
      },
      timeScale: 0.01,
    });
    try {
      const calls: Record<string, number> = {};
      const target = standInTarget(standIn);
      const { scenario } = standIn;
      const deps = coverageDeps(target, 'us-east-1', calls);
      await readCoverage(
        {
          administratorId: scenario.administratorAccountId,
          regions: scenario.regions,
          services: ['securityhub', 'detective'],
        },
        {
          ...deps,
          // The one ListAccounts page fails all its attempts about once in 400 runs (0.3 to the 5th),
          // which ends the read: the listing is then asked again, and those requests count too.
          listAccounts: async () => {
            for (let attempt = 1; ; attempt += 1) {
              try {
                return await deps.listAccounts();
              } catch (error) {
                if (attempt === 5) throw error;
              }
            }
          },
        },
      );

      const received = standIn.inspect().calls.byOperation;
      // 1 ListAccounts page and, per Region, DescribeHub, ListGraphs and one ListMembers page each.
      expect(Object.values(received).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(25);
      expect(calls).toEqual(received);
    } finally {
      await standIn.stop();
    }
  }, 60_000);

  it('writes one CSV row per account, Region and service, with names, and exits 1 when something is not covered', async () => {
    const io = memoryIo();
    expect(await main(['coverage', '--local', '--output', 'csv'], io)).toBe(1);
    const scenario = JSON.parse(readFileSync('local/scenarios/healthy.json', 'utf8')) as {
      regions: string[];
      accounts?: unknown[];
    };
    const rows = parse(io.stdout.text, { columns: true }) as Record<string, string>[];
    expect(rows.length % (scenario.regions.length * 2)).toBe(0);
    expect(rows.filter((row) => row.outcome === 'SKIPPED_ADMINISTRATOR')).toHaveLength(
      scenario.regions.length * 2,
    );
    expect(rows.every((row) => row.account?.startsWith(row.accountId ?? '-'))).toBe(true);
    expect(rows.some((row) => row.account !== row.accountId)).toBe(true);
  }, 30_000);

  it('says per membership what an onboarding would change with --diff --output json', async () => {
    const io = memoryIo();
    await main(['coverage', '--local', '--scenario', HOSTILE, '--diff', '--output', 'json'], io);
    const json = JSON.parse(io.stdout.text) as {
      memberships: { outcome: string; change: string }[];
      calls: Record<string, number>;
    };
    const changes = new Set(json.memberships.map(({ outcome, change }) => `${outcome}→${change}`));
    expect(changes).toContain('NOT_A_MEMBER→create');
    expect(changes).toContain('SKIPPED_ADMINISTRATOR→nothing');
    expect(changes).toContain('SERVICE_NOT_ENABLED→report');
    expect(Object.keys(json.calls).every((operation) => READ_OPERATIONS.has(operation))).toBe(true);
  }, 30_000);

  // Coverage lists only organization accounts and takes the administrator to be the service's
  // delegated administrator: a Removed one is created again where the service's rule says so.
  it.each([
    ['REMOVED', 'securityhub', 'create'],
    ['REMOVED', 'guardduty', 'create'],
    ['RESIGNED', 'securityhub', 'invite'],
    ['NOT_A_MEMBER', 'detective', 'create'],
    ['PENDING_INVITATION', 'securityhub', 'invite'],
    ['ENABLED', 'guardduty', 'nothing'],
  ] as const)('--diff calls a %s %s membership "%s"', (outcome, service, word) => {
    expect(diffWord(outcome, service)).toBe(word);
  });

  it("shows each account's OU with --ous, by walking the stand-in's OU tree, for the same memberships and only read calls", async () => {
    const args = ['coverage', '--local', '--scenario', HOSTILE, '--output', 'json'];
    const plain = memoryIo();
    const placed = memoryIo();
    await main(args, plain);
    await main([...args, '--ous'], placed);
    type Json = {
      memberships: { accountId: string; region: string; service: string; outcome: string; ou?: string }[];
      calls: Record<string, number>;
    };
    const without = JSON.parse(plain.stdout.text) as Json;
    const withOus = JSON.parse(placed.stdout.text) as Json;

    const key = ({ accountId, region, service, outcome }: Json['memberships'][number]) =>
      `${accountId}|${region}|${service}|${outcome}`;
    expect(withOus.memberships.map(key).sort()).toEqual(without.memberships.map(key).sort());
    expect(without.memberships.every(({ ou }) => ou === undefined)).toBe(true);
    const ouOf = new Map(withOus.memberships.map(({ accountId, ou }) => [accountId, ou]));
    expect(ouOf.get('000000000002')).toBe('Root/Workloads/Prod');
    expect(ouOf.get('555555555555')).toBe('Root/Workloads/Prod');
    expect(ouOf.get('222222222222')).toBe('Root/Workloads/Dev');
    expect(ouOf.get('444444444444')).toBe('Root/Sandbox');
    expect(ouOf.get('111111111111')).toBe('Root');
    expect(Object.keys(withOus.calls).sort()).toEqual([
      'detective:ListGraphs',
      'detective:ListMembers',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListRoots',
      'securityhub:DescribeHub',
      'securityhub:ListMembers',
    ]);
  }, 30_000);

  it('writes the OU beside each account in the CSV and the table with --ous', async () => {
    const csv = memoryIo();
    await main(['coverage', '--local', '--scenario', HOSTILE, '--ous', '--output', 'csv'], csv);
    const rows = parse(csv.stdout.text, { columns: true }) as Record<string, string>[];
    expect(rows.find((row) => row.accountId === '222222222222')?.ou).toBe('Root/Workloads/Dev');

    const table = memoryIo();
    await main(['coverage', '--local', '--scenario', HOSTILE, '--ous'], table);
    const notCovered = table.stdout.text.split('\n').filter((line) => / NOT_A_MEMBER( |$)/.test(line));
    expect(notCovered.length).toBeGreaterThan(0);
    expect(
      notCovered.every((line) =>
        /^ {2}\d{12}( \([^)]*\))? {2}Root(\/[^ ]+)? {2}(securityhub|detective) /.test(line),
      ),
    ).toBe(true);
    expect(table.stdout.text).toContain('organizations:ListRoots');
    expect(table.stdout.text).not.toContain('read with --ous');
  }, 30_000);

  it("says which pair it could not read, shows no percent for it, and exits with the error's own code (2 for a denied call), not 1", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'muster-coverage-'));
    try {
      const healthy = JSON.parse(readFileSync('local/scenarios/healthy.json', 'utf8'));
      const scenario = join(folder, 'denied.json');
      writeFileSync(
        scenario,
        JSON.stringify({
          ...healthy,
          generate: { count: 3, firstAccountId: '200000000001' },
          faults: { denied: [{ action: 'securityhub:ListMembers', regions: ['eu-west-1'] }] },
        }),
      );
      const table = memoryIo();
      expect(await main(['coverage', '--local', '--scenario', scenario], table)).toBe(2);
      expect(table.stderr.text).toMatch(/could not read securityhub in eu-west-1: .*AccessDeniedException/);
      const lines = table.stdout.text.split('\n');
      const securityHub = lines.slice(lines.indexOf('  securityhub'));
      expect(securityHub[1]).toMatch(/^ {4}us-east-1 +0\.0% {2}0\/3$/);
      expect(securityHub[2]).toMatch(/^ {4}eu-west-1 +not read$/);

      const json = memoryIo();
      expect(await main(['coverage', '--local', '--scenario', scenario, '--output', 'json'], json)).toBe(2);
      const { coverage, unread } = JSON.parse(json.stdout.text) as {
        coverage: { region: string; service: string; percent: number | null }[];
        unread: { region: string; service: string; error: string }[];
      };
      expect(
        coverage.find(({ region, service }) => region === 'eu-west-1' && service === 'securityhub'),
      ).toMatchObject({
        percent: null,
      });
      expect(unread).toEqual([
        {
          region: 'eu-west-1',
          service: 'securityhub',
          error: expect.stringMatching(/^AccessDeniedException: /),
        },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses an unknown service before reading anything', async () => {
    const io = memoryIo();
    expect(await main(['coverage', '--local', '--services', 'guardduty,macie'], io)).toBe(2);
    expect(io.stderr.text).toContain('--services');
  });
});

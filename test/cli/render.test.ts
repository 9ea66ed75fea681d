import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { type Progress, startProgress } from '../../cli/history.ts';
import { memberships, phasesText, planJson, planText, reportJson, reportText } from '../../cli/render.ts';
import { samplePlan, sampleReport, settledReport } from './helpers.ts';

const plain = pc.createColors(false);
const progress = (fields: Partial<Progress>): Progress => ({ ...startProgress(), ...fields });

describe('planJson', () => {
  it('returns accounts with emails, Regions, services and skipped accounts with why', () => {
    const json = planJson(
      samplePlan({ accounts: [{ accountId: '200000000001' }], accountIds: ['200000000001'] }),
    );
    expect(json).toMatchObject({
      accounts: [{ accountId: '200000000001', email: null }],
      regions: ['us-east-1', 'eu-west-1'],
      services: ['securityhub', 'detective'],
      skipped: [{ accountId: '111111111111', outcome: 'SKIPPED_ADMINISTRATOR', reason: expect.any(String) }],
      memberships: 4,
      note: null,
    });
  });
});

describe('planText', () => {
  it('returns the dimensions, the Regions where a service is not enabled and what is skipped', () => {
    const text = planText(samplePlan({ note: 'Dry run: this is the plan; nothing was changed.' }), plain);
    expect(text).toContain('3 accounts × 2 Regions × 2 services = 12 memberships, 1 skipped');
    expect(text).toContain('Security Hub   enabled for the administrator in every Region');
    expect(text).toContain(
      'Detective      not enabled for the administrator in eu-west-1: memberships there will be SERVICE_NOT_ENABLED',
    );
    expect(text).toContain('200000000002  two@example.com');
    expect(text).toMatch(/111111111111 {2}SKIPPED_ADMINISTRATOR {2}this is the administrator account/);
    expect(text).toContain('Note: Dry run');
  });

  it('returns the count and the plan object of a long dry run whose lists stayed in the report bucket', () => {
    const carried = {
      ...samplePlan({ accounts: [], accountIds: [], skipped: [] }),
      accountCount: 5_000,
      skippedCount: 0,
      planKey: 'executions/muster-onboarding/run-1/plan.json',
    };
    const text = planText(carried, plain);
    expect(text).toContain('5000 accounts × 2 Regions × 2 services = 20000 memberships');
    expect(text).toContain('Accounts to onboard (5000)');
    expect(text).toContain('listed in the report bucket, executions/muster-onboarding/run-1/plan.json');
  });

  it('returns the Regions where AWS does not offer a service apart from those where it is not enabled', () => {
    const text = planText(samplePlan({ notOffered: [{ region: 'eu-west-1', service: 'detective' }] }), plain);
    expect(text).toContain(
      'Detective      not offered by AWS in eu-west-1: memberships there will be SERVICE_NOT_OFFERED',
    );
    expect(text).toContain('Detective      enabled for the administrator in every other Region');
    expect(text).not.toContain('SERVICE_NOT_ENABLED');
  });

  it('returns the first accounts and a count when the list is long', () => {
    const accounts = Array.from({ length: 120 }, (_, index) => ({ accountId: String(200000000001 + index) }));
    const text = planText(
      samplePlan({ accounts, accountIds: accounts.map(({ accountId }) => accountId) }),
      plain,
    );
    expect(text).toContain('… and 100 more (--json lists them all)');
  });
});

describe('memberships', () => {
  it('returns every account, skipped ones included, in every Region for every service', () => {
    const rows = memberships(samplePlan(), sampleReport().notEnabled);
    expect(rows).toHaveLength(16);
    expect(rows.filter(({ outcome }) => outcome === 'ENABLED')).toHaveLength(11);
    expect(rows).toContainEqual({
      accountId: '200000000002',
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'CONFLICT',
      reason: 'already a member of Security Hub administrator 999999999999',
    });
  });

  it('returns only the listed memberships when the plan is unknown', () => {
    expect(memberships(undefined, sampleReport().notEnabled)).toHaveLength(5);
  });
});

describe('reportJson', () => {
  it('returns status, exit code, counts and every membership with its reason', () => {
    const json = reportJson(
      progress({
        status: 'FAILED',
        error: 'OnboardingNeedsAttention',
        finalState: 'Needs Attention',
        plan: samplePlan(),
        report: sampleReport(),
      }),
      { executionArn: 'arn', status: 'FAILED' },
    );
    expect(json).toMatchObject({
      execution: { executionArn: 'arn', status: 'FAILED' },
      status: 'NEEDS_ATTENTION',
      exitCode: 1,
      counts: { ENABLED: 11, CONFLICT: 1, SKIPPED_ADMINISTRATOR: 4 },
      total: 16,
      round: 1,
    });
    expect(json.memberships).toHaveLength(16);
    expect(json.memberships[0]).toEqual({
      accountId: '200000000001',
      region: 'us-east-1',
      service: 'securityhub',
      outcome: 'ENABLED',
      reason: null,
    });
  });

  it('returns REJECTED with the error when the request was refused', () => {
    expect(reportJson(progress({ status: 'FAILED', error: 'InvalidInputError', cause: 'bad id' }))).toEqual({
      status: 'REJECTED',
      exitCode: 2,
      counts: {},
      total: 0,
      round: null,
      memberships: [],
      error: 'InvalidInputError',
      cause: 'bad id',
    });
  });

  it('returns NOTHING_TO_DO with the plan after a dry run', () => {
    const plan = samplePlan({ dryRun: true, hasWork: false });
    expect(reportJson(progress({ status: 'SUCCEEDED', finalState: 'Nothing To Do', plan }))).toMatchObject({
      status: 'NOTHING_TO_DO',
      exitCode: 0,
      plan: { dryRun: true, memberships: 12 },
    });
  });
});

describe('reportText', () => {
  it('returns counts per outcome and groups the same outcome, reason and accounts across Regions and services', () => {
    const text = reportText(
      progress({
        status: 'FAILED',
        error: 'OnboardingNeedsAttention',
        finalState: 'Needs Attention',
        plan: samplePlan(),
        report: sampleReport(),
      }),
      plain,
    );
    expect(text).toMatch(
      /^NEEDS ATTENTION {2}1 of 16 memberships not settled \(11 enabled, 4 skipped by rule\), check round 1/,
    );
    expect(text).toContain(
      [
        '  ENABLED                    11',
        '  CONFLICT                    1',
        '  SKIPPED_ADMINISTRATOR       4',
      ].join('\n'),
    );
    expect(text).toContain(
      'Needs attention (1 membership)\n  CONFLICT  securityhub in us-east-1  1 account\n    200000000002\n',
    );
    expect(text).toContain(
      'Skipped by rule (4 memberships)\n  SKIPPED_ADMINISTRATOR  securityhub, detective in us-east-1, eu-west-1  1 account\n    111111111111',
    );
  });

  it('returns "all N accounts" instead of the ids when a group holds every account of the plan', () => {
    const report = sampleReport({
      notEnabled: [
        {
          outcome: 'SERVICE_NOT_ENABLED',
          reason: 'the administrator has no Detective behavior graph in this Region',
          pairs: [{ region: 'eu-west-1', service: 'detective' }],
          accountIds: ['200000000003', '200000000001', '200000000002'],
        },
      ],
    });
    const text = reportText(progress({ status: 'FAILED', plan: samplePlan(), report }), plain);
    expect(text).toContain(
      'SERVICE_NOT_ENABLED  detective in eu-west-1  3 accounts\n    all 3 accounts of the plan\n',
    );
  });

  it('returns the ids six to a line and cuts a very long group short', () => {
    const accountIds = Array.from({ length: 70 }, (_, index) => String(300000000001 + index));
    const report = sampleReport({
      notEnabled: [
        {
          outcome: 'PENDING_ACCEPTANCE',
          pairs: [{ region: 'us-east-1', service: 'securityhub' }],
          accountIds,
        },
      ],
    });
    const text = reportText(progress({ status: 'RUNNING', report }), plain);
    expect(text).toContain('Still pending (70 memberships)');
    expect(text).toContain(
      '    300000000001  300000000002  300000000003  300000000004  300000000005  300000000006\n',
    );
    expect(text).toContain('… and 10 more (--json lists every membership)');
  });

  it('returns SUCCEEDED and no attention section when everything settled', () => {
    const text = reportText(
      progress({ status: 'SUCCEEDED', plan: samplePlan(), report: settledReport() }),
      plain,
    );
    expect(text).toMatch(/^SUCCEEDED {2}16 memberships: 12 enabled, 4 skipped by rule/);
    expect(text).not.toContain('Needs attention');
  });

  it('returns the error and its cause when the request was rejected', () => {
    const text = reportText(
      progress({ status: 'FAILED', error: 'InvalidInputError', cause: 'input.regions[0]: bad' }),
      plain,
    );
    expect(text).toBe('REJECTED\nInvalidInputError: input.regions[0]: bad\n');
  });
});

describe('phasesText', () => {
  it('returns each phase with a mark and what it did', () => {
    const text = phasesText(
      progress({
        status: 'RUNNING',
        phase: 'member',
        plan: samplePlan(),
        pairsDone: 4,
        report: sampleReport({ status: 'PENDING' }),
        batches: { round: 1, total: 2, done: 1, failed: 0 },
      }),
      plain,
    );
    expect(text.split('\n')).toEqual([
      'Phases',
      '  ✔ Resolve accounts    3 accounts × 2 Regions × 2 services = 12 memberships, 1 skipped',
      '  ✔ Create and invite   4/4 Region × service pairs',
      '  ▸ Check members       round 1 of 30: PENDING',
      '  ▸ Accept invitations  round 1: 1/2 batches',
    ]);
  });
});

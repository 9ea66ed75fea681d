import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { SWEEP_RESULTS } from '../../functions/shared/domain/sweep.ts';
import { RESULT_DIMENSION, recordSweepFinished } from '../../functions/shared/observability.ts';
import { emittedMetrics } from '../emf.ts';
import { readTemplate } from './template.ts';

// biome-ignore lint/suspicious/noExplicitAny: the template's resources are read field by field
type Json = any;
const template = readTemplate('template.yaml');
const resource = (id: string) =>
  template.Resources[id] as { Type: string; Condition?: string; Properties: Json };
const SWEEP_INPUT = '{"sweep":true}';

/** An alarm's dimensions as one object, to compare with what the code emits. */
const dimensionsOf = (alarm: Json): Record<string, string> =>
  Object.fromEntries(alarm.Dimensions.map(({ Name, Value }: Json) => [Name, Value]));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the scheduled sweep', () => {
  it('is an EventBridge Scheduler schedule of SweepSchedule, once a day by default, none when the parameter is empty', () => {
    expect(template.Parameters.SweepSchedule).toMatchObject({ Type: 'String', Default: 'rate(1 day)' });
    expect((template as Json).Conditions.HasSweep).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SweepSchedule' }, ''] }],
    });
    const schedule = resource('OrganizationSweep');
    expect(schedule).toMatchObject({ Type: 'AWS::Scheduler::Schedule', Condition: 'HasSweep' });
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: { Ref: 'SweepSchedule' },
      Target: {
        Arn: { Ref: 'OnboardingStateMachine' },
        RoleArn: { 'Fn::GetAtt': 'SweepScheduleRole.Arn' },
        Input: SWEEP_INPUT,
      },
    });
    // Every sweep-only resource goes with the schedule.
    for (const id of ['SweepScheduleRole', 'SweepNeedsAttentionAlarm', 'SweepOverdueAlarm'])
      expect(resource(id).Condition).toBe('HasSweep');
  });

  it('sends an input that starts a sweep, the same as its sample event', () => {
    expect(parseTrigger(JSON.parse(SWEEP_INPUT))).toEqual({
      trigger: 'sweep',
      accounts: 'all',
      dryRun: false,
    });
    expect(JSON.parse(readFileSync('events/triggers/scheduled-sweep.json', 'utf8'))).toEqual(
      JSON.parse(SWEEP_INPUT),
    );
  });

  it('runs as a role the scheduler alone assumes, for this account, allowed only states:StartExecution on the state machine', () => {
    const role = resource('SweepScheduleRole').Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.Policies.flatMap((policy: Json) => policy.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'OnboardingStateMachine' } },
    ]);
  });

  it('has no EventBridge rule without a target, and no alarm on a rule', () => {
    const resources = Object.entries(template.Resources) as [string, { Type: string; Properties?: Json }][];
    const rules = resources.filter(([, { Type }]) => Type === 'AWS::Events::Rule');
    for (const [id, rule] of rules) expect(rule.Properties?.Targets, id).not.toHaveLength(0);
    const alarms = resources.filter(([, { Type }]) => Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.Namespace, id).not.toBe('AWS/Events');
      for (const { Value } of alarm.Properties.Dimensions ?? []) {
        const referenced = typeof Value === 'object' ? template.Resources[Value.Ref] : undefined;
        if (referenced?.Type === 'AWS::Events::Rule')
          expect((referenced.Properties as Json)?.Targets, `${id} reads ${Value.Ref}`).not.toHaveLength(0);
      }
    }
  });

  it('alarms on the alarm topic when a sweep finishes needing attention, on the metric Merge Reports writes for it', () => {
    const [, withResult] = emittedMetrics(() => recordSweepFinished(SWEEP_RESULTS.needsAttention));
    expect(withResult?.values).toHaveProperty(RESULT_DIMENSION, SWEEP_RESULTS.needsAttention);
    const alarm = resource('SweepNeedsAttentionAlarm').Properties;
    expect(alarm).toMatchObject({
      Namespace: withResult?.namespace,
      MetricName: withResult?.name,
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(dimensionsOf(alarm)).toEqual(withResult?.values);
  });

  it('alarms on the alarm topic when no sweep finished within twice its interval, whatever its result, for every interval offered', () => {
    const alarm = resource('SweepOverdueAlarm').Properties;
    const finished = emittedMetrics(() => recordSweepFinished(SWEEP_RESULTS.covered));
    // The one metric every finished sweep writes, whatever its result.
    const [everyResult] = finished.filter(({ values }) => !(RESULT_DIMENSION in values));
    expect(finished).toHaveLength(2);
    expect(alarm).toMatchObject({
      Namespace: everyResult?.namespace,
      MetricName: everyResult?.name,
      Statistic: 'Sum',
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(dimensionsOf(alarm)).toEqual(everyResult?.values);
    const conditions = (template as Json).Conditions;
    /** The Period CloudFormation would pick for one SweepSchedule value. */
    const periodFor = (schedule: string): number => {
      let node = alarm.Period;
      while (typeof node === 'object') {
        const [condition, then, otherwise] = node['Fn::If'];
        node = conditions[condition]['Fn::Equals'][1] === schedule ? then : otherwise;
      }
      return node;
    };
    const seconds = { hours: 3_600, day: 86_400, days: 86_400 } as const;
    const offered = (template.Parameters.SweepSchedule as Json).AllowedValues.filter(
      (value: string) => value !== '',
    );
    expect(offered.length).toBeGreaterThan(0);
    for (const schedule of offered) {
      const [, count, unit] = /^rate\((\d+) (hours|day|days)\)$/.exec(schedule) ?? [];
      const interval = Number(count) * seconds[unit as keyof typeof seconds];
      expect(periodFor(schedule), schedule).toBe(2 * interval);
      // CloudWatch looks back at most 7 days (docs/aws-facts.md, Deploying: SAM, CloudFormation, SNS and KMS).
      expect(periodFor(schedule)).toBeLessThanOrEqual(604_800);
    }
  });
});

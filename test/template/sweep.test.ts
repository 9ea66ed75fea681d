import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrigger } from '../../functions/resolve-accounts/triggers.ts';
import { readTemplate } from './template.ts';

// biome-ignore lint/suspicious/noExplicitAny: the template's resources are read field by field
type Json = any;
const template = readTemplate('template.yaml');
const resource = (id: string) =>
  template.Resources[id] as { Type: string; Condition?: string; Properties: Json };
const SWEEP_INPUT = '{"sweep":true}';

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
    for (const id of [
      'SweepScheduleRole',
      'SweepNeedsAttentionRule',
      'SweepSucceededRule',
      'SweepNeedsAttentionAlarm',
      'SweepOverdueAlarm',
    ])
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

  it.each([
    ['SweepNeedsAttentionRule', ['FAILED', 'TIMED_OUT', 'ABORTED']],
    ['SweepSucceededRule', ['SUCCEEDED']],
  ])('counts with %s only the sweep executions of this state machine that end %j', (id, statuses) => {
    expect(resource(id).Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        stateMachineArn: [{ Ref: 'OnboardingStateMachine' }],
        status: statuses,
        input: [SWEEP_INPUT],
      },
    });
  });

  it('alarms on the alarm topic when a sweep ends needing attention', () => {
    expect(resource('SweepNeedsAttentionAlarm').Properties).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: 'SweepNeedsAttentionRule' } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  it('alarms on the alarm topic when no sweep succeeded within twice its interval, for every interval offered', () => {
    const alarm = resource('SweepOverdueAlarm').Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'MatchedEvents',
      Dimensions: [{ Name: 'RuleName', Value: { Ref: 'SweepSucceededRule' } }],
      Statistic: 'Sum',
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
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

import { describe, expect, it } from 'vitest';
import { type Resource, readTemplate } from './template.ts';

const { Resources, Outputs } = readTemplate('events-forwarder.yaml');

const ofType = (type: string) => Object.entries(Resources).filter(([, resource]) => resource.Type === type);
const rules = ofType('AWS::Events::Rule');
const ruleIds = rules.map(([logicalId]) => logicalId).sort();
const queues = ofType('AWS::SQS::Queue');
const alarms = ofType('AWS::CloudWatch::Alarm').map(([, { Properties }]) => Properties ?? {});

interface Target {
  Id: string;
  Arn: unknown;
  DeadLetterConfig?: { Arn?: unknown };
}

const targetsOf = (rule: Resource) => (rule.Properties?.Targets as Target[] | undefined) ?? [];

/** The logical id and attribute of a `!GetAtt X.Attr`, if the value is one. */
function getAtt(value: unknown): [string, string] | undefined {
  if (typeof value !== 'object' || value === null || !('Fn::GetAtt' in value)) return undefined;
  const target = value['Fn::GetAtt'];
  const [id, attribute] = Array.isArray(target) ? target : String(target).split('.');
  return [String(id), String(attribute)];
}

const ref = (value: unknown) =>
  typeof value === 'object' && value !== null && 'Ref' in value ? String(value.Ref) : undefined;

interface Statement {
  Effect: string;
  Principal?: { Service?: string };
  Action: string | string[];
  Resource: unknown;
  Condition?: { ArnEquals?: { 'aws:SourceArn'?: unknown[] } };
}

describe('the events forwarder (events-forwarder.yaml)', () => {
  it('has the three forwarding rules, each with a target', () => {
    expect(ruleIds).toEqual([
      'ForwardAccountCreated',
      'ForwardAccountJoinedOrDeparted',
      'ForwardManagedAccountCreated',
    ]);
    for (const [logicalId, rule] of rules) expect(targetsOf(rule).length, logicalId).toBeGreaterThan(0);
  });

  // Without them EventBridge drops an event it could not deliver, and the account waits for a sweep.
  // An event-bus target takes no RetryPolicy (docs/aws-facts.md, "The events forwarder's dead-letter
  // queue"): it gets EventBridge's default, a day and 185 attempts, then the dead-letter queue.
  it('gives every forwarding target a dead-letter queue of this stack and no retry policy', () => {
    const queueIds = queues.map(([logicalId]) => logicalId);
    for (const [logicalId, rule] of rules) {
      for (const target of targetsOf(rule)) {
        const where = `${logicalId}/${target.Id}`;
        const deadLetter = getAtt(target.DeadLetterConfig?.Arn);
        expect(deadLetter, where).toBeDefined();
        expect(queueIds, where).toContain(deadLetter?.[0]);
        expect(deadLetter?.[1], where).toBe('Arn');
        expect(target, where).not.toHaveProperty('RetryPolicy');
      }
    }
  });

  it('keeps dead letters 14 days in a standard queue under SQS-owned encryption', () => {
    expect(queues).toHaveLength(1);
    const [, queue] = queues[0] as [string, Resource];
    expect(queue.Properties).toEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  it('lets only EventBridge, for exactly the forwarder rules, send to the dead-letter queue', () => {
    const [queueId] = queues[0] as [string, Resource];
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0] as [string, Resource];
    expect(((policy.Properties?.Queues as unknown[] | undefined) ?? []).map(ref)).toEqual([queueId]);
    const document = policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined;
    const statements = document?.Statement ?? [];
    expect(statements).toHaveLength(1);
    const [statement] = statements as [Statement];
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
    });
    expect(getAtt(statement.Resource)).toEqual([queueId, 'Arn']);
    expect(Object.keys(statement.Condition ?? {})).toEqual(['ArnEquals']);
    const sources = (statement.Condition?.ArnEquals?.['aws:SourceArn'] ?? []).map(getAtt);
    expect(sources.every((source) => source?.[1] === 'Arn')).toBe(true);
    expect(sources.map((source) => source?.[0]).sort()).toEqual(ruleIds);
  });

  it('alarms while an event waits in the dead-letter queue, until the queue reads empty', () => {
    const [queueId] = queues[0] as [string, Resource];
    const onQueue = alarms.filter(
      (alarm) =>
        alarm.Namespace === 'AWS/SQS' &&
        alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        (alarm.Dimensions as { Name: string; Value: unknown }[]).some(
          ({ Name, Value }) => Name === 'QueueName' && getAtt(Value)?.join('.') === `${queueId}.QueueName`,
        ),
    );
    expect(onQueue).toHaveLength(1);
    expect(onQueue[0]).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
  });

  it('alarms, per rule, on an event that could not reach the dead-letter queue either', () => {
    const watched = alarms
      .filter(
        (alarm) => alarm.Namespace === 'AWS/Events' && alarm.MetricName === 'InvocationsFailedToBeSentToDlq',
      )
      .map((alarm) => {
        expect(alarm).toMatchObject({
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
        // A rule of the default bus: its metrics carry the RuleName dimension alone
        // (docs/aws-facts.md, "The events forwarder's dead-letter queue").
        const dimensions = alarm.Dimensions as { Name: string; Value: unknown }[];
        expect(dimensions.map(({ Name }) => Name)).toEqual(['RuleName']);
        return ref(dimensions[0]?.Value);
      });
    expect(watched.sort()).toEqual(ruleIds);
  });

  it("notifies this stack's own topic from every alarm, and tells where the queue is", () => {
    const topicIds = ofType('AWS::SNS::Topic').map(([logicalId]) => logicalId);
    expect(topicIds).toHaveLength(1);
    for (const alarm of alarms) expect((alarm.AlarmActions as unknown[]).map(ref)).toEqual(topicIds);
    const [queueId] = queues[0] as [string, Resource];
    expect(Outputs.DeadLetterQueueUrl).toMatchObject({ Value: { Ref: queueId } });
    expect(Outputs.AlarmTopicArn).toMatchObject({ Value: { Ref: topicIds[0] } });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_REGIONS } from '../../functions/shared/domain/regions.ts';
import { type Resource, readTemplate } from './template.ts';

const template = readTemplate('template.yaml');

/** Resource properties that give an IAM resource a name of our choosing (CAPABILITY_NAMED_IAM). */
const IAM_NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

function namedIamResources(resources: Record<string, Resource>): string[] {
  return Object.entries(resources)
    .filter(([, { Type, Properties }]) => {
      const nameProperty = IAM_NAME_PROPERTIES[Type];
      return nameProperty !== undefined && Properties?.[nameProperty] !== undefined;
    })
    .map(([logicalId]) => logicalId);
}

/** The logical id a `!Ref X` or `!GetAtt X.Arn` points at, if it is one. */
function referenced(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('Ref' in value) return String(value.Ref);
  if ('Fn::GetAtt' in value) {
    const target = value['Fn::GetAtt'];
    return Array.isArray(target) ? String(target[0]) : String(target).split('.')[0];
  }
  return undefined;
}

interface Statement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Action: string | string[];
  Condition?: unknown;
}

/** Whether a policy statement's action (with IAM's `*` wildcard) covers `action`. */
const covers = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

/** Why CloudWatch cannot publish to `topicId`, or undefined when it can. */
function whyCloudWatchCannotPublish(
  resources: Record<string, Resource>,
  topicId: string,
): string | undefined {
  const topic = resources[topicId];
  if (topic?.Type !== 'AWS::SNS::Topic') return `${topicId} is not an SNS topic of this stack`;
  const keyId = topic.Properties?.KmsMasterKeyId;
  if (keyId === undefined) return undefined;
  const keyLogicalId = referenced(keyId);
  const key = keyLogicalId === undefined ? undefined : resources[keyLogicalId];
  if (key?.Type !== 'AWS::KMS::Key') {
    return `${topicId} is encrypted with ${JSON.stringify(keyId)}, a key whose policy this stack cannot grant CloudWatch`;
  }
  const statements = (key.Properties?.KeyPolicy as { Statement?: Statement[] } | undefined)?.Statement ?? [];
  const forCloudWatch = statements.filter(
    ({ Effect, Principal }) =>
      Effect === 'Allow' && [Principal?.Service].flat().includes('cloudwatch.amazonaws.com'),
  );
  const missing = ['kms:GenerateDataKey', 'kms:Decrypt'].filter(
    (action) =>
      !forCloudWatch.some(({ Action }) => [Action].flat().some((pattern) => covers(pattern, action))),
  );
  return missing.length > 0
    ? `${keyLogicalId}'s policy does not let cloudwatch.amazonaws.com ${missing.join(', ')}`
    : undefined;
}

describe('deploying template.yaml', () => {
  it('names no IAM resource, so the CAPABILITY_IAM that sam deploy --guided grants is enough', () => {
    expect(namedIamResources(template.Resources)).toEqual([]);
    expect(namedIamResources(readTemplate('events-forwarder.yaml').Resources)).toEqual([]);
  });

  it('tells member-role.yaml the name CloudFormation gives the accept-invitations role', () => {
    const functionRole = template.Resources.AcceptInvitationsFunction?.Properties?.Role;
    expect(referenced(functionRole)).toBe('AcceptInvitationsRole');
    expect(template.Outputs.MemberRoleTrustedRoleName).toMatchObject({
      Value: { Ref: 'AcceptInvitationsRole' },
    });
  });

  it.each(['template.yaml', 'events-forwarder.yaml'])(
    'lets CloudWatch publish to the topic of every alarm action of %s',
    (file) => {
      const { Resources } = readTemplate(file);
      const alarms = Object.entries(Resources).filter(([, { Type }]) => Type === 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThan(0);
      const problems = alarms.flatMap(([alarmId, { Properties }]) =>
        (['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const)
          .flatMap((kind) => (Properties?.[kind] as unknown[] | undefined) ?? [])
          .map((action) => {
            const topicId = referenced(action);
            if (topicId === undefined)
              return `${alarmId}: action ${JSON.stringify(action)} is not a topic of this stack`;
            const why = whyCloudWatchCannotPublish(Resources, topicId);
            return why === undefined ? undefined : `${alarmId}: ${why}`;
          })
          .filter((problem) => problem !== undefined),
      );
      expect(problems).toEqual([]);
    },
  );

  it.each(['template.yaml', 'events-forwarder.yaml'])(
    'rotates the alarm topic key of %s and lets the account administer it',
    (file) => {
      const keys = Object.values(readTemplate(file).Resources).filter(({ Type }) => Type === 'AWS::KMS::Key');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key.Properties?.EnableKeyRotation).toBe(true);
        expect(
          (key.Properties?.KeyPolicy as { Statement?: unknown[] } | undefined)?.Statement,
        ).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
            Action: 'kms:*',
          }),
        );
      }
    },
  );
});

/** Every shell command in the README and docs/, continuation lines joined, with where it is. */
function documentedCommands(): { file: string; command: string }[] {
  const files = ['README.md', ...readdirSync('docs').map((name) => `docs/${name}`)].filter((file) =>
    file.endsWith('.md'),
  );
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
      String(block)
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((command) => ({ file, command: command.trim() }))
        .filter(({ command }) => command !== ''),
    ),
  );
}

/** The capability CloudFormation needs for a template's IAM resources, if any. */
function capabilityFor(path: string): string | undefined {
  const { Resources } = readTemplate(path);
  if (namedIamResources(Resources).length > 0) return 'CAPABILITY_NAMED_IAM';
  const hasIam = Object.values(Resources).some(
    ({ Type }) => Type.startsWith('AWS::IAM::') || Type === 'AWS::Serverless::Function',
  );
  return hasIam ? 'CAPABILITY_IAM' : undefined;
}

describe('the documented deploy commands', () => {
  const commands = documentedCommands();

  it('acknowledge the IAM capability each template needs', () => {
    const deploys = commands.filter(({ command }) =>
      /aws cloudformation (deploy|create-stack|create-stack-set|update-stack|update-stack-set) |sam deploy /.test(
        command,
      ),
    );
    expect(deploys.length).toBeGreaterThan(0);
    for (const { file, command } of deploys) {
      const templateFile = command.match(/(?:--template-file |file:\/\/)(\S+\.yaml)/)?.[1] ?? 'template.yaml';
      const needed = capabilityFor(templateFile);
      if (needed === undefined || command.includes('--guided')) continue;
      expect(command, `${file}: ${templateFile} needs ${needed}`).toMatch(
        new RegExp(`--capabilities \\S*${needed}`),
      );
    }
  });

  it('build the functions before sam build and sam deploy', () => {
    for (const file of ['README.md', 'docs/deploy.md']) {
      const sequence = commands
        .filter((entry) => entry.file === file)
        .map(({ command }) => command.match(/^(npm run build|sam build|sam deploy)\b/)?.[1])
        .filter((step) => step !== undefined);
      expect(sequence.slice(0, 3), file).toEqual(['npm run build', 'sam build', 'sam deploy']);
    }
  });

  // The forwarder's stack is the one the docs deploy as muster-events-forwarder; any other is muster's.
  it('query stack outputs that the template of the stack they name has', () => {
    const queried = commands.flatMap(({ file, command }) => {
      const templateFile = /--stack-name muster-events-forwarder\b/.test(command)
        ? 'events-forwarder.yaml'
        : 'template.yaml';
      return [...command.matchAll(/OutputKey=='(\w+)'/g)].map((match) => ({
        where: `${file}: ${templateFile}`,
        key: String(match[1]),
        outputs: Object.keys(readTemplate(templateFile).Outputs),
      }));
    });
    expect(queried.map(({ key }) => key)).toContain('MemberRoleTrustedRoleName');
    expect(queried.map(({ key }) => key)).toContain('DeadLetterQueueUrl');
    for (const { where, key, outputs } of queried) expect(outputs, where).toContain(key);
  });
});

describe('partitions', () => {
  const machines = Object.values(template.Resources).filter(
    ({ Type }) => Type === 'AWS::Serverless::StateMachine',
  );

  it('write no ARN of the commercial partition into a template or a state machine definition', () => {
    const files = [
      'template.yaml',
      'member-role.yaml',
      'events-forwarder.yaml',
      ...readdirSync('statemachines').map((name) => `statemachines/${name}`),
    ];
    const hardCoded = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/arn:aws:/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(hardCoded).toEqual([]);
  });

  // In aws-cn or aws-us-gov a Task whose Resource names the aws partition fails the execution
  // (docs/aws-facts.md, Step Functions, "Service integration ARNs carry the partition").
  it("resolve every Task's Resource to a function of the stack or to an integration ARN in the stack's own partition", () => {
    expect(machines.length).toBe(3);
    const resources = (node: unknown): string[] =>
      Array.isArray(node)
        ? node.flatMap(resources)
        : typeof node === 'object' && node !== null
          ? Object.entries(node).flatMap(([key, value]) =>
              key === 'Resource' && typeof value === 'string' ? [value] : resources(value),
            )
          : [];
    for (const { Properties } of machines) {
      const substitutions = Properties?.DefinitionSubstitutions as Record<string, unknown>;
      const definition = JSON.parse(readFileSync(String(Properties?.DefinitionUri), 'utf8'));
      for (const resource of resources(definition)) {
        const placeholder = /^\$\{(\w+)\}$/.exec(resource)?.[1];
        expect(placeholder, resource).toBeDefined();
        const value = substitutions[String(placeholder)];
        const functionArn = /^\w+Function\.Arn$/.test(
          String((value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt']),
        );
        const integration = /^arn:\$\{AWS::Partition\}:states:::/.test(
          String((value as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub']),
        );
        expect(functionArn || integration, `${resource}: ${JSON.stringify(value)}`).toBe(true);
      }
    }
  });
});

describe('the parameters', () => {
  type Parameter = {
    Type: string;
    Description?: string;
    AllowedPattern?: string;
    AllowedValues?: unknown[];
    MinValue?: number;
    MaxValue?: number;
    MaxLength?: number;
  };
  const parametersOf = (file: string) =>
    Object.entries(readTemplate(file).Parameters as unknown as Record<string, Parameter>);
  /** CloudFormation matches AllowedPattern against the whole value, and each value of a CommaDelimitedList. */
  const accepts = (pattern: string | undefined, value: string) =>
    pattern !== undefined && new RegExp(`^(?:${pattern})$`).test(value);

  it.each(['template.yaml', 'member-role.yaml', 'events-forwarder.yaml'])(
    'of %s each say what they are and refuse what cannot work, at deploy time',
    (file) => {
      const unconstrained = parametersOf(file)
        .filter(
          ([, { AllowedPattern, AllowedValues, MinValue, MaxValue, MaxLength }]) =>
            AllowedPattern === undefined &&
            AllowedValues === undefined &&
            (MinValue === undefined || MaxValue === undefined) &&
            MaxLength === undefined,
        )
        .map(([name]) => name);
      expect(unconstrained).toEqual([]);
      for (const [name, { Description }] of parametersOf(file))
        expect(Description?.length ?? 0, name).toBeGreaterThan(20);
    },
  );

  it('take Regions as each a Region name, so a mangled one fails the deploy rather than every execution', () => {
    const regions = template.Parameters.Regions as unknown as Parameter;
    expect(regions.Type).toBe('CommaDelimitedList');
    for (const region of KNOWN_REGIONS) expect(accepts(regions.AllowedPattern, region), region).toBe(true);
    for (const bad of ['', 'EU-WEST-1', 'eu west 1', 'euwest1', 'eu-west', 'us-east-1,eu-west-1'])
      expect(accepts(regions.AllowedPattern, bad), bad).toBe(false);
  });

  it('take NotificationEmail empty or as an address SNS can subscribe', () => {
    const email = (template.Parameters.NotificationEmail as unknown as Parameter).AllowedPattern;
    for (const good of ['', 'security@example.com', 'aws+alarms@sub.example.co.uk'])
      expect(accepts(email, good), good).toBe(true);
    for (const bad of ['security', 'security@example', 'a b@example.com', 'security@example.com '])
      expect(accepts(email, bad), bad).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUILD_OPTIONS } from '../../scripts/build.ts';
import { PERMISSIONS_WITHOUT_A_CALL, readTemplate } from './template.ts';

const template = readTemplate('template.yaml');
const memberRole = readTemplate('member-role.yaml');

/** IAM prefix of each SDK client package the functions use. */
const IAM_PREFIX: Record<string, string> = {
  securityhub: 'securityhub',
  detective: 'detective',
  guardduty: 'guardduty',
  organizations: 'organizations',
  sts: 'sts',
  s3: 's3',
};

/** The bundle of a handler and the project's own source files in it. */
async function bundle(entry: string): Promise<{ text: string; sources: string[] }> {
  const result = await build({
    ...BUILD_OPTIONS,
    // The shipped bundles drop function names; this one keeps them to see which functions the same
    // tree-shaking kept.
    keepNames: true,
    entryPoints: [entry],
    write: false,
    metafile: true,
    outdir: 'dist-check',
  });
  const output = result.outputFiles.find(({ path }) => path.endsWith('.mjs'));
  const sources = Object.keys(result.metafile?.inputs ?? {}).filter((path) => path.startsWith('functions/'));
  return { text: output?.text ?? '', sources };
}

/**
 * Every AWS API action a top-level function of `file` calls: each `new XCommand(` traced to the
 * client package it was imported from. A function counts only if the bundle kept it (keepNames, set
 * for this check, leaves its name in the bundle), so capabilities a step is not wired with are not counted.
 */
function actionsIn(file: string, bundleText: string): string[] {
  const text = readFileSync(file, 'utf8');
  const commands = new Map<string, string>();
  for (const [, names, client] of text.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([\w-]+)'/g,
  )) {
    const prefix = IAM_PREFIX[String(client)];
    if (prefix === undefined) throw new Error(`${file}: no IAM prefix known for @aws-sdk/client-${client}`);
    for (const entry of String(names).split(',')) {
      const [imported, local = imported] = entry
        .replace(/\btype\b/, '')
        .split(/\bas\b/)
        .map((part) => part.trim());
      if (imported?.endsWith('Command') && local !== undefined) {
        commands.set(local, `${prefix}:${imported.replace(/Command$/, '')}`);
      }
    }
  }
  const starts = [...text.matchAll(/^(?:export )?(?:async )?function (\w+)/gm)];
  return starts.flatMap((start, index) => {
    const body = text.slice(start.index, starts[index + 1]?.index ?? text.length);
    if (!bundleText.includes(`"${start[1]}"`)) return [];
    return [...commands].filter(([local]) => body.includes(`new ${local}(`)).map(([, action]) => action);
  });
}

async function actionsOf(functionName: string): Promise<string[]> {
  const { text, sources } = await bundle(`functions/${functionName}/handler.ts`);
  return [...new Set(sources.flatMap((file) => actionsIn(file, text)))].sort();
}

function policyActions(statements: unknown): string[] {
  const actions =
    JSON.stringify(statements).match(/"(securityhub|detective|guardduty|organizations|sts|s3):\w+"/g) ?? [];
  return [...new Set(actions.map((action) => action.slice(1, -1)))].sort();
}

const FUNCTIONS = {
  'resolve-accounts': 'ResolveAccountsFunction',
  'create-members': 'CreateMembersFunction',
  'invite-members': 'InviteMembersFunction',
  'check-members': 'CheckMembersFunction',
  'merge-reports': 'MergeReportsFunction',
  'remove-members': 'RemoveMembersFunction',
} as const;

describe('least privilege', () => {
  it.each(Object.entries(FUNCTIONS))(
    'grants %s exactly the API actions its code calls',
    async (name, logicalId) => {
      const granted = policyActions(template.Resources[logicalId]?.Properties?.Policies);
      expect(granted).toEqual(
        [...(await actionsOf(name)), ...(PERMISSIONS_WITHOUT_A_CALL[logicalId] ?? [])].sort(),
      );
    },
  );

  // Each step holds only its own capabilities (functions/shared/services/registry.ts): the
  // exactness above would also pass if every bundle and policy held the union again.
  it.each([
    [
      'resolve-accounts',
      [
        'securityhub:DescribeHub',
        'securityhub:DescribeOrganizationConfiguration',
        'securityhub:ListMembers',
        'detective:ListGraphs',
        'detective:ListMembers',
        'guardduty:ListDetectors',
        'guardduty:DescribeOrganizationConfiguration',
        'guardduty:ListMembers',
      ],
    ],
    [
      'create-members',
      [
        'securityhub:DescribeHub',
        'securityhub:CreateMembers',
        'securityhub:InviteMembers',
        'detective:ListGraphs',
        'detective:CreateMembers',
        'guardduty:ListDetectors',
        'guardduty:CreateMembers',
        'guardduty:InviteMembers',
      ],
    ],
    [
      'invite-members',
      [
        'securityhub:DescribeHub',
        'securityhub:GetMembers',
        'securityhub:InviteMembers',
        // A Removed organization account is created again, never invited, and a membership found
        // not a member is created again in every service (RECREATORS).
        'securityhub:CreateMembers',
        'detective:ListGraphs',
        'detective:GetMembers',
        'detective:CreateMembers',
        'guardduty:ListDetectors',
        'guardduty:GetMembers',
        'guardduty:InviteMembers',
        'guardduty:CreateMembers',
      ],
    ],
    [
      'check-members',
      [
        'securityhub:DescribeHub',
        'securityhub:GetMembers',
        'detective:ListGraphs',
        'detective:GetMembers',
        'guardduty:ListDetectors',
        'guardduty:GetMembers',
      ],
    ],
    [
      'remove-members',
      [
        'securityhub:DescribeHub',
        'securityhub:GetMembers',
        'securityhub:DisassociateMembers',
        'securityhub:DeleteMembers',
        'detective:ListGraphs',
        'detective:GetMembers',
        'detective:DeleteMembers',
        'guardduty:ListDetectors',
        'guardduty:GetMembers',
        'guardduty:DisassociateMembers',
        'guardduty:DeleteMembers',
      ],
    ],
  ] as const)("bundles and grants %s only its own step's service actions", async (name, expected) => {
    const services = (actions: string[]) =>
      actions.filter((action) => /^(securityhub|detective|guardduty):/.test(action)).sort();
    const wanted = [...expected].sort();
    expect(services(await actionsOf(name))).toEqual(wanted);
    expect(services(policyActions(template.Resources[FUNCTIONS[name]]?.Properties?.Policies))).toEqual(
      wanted,
    );
  });

  it('lets accept-invitations only assume the member role, and the member role do exactly what the member side calls', async () => {
    const called = await actionsOf('accept-invitations');
    expect(policyActions(template.Resources.AcceptInvitationsRole?.Properties?.Policies)).toEqual(
      called.filter((action) => action.startsWith('sts:') || action.startsWith('s3:')),
    );
    // AWS says policies should allow Security Hub's deprecated AcceptInvitation name too
    // (docs/aws-facts.md, Security Hub).
    const memberSide = called.filter((action) => !action.startsWith('sts:') && !action.startsWith('s3:'));
    expect(policyActions(memberRole.Resources.MemberRole?.Properties?.Policies)).toEqual(
      [...memberSide, 'securityhub:AcceptInvitation'].sort(),
    );
  });

  it('lets the functions that use the report bucket read and write its objects only, under executions/', () => {
    const statements = [
      ...JSON.parse(JSON.stringify(template.Resources.ResolveAccountsFunction?.Properties?.Policies)),
      ...JSON.parse(JSON.stringify(template.Resources.InviteMembersFunction?.Properties?.Policies)),
      ...JSON.parse(JSON.stringify(template.Resources.CheckMembersFunction?.Properties?.Policies)),
      ...JSON.parse(JSON.stringify(template.Resources.AcceptInvitationsRole?.Properties?.Policies)),
      ...JSON.parse(JSON.stringify(template.Resources.MergeReportsFunction?.Properties?.Policies)),
      ...JSON.parse(JSON.stringify(template.Resources.RemoveMembersFunction?.Properties?.Policies)),
    ]
      .flatMap(
        (policy: { Statement?: unknown[]; PolicyDocument?: { Statement: unknown[] } }) =>
          policy.Statement ?? policy.PolicyDocument?.Statement ?? [],
      )
      .filter((statement: unknown) =>
        JSON.stringify((statement as { Action: unknown }).Action).includes('s3:'),
      );
    const objects = {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject'],
      Resource: { 'Fn::Sub': '${ReportBucket.Arn}/executions/*' },
    };
    // Resolve Accounts' first and Remove Members' last, each with the bucket-wide permission it holds
    // only for S3's answer to a missing sweep memory.
    const answer = {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': 'ReportBucket.Arn' },
    };
    expect(statements).toEqual([objects, answer, objects, objects, objects, objects, objects, answer]);
    for (const logicalId of [
      'ResolveAccountsFunction',
      'InviteMembersFunction',
      'CheckMembersFunction',
      'AcceptInvitationsFunction',
      'MergeReportsFunction',
      'RemoveMembersFunction',
    ]) {
      expect(template.Resources[logicalId]?.Properties?.Environment).toMatchObject({
        Variables: { REPORT_BUCKET: { Ref: 'ReportBucket' } },
      });
    }
  });
});

describe('the state machines', () => {
  const statementsOf = (logicalId: string) =>
    JSON.parse(JSON.stringify(template.Resources[logicalId]?.Properties?.Policies ?? [])).flatMap(
      (policy: { Statement?: unknown[] }) => policy.Statement ?? [],
    ) as { Action: string | string[]; Resource: unknown }[];
  const lambdas = (logicalId: string) =>
    JSON.parse(JSON.stringify(template.Resources[logicalId]?.Properties?.Policies ?? []))
      .flatMap((policy: { LambdaInvokePolicy?: { FunctionName: { Ref: string } } }) =>
        policy.LambdaInvokePolicy === undefined ? [] : [policy.LambdaInvokePolicy.FunctionName.Ref],
      )
      .sort();

  it('let the parent start only the child state machine, follow only its executions, and use only the rule .sync needs', () => {
    const granted = statementsOf('OnboardingStateMachine').filter(
      ({ Action }) => !JSON.stringify(Action).includes('logs:'),
    );
    expect(granted).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: 'BatchStateMachine' } },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${BatchStateMachine.Name}:*',
        },
      },
      {
        Effect: 'Allow',
        Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule',
        },
      },
    ]);
    expect(lambdas('OnboardingStateMachine')).toEqual(['MergeReportsFunction', 'ResolveAccountsFunction']);
  });

  it('let the offboarding state machine invoke only remove-members, and start nothing', () => {
    expect(lambdas('OffboardingStateMachine')).toEqual(['RemoveMembersFunction']);
    const actions = statementsOf('OffboardingStateMachine').flatMap(({ Action }) => [Action].flat());
    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual([]);
  });

  it('start the stale-member removal only with RemoveStaleMembers=true and a sweep, with a role that may only start the offboarding', () => {
    expect(
      (template as unknown as { Conditions: Record<string, unknown> }).Conditions.RemovesStaleMembers,
    ).toEqual({
      'Fn::And': [{ Condition: 'HasSweep' }, { 'Fn::Equals': [{ Ref: 'RemoveStaleMembers' }, 'true'] }],
    });
    expect(template.Parameters.RemoveStaleMembers).toMatchObject({
      Default: 'false',
      AllowedValues: ['false', 'true'],
    });
    const schedule = template.Resources.StaleMemberRemoval;
    expect(schedule?.Condition).toBe('RemovesStaleMembers');
    expect(schedule?.Properties?.Target).toMatchObject({
      Arn: { Ref: 'OffboardingStateMachine' },
      Input: '{"staleMembers":true}',
    });
    expect(template.Resources.StaleMemberRemovalRole?.Properties?.Policies).toEqual([
      {
        PolicyName: 'start-stale-member-removal',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'states:StartExecution',
              Resource: { Ref: 'OffboardingStateMachine' },
            },
          ],
        },
      },
    ]);
  });

  it('let the child invoke only the functions of one batch, and start nothing', () => {
    expect(lambdas('BatchStateMachine')).toEqual([
      'AcceptInvitationsFunction',
      'CheckMembersFunction',
      'CreateMembersFunction',
      'InviteMembersFunction',
      'ResolveAccountsFunction',
    ]);
    const actions = statementsOf('BatchStateMachine').flatMap(({ Action }) => [Action].flat());
    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual([]);
  });
});

describe('the report bucket', () => {
  const bucket = template.Resources.ReportBucket?.Properties ?? {};

  it('is encrypted, blocks all public access, and expires objects after ReportRetentionDays', () => {
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
      ],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration).toMatchObject({
      Rules: [{ Status: 'Enabled', ExpirationInDays: { Ref: 'ReportRetentionDays' } }],
    });
    expect(template.Parameters?.ReportRetentionDays).toMatchObject({ Type: 'Number', MinValue: 1 });
  });

  it('has a policy that denies every request not made over TLS, on the bucket and its objects', () => {
    const policy = template.Resources.ReportBucketPolicy?.Properties ?? {};
    expect(policy.Bucket).toEqual({ Ref: 'ReportBucket' });
    expect(policy.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [{ 'Fn::GetAtt': 'ReportBucket.Arn' }, { 'Fn::Sub': '${ReportBucket.Arn}/*' }],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });
  });
});

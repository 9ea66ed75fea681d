import { describe, expect, it } from 'vitest';
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
});

import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** CloudFormation short-form tags (!Ref, !GetAtt, ...) read as their long form. */
const CLOUDFORMATION_TAGS: Tags = [
  'Ref',
  'GetAtt',
  'Sub',
  'Join',
  'If',
  'Not',
  'Equals',
  'Or',
  'And',
  'Condition',
  'Select',
  'Split',
].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => ({
      [key]:
        typeof value === 'object' && value !== null && 'toJSON' in value
          ? (value as { toJSON(): unknown }).toJSON()
          : value,
    }),
  })) as Tags;
});

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface Template {
  Parameters: Record<string, { Type: string; Default?: unknown; NoEcho?: boolean }>;
  Globals: { Function: Record<string, unknown> };
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
}

export function readTemplate(path: string): Template {
  return parse(readFileSync(path, 'utf8'), { customTags: CLOUDFORMATION_TAGS }) as Template;
}

/** The template's functions, as [logical id, resource]. */
export function functionsOf(template: Template): [string, Resource][] {
  return Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::Serverless::Function',
  );
}

/** A function's folder under functions/ (and dist/, events/) from its logical id: AcceptInvitationsFunction → accept-invitations. */
export const kebab = (logicalId: string) =>
  logicalId
    .replace(/Function$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/**
 * Permissions a role holds for an answer's sake rather than for a call of its own: the two functions
 * that read the sweep's memory may s3:ListBucket on the report bucket so that S3 answers a missing
 * memory NoSuchKey, not AccessDenied (docs/aws-facts.md, Amazon S3, "A missing object"). Neither lists.
 */
export const PERMISSIONS_WITHOUT_A_CALL: Readonly<Record<string, readonly string[]>> = {
  ResolveAccountsFunction: ['s3:ListBucket'],
  RemoveMembersFunction: ['s3:ListBucket'],
};

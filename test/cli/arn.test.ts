import { describe, expect, it } from 'vitest';
import { regionOfArn } from '../../cli/aws.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

const execution = (name: string) =>
  `arn:aws:states:eu-west-1:111111111111:execution:muster-onboarding:${name}`;

describe('regionOfArn: the names Step Functions allows (docs/aws-facts.md)', () => {
  it.each([
    ['a name of muster', execution('muster-0a1b2c3d-20250304T050607')],
    ['+ and @, which another tool may use', execution('sweep+2026@ops')],
    ['a name with letters outside ASCII', execution('équipe-sécurité')],
    ['the 80 characters at most', execution('x'.repeat(80))],
    [
      'a child execution of another partition',
      'arn:aws-us-gov:states:us-gov-west-1:111111111111:execution:batch:0a1b',
    ],
  ])('takes %s', (_, arn) => {
    expect(regionOfArn(arn, 'execution', 'execution-arn')).toBe(arn.split(':')[3]);
  });

  it.each([
    ['white space', execution('a b')],
    ['a slash', execution('a/b')],
    ['a backquote', execution('a`b')],
    ['a bracket', execution('a[1]')],
    ['a control character', execution('a\u0007b')],
    ['81 characters', execution('x'.repeat(81))],
    [
      'a state machine where an execution is asked for',
      'arn:aws:states:eu-west-1:111111111111:stateMachine:muster-onboarding',
    ],
  ])('refuses %s, naming the value', (_, arn) => {
    expect(() => regionOfArn(arn, 'execution', 'execution-arn')).toThrow(InvalidInputError);
    expect(() => regionOfArn(arn, 'execution', 'execution-arn')).toThrow(JSON.stringify(arn));
  });
});

import { describe, expect, it } from 'vitest';
import {
  emailFromMemberLists,
  type ListedEmail,
  type MemberListsEmail,
} from '../../../functions/shared/domain/member-emails.ts';

const hub = (region: string, email: string, refused = false): ListedEmail => ({
  service: 'securityhub',
  region,
  email,
  refused,
});
const graph = (region: string, email: string, refused = false): ListedEmail => ({
  service: 'detective',
  region,
  email,
  refused,
});
const detector = (region: string, email: string, refused = false): ListedEmail => ({
  service: 'guardduty',
  region,
  email,
  refused,
});

describe('emailFromMemberLists', () => {
  it.each<[string, ListedEmail[], MemberListsEmail]>([
    ['no list holds an email', [], { kind: 'none' }],
    [
      'one list holds one',
      [hub('us-east-1', 'root@example.net')],
      { kind: 'agreed', email: 'root@example.net' },
    ],
    [
      'every list holds the same one',
      [
        hub('us-east-1', 'root@example.net'),
        hub('eu-west-1', 'root@example.net'),
        detector('us-east-1', 'root@example.net'),
      ],
      { kind: 'agreed', email: 'root@example.net' },
    ],
    [
      'the lists differ only in case (the first list spelling is kept)',
      [hub('us-east-1', 'Root@Example.net'), graph('us-east-1', 'root@example.net')],
      { kind: 'agreed', email: 'Root@Example.net' },
    ],
    [
      'the only other address is one AWS refused (verification failed)',
      [graph('us-east-1', 'wrong@example.net', true), hub('us-east-1', 'root@example.net')],
      { kind: 'agreed', email: 'root@example.net' },
    ],
    [
      'the only address is one AWS refused',
      [detector('us-east-1', 'wrong@example.net', true)],
      { kind: 'none' },
    ],
    [
      'the only address is one Detective would refuse (no top-level domain)',
      [hub('us-east-1', 'root@example')],
      { kind: 'none' },
    ],
    [
      'two lists hold different addresses: none is taken, and the lists of each are named',
      [
        hub('us-east-1', 'one@example.net'),
        hub('eu-west-1', 'one@example.net'),
        graph('us-east-1', 'two@example.net'),
      ],
      { kind: 'disagree', where: ['Security Hub us-east-1, Security Hub eu-west-1', 'Detective us-east-1'] },
    ],
    [
      'three addresses, one list named past three',
      [
        hub('us-east-1', 'one@example.net'),
        hub('eu-west-1', 'one@example.net'),
        hub('ap-south-1', 'one@example.net'),
        hub('sa-east-1', 'one@example.net'),
        graph('us-east-1', 'two@example.net'),
        detector('us-east-1', 'three@example.net'),
      ],
      {
        kind: 'disagree',
        where: [
          'Security Hub us-east-1, Security Hub eu-west-1, Security Hub ap-south-1 and 1 more',
          'Detective us-east-1',
          'GuardDuty us-east-1',
        ],
      },
    ],
    [
      'more addresses than are named: the rest are counted',
      [
        hub('us-east-1', 'one@example.net'),
        hub('eu-west-1', 'two@example.net'),
        hub('ap-south-1', 'three@example.net'),
        hub('sa-east-1', 'four@example.net'),
        hub('ca-central-1', 'five@example.net'),
      ],
      {
        kind: 'disagree',
        where: [
          'Security Hub us-east-1',
          'Security Hub eu-west-1',
          'Security Hub ap-south-1',
          '2 more addresses',
        ],
      },
    ],
  ])('returns what it takes when %s', (_case, listed, expected) => {
    expect(emailFromMemberLists(listed)).toEqual(expected);
  });

  it('never names an address when the lists disagree (emails are personal data)', () => {
    const found = emailFromMemberLists([
      hub('us-east-1', 'one@example.net'),
      graph('us-east-1', 'two@example.net'),
    ]);
    expect(JSON.stringify(found)).not.toContain('@');
  });
});

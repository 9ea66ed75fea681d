import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainNotMembers,
  type FailedEntry,
  type FailedGroup,
  groupFailures,
} from '../../../functions/shared/domain/failures.ts';

const id = (n: number) => String(100000000000 + n);
const failures = (from: number, count: number, reason: string, outcome: FailedEntry['outcome'] = 'FAILED') =>
  Array.from({ length: count }, (_, n) => ({ accountId: id(from + n), outcome, reason }));

describe('groupFailures', () => {
  it.each<[string, FailedGroup[], FailedEntry[], FailedGroup[]]>([
    ['nothing failed', [], [], []],
    [
      'groups by outcome and reason, first seen first, with ids while few',
      [],
      [
        ...failures(0, 2, 'suspended'),
        ...failures(2, 1, 'another administrator', 'CONFLICT'),
        ...failures(3, 1, 'suspended'),
      ],
      [
        { outcome: 'FAILED', reason: 'suspended', count: 3, accountIds: [id(0), id(1), id(3)] },
        { outcome: 'CONFLICT', reason: 'another administrator', count: 1, accountIds: [id(2)] },
      ],
    ],
    [
      "merges into an earlier attempt's group",
      [{ outcome: 'FAILED', reason: 'suspended', count: 1, accountIds: [id(0)] }],
      failures(1, 1, 'suspended'),
      [{ outcome: 'FAILED', reason: 'suspended', count: 2, accountIds: [id(0), id(1)] }],
    ],
    [
      'an earlier group without ids takes new accounts by count',
      [{ outcome: 'FAILED', reason: 'suspended', count: 900 }],
      failures(900, 2, 'suspended'),
      [{ outcome: 'FAILED', reason: 'suspended', count: 902 }],
    ],
    [
      '1,000 accounts failing alike carry one count, no ids',
      [],
      failures(0, 1000, 'suspended'),
      [{ outcome: 'FAILED', reason: 'suspended', count: 1000 }],
    ],
    [
      'the smallest groups keep their ids while the budget of 60 lasts',
      [],
      [...failures(0, 60, 'a'), ...failures(60, 3, 'b'), ...failures(63, 50, 'c')],
      [
        { outcome: 'FAILED', reason: 'a', count: 60 },
        { outcome: 'FAILED', reason: 'b', count: 3, accountIds: [id(60), id(61), id(62)] },
        {
          outcome: 'FAILED',
          reason: 'c',
          count: 50,
          accountIds: failures(63, 50, 'c').map((f) => f.accountId),
        },
      ],
    ],
  ])('%s', (_, carried, entries, expected) => {
    expect(groupFailures(carried, entries)).toEqual(expected);
  });

  it('merges the smallest reasons of an outcome into one past four, keeping ids and counts, never mixing outcomes', () => {
    const entries = [
      ...failures(0, 10, 'r1'),
      ...failures(10, 9, 'r2'),
      ...failures(19, 8, 'r3'),
      ...failures(27, 7, 'r4'),
      ...failures(34, 2, 'another administrator', 'CONFLICT'),
      ...failures(36, 1, 'r6'),
      ...failures(37, 1, 'Region not enabled', 'SKIPPED_REGION_DISABLED'),
    ];
    const groups = groupFailures([], entries);
    const other = "other reasons (the step's log names each account's), among them: ";
    expect(groups.map(({ outcome, reason, count }) => [outcome, reason, count])).toEqual([
      ['FAILED', 'r1', 10],
      ['FAILED', `${other}r4`, 25],
      ['CONFLICT', 'another administrator', 2],
      ['SKIPPED_REGION_DISABLED', 'Region not enabled', 1],
    ]);
    expect(groups[1]?.accountIds).toHaveLength(25);
    expect(groups[2]?.accountIds).toEqual([id(34), id(35)]);
  });

  it('lists every account of every reason when given no limits, as the step log line does', () => {
    const unbounded = {
      ids: Infinity,
      groups: Infinity,
      reasonLength: Infinity,
      otherReasonsLength: Infinity,
    };
    const entries = [...failures(0, 1500, 'x'.repeat(500)), ...failures(1500, 7, 'other')];
    const groups = groupFailures([], entries, unbounded);
    expect(groups.map(({ reason, count, accountIds }) => [reason.length, count, accountIds?.length])).toEqual(
      [
        [500, 1500, 1500],
        [5, 7, 7],
      ],
    );
  });

  it('clips a reason to 300 characters', () => {
    const [group] = groupFailures([], failures(0, 1, 'x'.repeat(1000)));
    expect(group?.reason).toHaveLength(300);
    expect(group?.reason.endsWith('…')).toBe(true);
  });

  it('loses no account and stays under 3.5 KB for any failures of up to 1,500 accounts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // What a create step can fail with.
            outcome: fc.constantFrom(
              'FAILED',
              'CONFLICT',
              'SKIPPED_REGION_DISABLED',
              'SERVICE_NOT_ENABLED',
              'VERIFICATION_FAILED',
              'ACCEPTED_BUT_DISABLED',
              'ACCOUNT_SUSPENDED',
            ),
            // Mostly a few shared texts, as AWS answers; sometimes one of its own per account.
            reason: fc.oneof(
              {
                weight: 4,
                arbitrary: fc.constantFrom('The account is suspended', 'Internal error', 'x'.repeat(400)),
              },
              { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
            ),
          }),
          { maxLength: 1500, size: 'max' },
        ),
        fc.integer({ min: 1, max: 3 }),
        (kinds, split) => {
          // Carried groups come from an earlier attempt's output, so fold the entries in `split` steps.
          const entries = kinds.map((kind, n) => ({ accountId: id(n), ...kind }));
          const size = Math.ceil(entries.length / split);
          let groups: FailedGroup[] = [];
          for (let start = 0; start < entries.length; start += size)
            groups = groupFailures(groups, entries.slice(start, start + size));
          expect(groups.reduce((sum, { count }) => sum + count, 0)).toBe(entries.length);
          const listed = groups.flatMap(({ accountIds = [] }) => accountIds);
          expect(new Set(listed).size).toBe(listed.length);
          expect(Buffer.byteLength(JSON.stringify(groups))).toBeLessThan(3.5 * 1024);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('explainNotMembers', () => {
  const listed: FailedGroup = {
    outcome: 'CONFLICT',
    reason: 'another administrator',
    count: 1,
    accountIds: [id(0)],
  };
  const skipped: FailedGroup = {
    outcome: 'SKIPPED_REGION_DISABLED',
    reason: 'Region not enabled',
    count: 400,
  };

  it.each<[string, FailedGroup[], number, boolean, ReturnType<typeof explainNotMembers>]>([
    ['every failure listed: nothing to explain', [listed], 5, false, undefined],
    [
      'one group without ids, as many not-members: exactly its outcome and reason',
      [listed, skipped],
      400,
      false,
      { outcome: 'SKIPPED_REGION_DISABLED', reason: 'Region not enabled' },
    ],
    [
      'fewer not-members than failures (a failed account is a member after all): they are all failures',
      [skipped],
      398,
      false,
      { outcome: 'SKIPPED_REGION_DISABLED', reason: 'Region not enabled' },
    ],
    ['more not-members than failures, rounds left: looked at again', [skipped], 401, false, undefined],
    [
      'more not-members than failures on the last round: not members, with what is known',
      [skipped],
      401,
      true,
      {
        outcome: 'NOT_A_MEMBER',
        reason: 'not a member; some accounts here failed to be created: Region not enabled',
      },
    ],
    [
      'several sharing an outcome: that outcome, and which reasons, without counts',
      [
        { outcome: 'FAILED', reason: 'suspended', count: 300 },
        { outcome: 'FAILED', reason: 'Internal error', count: 200 },
      ],
      500,
      false,
      { outcome: 'FAILED', reason: 'one of: suspended; Internal error' },
    ],
    [
      'several with different outcomes: not a member, for one of the reasons',
      [{ outcome: 'FAILED', reason: 'suspended', count: 200 }, skipped],
      600,
      false,
      { outcome: 'NOT_A_MEMBER', reason: 'not a member, for one of: suspended; Region not enabled' },
    ],
  ])('%s', (_, groups, notMembers, lastRound, expected) => {
    expect(explainNotMembers(groups, notMembers, lastRound)).toEqual(expected);
  });
});

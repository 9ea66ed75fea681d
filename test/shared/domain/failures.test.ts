import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainNotMembers,
  type FailedEntry,
  type FailedGroup,
  groupFailures,
} from '../../../functions/shared/domain/failures.ts';
import { OUTCOMES } from '../../../functions/shared/domain/outcomes.ts';

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
      'the smallest groups keep their ids while the budget of 100 lasts',
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

  it('merges the smallest reasons into one past five, keeping their ids and the count', () => {
    const entries = [
      ...failures(0, 10, 'r1'),
      ...failures(10, 9, 'r2'),
      ...failures(19, 8, 'r3'),
      ...failures(27, 7, 'r4'),
      ...failures(34, 2, 'r5', 'CONFLICT'),
      ...failures(36, 1, 'r6'),
    ];
    const groups = groupFailures([], entries);
    expect(groups.map(({ reason }) => reason)).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      "2 different reasons (the step's log names each account's), among them: r5",
    ]);
    expect(groups[4]).toMatchObject({ outcome: 'FAILED', count: 3, accountIds: [id(34), id(35), id(36)] });
  });

  it('clips a reason to 300 characters', () => {
    const [group] = groupFailures([], failures(0, 1, 'x'.repeat(1000)));
    expect(group?.reason).toHaveLength(300);
    expect(group?.reason.endsWith('…')).toBe(true);
  });

  it('loses no account and stays under 3.5 KB for any failures of up to 1,200 accounts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            outcome: fc.constantFrom(...OUTCOMES),
            // Mostly a few shared texts, as AWS answers; sometimes one of its own per account.
            reason: fc.oneof(
              {
                weight: 4,
                arbitrary: fc.constantFrom('The account is suspended', 'Internal error', 'x'.repeat(400)),
              },
              { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
            ),
          }),
          { maxLength: 1200, size: 'max' },
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

  it.each<[string, FailedGroup[], ReturnType<typeof explainNotMembers>]>([
    ['every failure listed: nothing to explain', [listed], undefined],
    [
      'one group without ids: exactly its outcome and reason',
      [listed, { outcome: 'SKIPPED_REGION_DISABLED', reason: 'Region not enabled', count: 400 }],
      { outcome: 'SKIPPED_REGION_DISABLED', reason: 'Region not enabled' },
    ],
    [
      'several sharing an outcome: that outcome, and which reasons',
      [
        { outcome: 'FAILED', reason: 'suspended', count: 300 },
        { outcome: 'FAILED', reason: 'Internal error', count: 200 },
      ],
      {
        outcome: 'FAILED',
        reason: 'one of 2 reasons: suspended (300 accounts); Internal error (200 accounts)',
      },
    ],
    [
      'several with different outcomes: FAILED',
      [
        { outcome: 'CONFLICT', reason: 'another administrator', count: 300 },
        { outcome: 'FAILED', reason: 'suspended', count: 200 },
      ],
      {
        outcome: 'FAILED',
        reason: 'one of 2 reasons: another administrator (300 accounts); suspended (200 accounts)',
      },
    ],
  ])('%s', (_, groups, expected) => {
    expect(explainNotMembers(groups)).toEqual(expected);
  });
});

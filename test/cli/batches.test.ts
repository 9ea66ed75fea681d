import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestBatch, overLimits, splitPlan } from '../../cli/batches.ts';
import { readAccountsCsv } from '../../cli/csv.ts';
import { EXECUTION_INPUT_LIMIT, manualInput } from '../../cli/input.ts';
import { KNOWN_REGIONS } from '../../functions/shared/domain/regions.ts';
import type { ServiceName } from '../../functions/shared/domain/services.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

const accounts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    accountId: String(200000000000 + i),
    email: `root+${i}@example.com`,
  }));

const plan = (n: number, services: ServiceName[] = ['securityhub'], invitationBased = 0) => ({
  accounts: accounts(n),
  services,
  invitationBased,
});

describe('largestBatch', () => {
  it.each([
    [['securityhub'], 0, 10000],
    [['detective'], 0, 1200],
    [['securityhub', 'detective'], 0, 1200],
    [['securityhub'], 1, 1000],
    [['detective'], 5, 1200],
    [['guardduty'], 0, 10000],
    [['guardduty'], 1, 1000],
    [['detective', 'guardduty'], 1, 1000],
  ] as const)(
    'returns the most one execution takes for %j with %i accounts to invite: %i',
    (services, invited, size) => {
      expect(largestBatch({ services: [...services], invitationBased: invited })).toBe(size);
    },
  );
});

describe('splitPlan', () => {
  it('returns batches of at most the given size, in order, each a CSV that --csv reads back', () => {
    const whole = plan(120);

    const batches = splitPlan(whole, 50);

    expect(batches.map(({ name, accounts: n }) => [name, n])).toEqual([
      ['batch-001.csv', 50],
      ['batch-002.csv', 50],
      ['batch-003.csv', 20],
    ]);
    const readBack = batches.flatMap(({ name, text }) => readAccountsCsv(text, name));
    expect(readBack).toEqual(whole.accounts);
  });

  it.each([
    [['securityhub', 'detective'], 0, [1200, 1200, 100]],
    [['securityhub'], 0, [2500]],
    [['securityhub'], 3, [1000, 1000, 500]],
    [['guardduty'], 3, [1000, 1000, 500]],
  ] as const)(
    'returns batches of the most one execution takes by default for %j with %i to invite',
    (services, invited, sizes) => {
      expect(splitPlan(plan(2500, [...services], invited)).map((b) => b.accounts)).toEqual(sizes);
    },
  );

  // What `muster start --csv <batch>` sends must fit StartExecution's input (docs/aws-facts.md, Step Functions).
  it('returns batches whose start inputs each fit the 262,144 bytes StartExecution takes, with every Region and service named', () => {
    const whole = {
      accounts: Array.from({ length: 10_000 }, (_, i) => ({
        accountId: String(200000000000 + i),
        email: `aws-security-root+account-${String(i).padStart(5, '0')}@example-holdings.co.uk`,
      })),
      services: ['securityhub' as const],
      invitationBased: 0,
    };

    const batches = splitPlan(whole);

    expect(batches.length).toBeGreaterThan(1);
    const options = { regions: [...KNOWN_REGIONS], services: ['securityhub', 'detective', 'guardduty'] };
    for (const { name, text } of batches) {
      const input = manualInput(readAccountsCsv(text, name), options as never);
      expect(Buffer.byteLength(JSON.stringify(input)), name).toBeLessThanOrEqual(EXECUTION_INPUT_LIMIT);
    }
    expect(batches.flatMap(({ name, text }) => readAccountsCsv(text, name))).toEqual(whole.accounts);
  });

  it('returns no batch for a plan without accounts', () => {
    expect(splitPlan(plan(0))).toEqual([]);
  });

  it('keeps an account without an email, and quotes an email with a comma or a quote', () => {
    const odd = {
      accounts: [{ accountId: '200000000001' }, { accountId: '200000000002', email: 'a"b,c@example.com' }],
      services: ['securityhub' as const],
      invitationBased: 0,
    };

    const [batch] = splitPlan(odd);

    expect(batch?.text).toBe('Account ID,Email\n200000000001,\n200000000002,"a""b,c@example.com"\n');
    expect(readAccountsCsv(batch?.text ?? '', 'batch')).toEqual(odd.accounts);
  });

  // OWASP "CSV Injection": a cell starting with one of these runs as a formula in a spreadsheet.
  it.each([
    ['=HYPERLINK("http://x.example")@example.com', `"'=HYPERLINK(""http://x.example"")@example.com"`],
    ['+1-555@example.com', "'+1-555@example.com"],
    ['-2+3@example.com', "'-2+3@example.com"],
    ['@SUM(A1)@example.com', "'@SUM(A1)@example.com"],
    ['\uFF1Dx@example.com', "'\uFF1Dx@example.com"],
    ["'quoted@example.com", "''quoted@example.com"],
    ["o'brien@example.com", "o'brien@example.com"],
  ])('writes the email %j as the inert cell %s, and --csv reads it back unchanged', (email, written) => {
    const accounts = [{ accountId: '200000000001', email }];

    const [batch] = splitPlan({ accounts, services: ['securityhub'], invitationBased: 0 });

    expect(batch?.text).toBe(`Account ID,Email\n200000000001,${written}\n`);
    expect(readAccountsCsv(batch?.text ?? '', 'batch')).toEqual(accounts);
  });

  it('writes batches that --csv reads back to the same accounts, whatever the emails hold', () => {
    // Any local part an email may have (no controls, line breaks or bidi characters: input refuses those).
    const email = fc
      .string({ unit: fc.constantFrom(...'=+-@\uFF1D\uFF20\'",;a.é'), minLength: 1, maxLength: 12 })
      .map((text) => `${text}@example.com`);
    const account = fc.record(
      { accountId: fc.stringMatching(/^\d{12}$/), email },
      { requiredKeys: ['accountId'] },
    );
    fc.assert(
      fc.property(fc.array(account, { minLength: 1, maxLength: 20 }), (accounts) => {
        const batches = splitPlan({ accounts, services: ['securityhub'], invitationBased: 0 }, 7);
        expect(batches.flatMap(({ name, text }) => readAccountsCsv(text, name))).toEqual(accounts);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers past 999 batches with as many digits as they need, so the names sort in order', () => {
    const names = splitPlan(plan(1001), 1).map((b) => b.name);
    expect(names[0]).toBe('batch-0001.csv');
    expect(names.at(-1)).toBe('batch-1001.csv');
  });

  it.each([0, 1.5, 10001])('throws InvalidInputError naming --batch-size %s, whatever the plan', (size) => {
    expect(() => splitPlan(plan(3), size)).toThrow(InvalidInputError);
    expect(() => splitPlan(plan(3), size)).toThrow(
      `--batch-size must be an integer from 1 to 10000, got ${size}`,
    );
  });

  it.each([
    [
      1201,
      ['securityhub', 'detective'],
      0,
      'at most 1200 for this plan (the most one execution takes for securityhub, detective), got 1201',
    ],
    [
      1001,
      ['securityhub'],
      1,
      'at most 1000 for this plan (the most one execution takes for securityhub, with accounts Security Hub would invite), got 1001',
    ],
  ] as const)(
    'throws InvalidInputError for --batch-size %i above what this plan takes',
    (size, services, invited, message) => {
      expect(() => splitPlan(plan(3, [...services], invited), size)).toThrow(message);
    },
  );
});

describe('overLimits', () => {
  it('returns nothing when every account can become a member', () => {
    expect(overLimits(plan(1200, ['securityhub', 'detective'], 1000))).toEqual([]);
  });

  it('returns what no split gets past for GuardDuty: past 1,000 to invite, beside Detective past 1,200', () => {
    expect(overLimits(plan(1300, ['detective', 'guardduty'], 1100))).toEqual([
      'Detective: a behavior graph holds at most 1200 members in a Region, so not all 1300 accounts can join it; onboard the others with --services guardduty.',
      'GuardDuty: an administrator has at most 1000 invitation-based members in a Region, and 1100 of these accounts would be invited (outside the organization, or Organizations could not be read), so not all can join it.',
    ]);
    expect(overLimits(plan(1300, ['guardduty'], 0))).toEqual([]);
  });

  it('returns what no split gets past: Detective past 1,200 accounts, Security Hub past 1,000 to invite', () => {
    expect(overLimits(plan(1300, ['securityhub', 'detective'], 1100))).toEqual([
      'Detective: a behavior graph holds at most 1200 members in a Region, so not all 1300 accounts can join it; onboard the others with --services securityhub.',
      'Security Hub: an administrator has at most 1000 invitation-based members in a Region, and 1100 of these accounts would be invited (outside the organization, or Organizations could not be read), so not all can join it.',
    ]);
  });
});

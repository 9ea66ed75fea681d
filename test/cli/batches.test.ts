import { describe, expect, it } from 'vitest';
import { largestBatch, splitPlan } from '../../cli/batches.ts';
import { readAccountsCsv } from '../../cli/csv.ts';
import { InvalidInputError } from '../../functions/shared/errors.ts';

const accounts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    accountId: String(200000000000 + i),
    email: `root+${i}@example.com`,
  }));

describe('largestBatch', () => {
  it.each([
    [['securityhub'], 1500],
    [['detective'], 1200],
    [['securityhub', 'detective'], 1200],
  ])('returns the most one execution takes for %j: %i', (services, size) => {
    expect(largestBatch(services)).toBe(size);
  });
});

describe('splitPlan', () => {
  it('returns batches of at most the given size, in order, each a CSV that --csv reads back', () => {
    const plan = { accounts: accounts(120), services: ['securityhub' as const] };

    const batches = splitPlan(plan, 50);

    expect(batches.map(({ name, accounts: n }) => [name, n])).toEqual([
      ['batch-001.csv', 50],
      ['batch-002.csv', 50],
      ['batch-003.csv', 20],
    ]);
    const readBack = batches.flatMap(({ name, text }) => readAccountsCsv(text, name));
    expect(readBack).toEqual(plan.accounts);
  });

  it('returns batches of the most one execution takes by default: 1,200 with Detective, 1,500 without', () => {
    expect(
      splitPlan({ accounts: accounts(2500), services: ['securityhub', 'detective'] }).map((b) => b.accounts),
    ).toEqual([1200, 1200, 100]);
    expect(splitPlan({ accounts: accounts(2500), services: ['securityhub'] }).map((b) => b.accounts)).toEqual(
      [1500, 1000],
    );
  });

  it('returns no batch for a plan without accounts', () => {
    expect(splitPlan({ accounts: [], services: ['securityhub'] })).toEqual([]);
  });

  it('keeps an account without an email, and quotes an email with a comma or a quote', () => {
    const plan = {
      accounts: [{ accountId: '200000000001' }, { accountId: '200000000002', email: 'a"b,c@example.com' }],
      services: ['securityhub' as const],
    };

    const [batch] = splitPlan(plan);

    expect(batch?.text).toBe('Account ID,Email\n200000000001,\n200000000002,"a""b,c@example.com"\n');
    expect(readAccountsCsv(batch?.text ?? '', 'batch')).toEqual(plan.accounts);
  });

  it('numbers past 999 batches with as many digits as they need, so the names sort in order', () => {
    const names = splitPlan({ accounts: accounts(1001), services: ['securityhub'] }, 1).map((b) => b.name);
    expect(names[0]).toBe('batch-0001.csv');
    expect(names.at(-1)).toBe('batch-1001.csv');
  });

  it.each([
    [0, ['securityhub']],
    [1.5, ['securityhub']],
    [1501, ['securityhub']],
    [1201, ['securityhub', 'detective']],
  ])('throws InvalidInputError naming the size for --batch-size %s with %j', (size, services) => {
    const plan = { accounts: accounts(3), services: services as ('securityhub' | 'detective')[] };
    expect(() => splitPlan(plan, size)).toThrow(InvalidInputError);
    expect(() => splitPlan(plan, size)).toThrow(
      `--batch-size must be an integer from 1 to ${largestBatch(services)}`,
    );
    expect(() => splitPlan(plan, size)).toThrow(`got ${size}`);
  });
});

import { describe, expect, it } from 'vitest';
import { StepResults } from '../../functions/shared/engine.ts';

const ids = ['100000000000', '100000000001', '100000000002', '100000000003', '100000000004'];
const step = (extra: { retry?: string[]; attempt?: number; maxAttempts?: number } = {}) =>
  new StepResults({
    region: 'eu-west-1',
    service: 'securityhub',
    accounts: ids.map((accountId) => ({ accountId })),
    ...extra,
  });

describe('StepResults', () => {
  it('returns done, retried and failed accounts in input order whatever order they were settled in', () => {
    const results = step();
    results.succeed('100000000004', 'CREATED');
    results.retry('100000000003', 'Throttled');
    results.fail('100000000002', 'FAILED', 'refused');
    results.succeed('100000000001', 'CREATED');
    results.retry('100000000000', 'Throttled');

    const output = results.output();

    expect(output.done).toEqual({ CREATED: ['100000000001', '100000000004'] });
    expect(output.retry.map(({ accountId }) => accountId)).toEqual(['100000000000', '100000000003']);
    expect(output.failed.map(({ accountId }) => accountId)).toEqual(['100000000002']);
  });

  it("returns a retry's accounts in input order, and on the last attempt fails them after the others", () => {
    const results = step({
      retry: ['100000000003', '100000000001', '100000000000'],
      attempt: 2,
      maxAttempts: 2,
    });
    results.retry('100000000003', 'Throttled');
    results.fail('100000000001', 'FAILED', 'refused');
    results.retry('100000000000', 'Throttled');

    const output = results.output();

    expect(output.retry).toEqual([]);
    expect(output.failed.map(({ accountId, reason }) => [accountId, reason])).toEqual([
      ['100000000001', 'refused'],
      ['100000000000', 'still failing after 2 attempts: Throttled'],
      ['100000000003', 'still failing after 2 attempts: Throttled'],
    ]);
  });

  it('refuses a retry of an account that is not in the input, naming it', () => {
    expect(() => step({ retry: ['999999999999'] })).toThrow(
      'input.retry[0]: "999999999999" is not one of input.accounts',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { executionName, executionPrefix } from '../../cli/execution-name.ts';

const now = new Date('2025-03-04T05:06:07.890Z');

describe('executionName', () => {
  it('returns muster-<8 hex>-<UTC time> within the Step Functions name rules', () => {
    const name = executionName({ allAccounts: true }, now);
    expect(name).toMatch(/^muster-[0-9a-f]{8}-20250304T050607$/);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('returns names with the same prefix when the same input starts again, whatever its key order', () => {
    const first = executionName(
      { accounts: [{ accountId: '012345678901', email: 'a@example.com' }], dryRun: true },
      now,
    );
    const again = executionName(
      { dryRun: true, accounts: [{ email: 'a@example.com', accountId: '012345678901' }] },
      new Date('2025-03-05T00:00:00Z'),
    );
    expect(again.slice(0, 16)).toBe(first.slice(0, 16));
    expect(again).not.toBe(first);
  });

  it('returns different prefixes when the inputs differ', () => {
    expect(executionPrefix({ allAccounts: true })).not.toBe(
      executionPrefix({ allAccounts: true, dryRun: true }),
    );
  });
});

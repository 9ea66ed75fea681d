import {
  DETECTIVE_MEMBER_LIMIT,
  EXECUTION_ACCOUNT_LIMIT,
} from '../functions/resolve-accounts/resolve-accounts.ts';
import type { Plan } from '../functions/shared/contracts.ts';
import { chunk } from '../functions/shared/domain/chunk.ts';
import { InvalidInputError } from '../functions/shared/errors.ts';

/** One CSV file of a split plan, in the Security Hub console's format that `--csv` reads. */
export interface BatchFile {
  name: string;
  accounts: number;
  text: string;
}

/** The most accounts one execution takes for these services: the execution's, or Detective's graph. */
export function largestBatch(services: readonly string[]): number {
  return services.includes('detective') ? DETECTIVE_MEMBER_LIMIT : EXECUTION_ACCOUNT_LIMIT;
}

// A cell with a comma, a quote or a line break is quoted, its quotes doubled (RFC 4180).
const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * Splits the plan's accounts (the skipped ones stay out) into CSV files of at most `size`, in the
 * plan's order, each a valid `--csv` input. Refuses a size one execution would refuse.
 */
export function splitPlan(plan: Pick<Plan, 'accounts' | 'services'>, size?: number): BatchFile[] {
  const largest = largestBatch(plan.services);
  const batchSize = size ?? largest;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > largest) {
    throw new InvalidInputError(
      `--batch-size must be an integer from 1 to ${largest} (the most one execution takes for ${plan.services.join(', ')}), got ${size}`,
    );
  }
  const batches = chunk(plan.accounts, batchSize);
  const width = Math.max(3, String(batches.length).length);
  return batches.map((accounts, index) => ({
    name: `batch-${String(index + 1).padStart(width, '0')}.csv`,
    accounts: accounts.length,
    text: [
      'Account ID,Email',
      ...accounts.map(({ accountId, email }) => `${accountId},${cell(email ?? '')}`),
      '',
    ].join('\n'),
  }));
}

import { stringify } from 'csv-stringify/sync';
import { EXECUTION_ACCOUNT_LIMIT } from '../functions/resolve-accounts/resolve-accounts.ts';
import type { Plan } from '../functions/shared/contracts.ts';
import { SERVICE_RULES, type ServiceName } from '../functions/shared/domain/services.ts';
import { InvalidInputError } from '../functions/shared/errors.ts';
import { CSV_HEADER, writeCell } from './csv.ts';
import { EXECUTION_INPUT_LIMIT } from './input.ts';

/**
 * One CSV file of a split plan, in the Security Hub console's format that `--csv` reads. A cell that
 * starts with a formula character is written behind a single quote, which `--csv` takes off again.
 */
export interface BatchFile {
  name: string;
  accounts: number;
  text: string;
}

type SplitPlan = Pick<Plan, 'accounts' | 'services' | 'invitationBased'>;

/** The plan's services whose member limit counts what it invites, when it invites any account. */
function invitingServices(plan: Omit<SplitPlan, 'accounts'>): ServiceName[] {
  return plan.invitationBased > 0
    ? plan.services.filter((service) => SERVICE_RULES[service].memberLimit.counts === 'invited')
    : [];
}

/**
 * The most accounts one execution of this plan takes: the execution's limit, and each service's member
 * limit (its registry rule): one that counts every member (Detective's graph) always, one that counts
 * invited members (Security Hub's, GuardDuty's) when any account would be invited.
 */
export function largestBatch(plan: Omit<SplitPlan, 'accounts'>): number {
  const inviting = invitingServices(plan);
  return Math.min(
    EXECUTION_ACCOUNT_LIMIT,
    ...plan.services.map((service) => {
      const { limit, counts } = SERVICE_RULES[service].memberLimit;
      return counts === 'all' || inviting.includes(service) ? limit : EXECUTION_ACCOUNT_LIMIT;
    }),
  );
}

/**
 * The limits that hold per administrator and Region, whatever the batches: what the plan has past
 * them cannot all become members, however it is split.
 */
export function overLimits(plan: SplitPlan): string[] {
  const wholeLimits = plan.services.flatMap((service) => {
    const { label, memberLimit } = SERVICE_RULES[service];
    const others = plan.services.filter((other) => other !== service);
    if (memberLimit.counts !== 'all' || plan.accounts.length <= memberLimit.limit) return [];
    return [
      `${label}: ${memberLimit.holder} at most ${memberLimit.limit} members in a Region, so not all ` +
        `${plan.accounts.length} accounts can join it` +
        `${others.length === 0 ? '.' : `; onboard the others with --services ${others.join(',')}.`}`,
    ];
  });
  const invitedLimits = invitingServices(plan).flatMap((service) => {
    const { label, memberLimit } = SERVICE_RULES[service];
    if (plan.invitationBased <= memberLimit.limit) return [];
    return [
      `${label}: an administrator has at most ${memberLimit.limit} invitation-based members in a Region, ` +
        `and ${plan.invitationBased} of these accounts would be invited (outside the organization, or Organizations ` +
        'could not be read), so not all can join it.',
    ];
  });
  return [...wholeLimits, ...invitedLimits];
}

/** Checks a --batch-size before anything is read: at most what any execution takes. */
export function checkBatchSize(size: number | undefined): void {
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > EXECUTION_ACCOUNT_LIMIT)) {
    throw new InvalidInputError(
      `--batch-size must be an integer from 1 to ${EXECUTION_ACCOUNT_LIMIT}, got ${size}`,
    );
  }
}

/** What a batch's start input keeps for all but its accounts: its Regions, services and keys take under 1 KB. */
const ROOM_FOR_OPTIONS = 4_096;

/**
 * Consecutive batches of at most `size` accounts, each small enough that the input `muster start --csv`
 * makes of it (`{"accounts": [{accountId, email}, …], …}`) fits StartExecution's input.
 */
function fitting(accounts: Plan['accounts'], size: number): Plan['accounts'][] {
  const budget = EXECUTION_INPUT_LIMIT - ROOM_FOR_OPTIONS;
  const batches: Plan['accounts'][] = [];
  let batch: Plan['accounts'] = [];
  let bytes = 0;
  for (const account of accounts) {
    // The account as --csv reads it back, and its comma.
    const own = Buffer.byteLength(JSON.stringify({ accountId: account.accountId, email: account.email })) + 1;
    if (batch.length === size || (batch.length > 0 && bytes + own > budget)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(account);
    bytes += own;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Splits the plan's accounts (the skipped ones stay out) into CSV files of at most `size`, in the
 * plan's order, each a valid `--csv` input that `muster start` can send. Refuses a size one execution
 * of this plan would refuse.
 */
export function splitPlan(plan: SplitPlan, size?: number): BatchFile[] {
  checkBatchSize(size);
  const largest = largestBatch(plan);
  const batchSize = size ?? largest;
  if (batchSize > largest) {
    throw new InvalidInputError(
      `--batch-size must be at most ${largest} for this plan (the most one execution takes for ${plan.services.join(', ')}` +
        `${
          invitingServices(plan).length > 0
            ? `, with accounts ${invitingServices(plan)
                .map((service) => SERVICE_RULES[service].label)
                .join(' and ')} would invite`
            : ''
        }), got ${size}`,
    );
  }
  const batches = fitting(plan.accounts, batchSize);
  const width = Math.max(3, String(batches.length).length);
  return batches.map((accounts, index) => ({
    name: `batch-${String(index + 1).padStart(width, '0')}.csv`,
    accounts: accounts.length,
    // csv-stringify quotes what needs quoting (RFC 4180); writeCell keeps a spreadsheet from running it.
    text: stringify(
      [
        CSV_HEADER.slice(0, 2),
        ...accounts.map(({ accountId, email }) => [accountId, email ?? ''].map(writeCell)),
      ],
      { record_delimiter: 'unix' },
    ),
  }));
}

import * as z from 'zod/mini';
import { ReportStoreError } from '#shared/errors.ts';
import { type ReportStore, readParsed } from '#shared/report/store.ts';

/**
 * What the last sweep knew, kept in the report bucket between sweeps: the accounts AWS Organizations
 * listed, and the departed accounts still found among the administrator's members. A member that is
 * in neither Organizations' list nor this memory is an outside account to invite; one that was in the
 * organization is a departed account, reported and never invited again (docs/triggers.md,
 * "Departed accounts that are still members").
 */
export interface SweepMemory {
  /** When the sweep that wrote it ran (ISO 8601). */
  sweptAt: string;
  organization: string[];
  departed: string[];
}

/**
 * One object, rewritten by every sweep (so the bucket's expiry after ReportRetentionDays only removes
 * it when sweeps stop for that long), under executions/ where the functions may read and write.
 */
export const SWEEP_MEMORY_KEY = 'executions/sweep-memory/organization.json';

const idsSchema = z.array(z.string().check(z.regex(/^\d{12}$/)));
const sweepMemorySchema = z.object({ sweptAt: z.string(), organization: idsSchema, departed: idsSchema });

/**
 * S3's answer for an object that is not there, to a caller that may s3:ListBucket, as Resolve
 * Accounts may (docs/aws-facts.md, Amazon S3, "A missing object"). Without that permission S3 would
 * answer AccessDenied, the same as a real denial.
 */
const ABSENT = /: NoSuchKey$/;

/**
 * The memory the last sweep wrote; undefined before the first sweep (or once it expired). Any other
 * failure to read it stops the sweep (or the stale-member removal): without its memory a departed
 * account still among the members would be taken for an outside account to invite (or not removed).
 */
export async function readSweepMemory(store: ReportStore): Promise<SweepMemory | undefined> {
  try {
    return await readParsed(store, SWEEP_MEMORY_KEY, sweepMemorySchema);
  } catch (error) {
    if (!(error instanceof ReportStoreError)) throw error;
    if (ABSENT.test(error.message)) return undefined;
    throw new ReportStoreError(
      `${error.message}: muster stops rather than go on without the sweep's memory, which tells a departed account ` +
        "from an outside one (the function's role needs s3:GetObject on executions/* and s3:ListBucket on the report bucket)",
      { cause: error },
    );
  }
}

export async function writeSweepMemory(store: ReportStore, memory: SweepMemory): Promise<void> {
  await store.put(SWEEP_MEMORY_KEY, JSON.stringify(memory), 'application/json');
}

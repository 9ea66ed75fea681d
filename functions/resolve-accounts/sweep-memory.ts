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
 * S3's answers for an object that is not there: NoSuchKey, or AccessDenied to a caller without
 * s3:ListBucket, which the functions are not given (docs/aws-facts.md, Amazon S3, "A missing object").
 */
const ABSENT = /: (NoSuchKey|AccessDenied)$/;

/** The memory the last sweep wrote; undefined before the first sweep (or once it expired). */
export async function readSweepMemory(store: ReportStore): Promise<SweepMemory | undefined> {
  try {
    return await readParsed(store, SWEEP_MEMORY_KEY, sweepMemorySchema);
  } catch (error) {
    if (error instanceof ReportStoreError && ABSENT.test(error.message)) return undefined;
    throw error;
  }
}

export async function writeSweepMemory(store: ReportStore, memory: SweepMemory): Promise<void> {
  await store.put(SWEEP_MEMORY_KEY, JSON.stringify(memory), 'application/json');
}

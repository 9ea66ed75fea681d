import * as z from 'zod/mini';
import { batchFileSchema } from '../functions/resolve-accounts/batches.ts';
import { type ReportFiles, regionSchema, serviceSchema } from '../functions/shared/contracts.ts';
import { groupMemberships } from '../functions/shared/domain/report.ts';
import { parseJsonLines } from '../functions/shared/report/files.ts';
import type { Progress } from './history.ts';

/** Reads the text of a report file (JSON Lines) from the report bucket. */
export type ReportFileReader = (files: ReportFiles) => Promise<string>;

/**
 * The progress with its report's groups read from the report file, when the state carried only a
 * bounded summary of them (notEnabledComplete false): what status, start --follow and run --local
 * print and list (--json one membership a row) is then every membership, as the file has it.
 */
export async function withReportFile(progress: Progress, read: ReportFileReader): Promise<Progress> {
  const { report } = progress;
  // A parent's plan lists no accounts (they are in its batches): the file is then the only list.
  const listsAccounts = (progress.plan?.accountIds.length ?? 0) > 0;
  if (report?.files === undefined || (report.notEnabledComplete !== false && listsAccounts)) return progress;
  const rows = parseJsonLines(await read(report.files));
  const notEnabled = groupMemberships(
    rows
      .filter(({ outcome }) => outcome !== 'ENABLED')
      .map(({ reason, accountName: _, ...row }) => (reason === '' ? row : { ...row, reason })),
  );
  return {
    ...progress,
    rows,
    report: { ...report, notEnabled, notEnabledComplete: true, omitted: { groups: 0, memberships: 0 } },
  };
}

/** Where a plan with nothing to do was stored, as the execution's output says (storePlan). */
export const storedPlanPlaceSchema = z.object({ planKey: z.string(), planBucket: z.string() });

/**
 * A dry run's plan.json (storePlan, functions/resolve-accounts/batches.ts): a batch file's shape, the
 * whole plan and its accounts' names, except that a plan with no account to onboard located no pair,
 * so its pairs need not say whether the administrator has the service there.
 */
export const storedPlanSchema = z.extend(batchFileSchema, {
  pairs: z.array(
    z.looseObject({ region: regionSchema, service: serviceSchema, enabled: z.optional(z.boolean()) }),
  ),
});

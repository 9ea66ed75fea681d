import type { Plan, ReportFiles } from '../functions/shared/contracts.ts';
import { membershipKey } from '../functions/shared/domain/keys.ts';
import {
  OUTCOMES,
  type Outcome,
  PENDING_OUTCOMES,
  SETTLED_OUTCOMES,
} from '../functions/shared/domain/outcomes.ts';
import {
  describePairs,
  expandGroups,
  type Membership,
  type OutcomeGroup,
} from '../functions/shared/domain/report.ts';
import { SERVICE_RULES } from '../functions/shared/domain/services.ts';
import { REJECTION_NAMES } from '../functions/shared/errors.ts';
import { type AccountNames, accountLabel } from '../functions/shared/report/formats/records.ts';
import { exitCodeOf } from './exit-codes.ts';
import { type Progress, STATES } from './history.ts';
import type { Colours } from './io.ts';
import { terminalLines, terminalSafe, terminalText } from './terminal.ts';

/** Lists longer than these are cut short in text output; --json always has everything. */
const MAX_LISTED_ACCOUNTS = 50;
const MAX_LISTED_IDS = 60;
const IDS_PER_LINE = 6;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * Accounts and skipped accounts of a plan. With work to do, the parent execution's plan lists
 * none (they are in its batches, docs/report-bucket.md) and counts them instead.
 */
function planCounts(plan: Plan): { accounts: number; skipped: number } {
  const counted = (key: 'accountCount' | 'skippedCount', listed: number) => {
    const value: unknown = (plan as Plan & Partial<Record<typeof key, unknown>>)[key];
    return typeof value === 'number' ? value : listed;
  };
  return {
    accounts: counted('accountCount', plan.accountIds.length),
    skipped: counted('skippedCount', plan.skipped.length),
  };
}

function membershipCount(plan: Plan): number {
  return planCounts(plan).accounts * plan.regions.length * plan.services.length;
}

/** The plan as `muster plan --json` prints it. */
export function planJson(plan: Plan, names: AccountNames = new Map()) {
  const accountName = (accountId: string) => names.get(accountId) ?? null;
  return {
    administratorId: plan.administratorId,
    trigger: plan.trigger,
    dryRun: plan.dryRun,
    accounts: plan.accounts.map(({ accountId, email }) => ({
      accountId,
      accountName: accountName(accountId),
      email: email ?? null,
    })),
    regions: plan.regions,
    services: plan.services,
    skipped: plan.skipped.map(({ accountId, outcome, reason }) => ({
      accountId,
      accountName: accountName(accountId),
      outcome,
      reason,
    })),
    memberships: membershipCount(plan),
    homes: plan.homes,
    note: plan.note ?? null,
  };
}

export function planSummary(plan: Plan): string {
  return (
    `${plural(planCounts(plan).accounts, 'account')} × ${plural(plan.regions.length, 'Region')} × ` +
    `${plural(plan.services.length, 'service')} = ${plural(membershipCount(plan), 'membership')}` +
    (planCounts(plan).skipped > 0 ? `, ${planCounts(plan).skipped} skipped` : '')
  );
}

/** The plan as a person reads it: each account as "123456789012 (payments-prod)" where its name is known. */
export function planText(original: Plan, c: Colours, names: AccountNames = new Map()): string {
  const plan = terminalSafe(original);
  const label = (accountId: string) => {
    const name = names.get(accountId);
    return accountLabel(accountId, name === undefined ? undefined : terminalText(name));
  };
  const lines = [
    c.bold(
      `Plan (${plan.trigger === 'manual' ? 'manual input' : `${plan.trigger} event`}${plan.dryRun ? ', dry run' : ''})`,
    ),
    `  Administrator  ${plan.administratorId}`,
    `  Regions        ${plan.regions.join(', ')}`,
    `  Services       ${plan.services.join(', ')}`,
    `  Memberships    ${planSummary(plan)}`,
  ];
  for (const service of plan.services) {
    if (plan.accountIds.length === 0) continue;
    const name = SERVICE_RULES[service].label.padEnd(15);
    const enabled = (region: string) =>
      plan.homes.some((home) => home.service === service && home.region === region);
    const notOffered = plan.notOffered.filter((pair) => pair.service === service).map(({ region }) => region);
    const without = plan.regions.filter((region) => !enabled(region) && !notOffered.includes(region));
    if (notOffered.length > 0) {
      lines.push(
        `  ${name}not offered by AWS in ${notOffered.join(', ')}: memberships there will be SERVICE_NOT_OFFERED`,
      );
    }
    lines.push(
      without.length === 0
        ? `  ${name}enabled for the administrator in every ${notOffered.length > 0 ? 'other ' : ''}Region`
        : c.yellow(
            `  ${name}not enabled for the administrator in ${without.join(', ')}: memberships there will be SERVICE_NOT_ENABLED`,
          ),
    );
  }
  lines.push('', c.bold(`Accounts to onboard (${planCounts(plan).accounts})`));
  // A long plan with nothing to do is carried as counts: its lists are in the report bucket.
  const planKey = (plan as Plan & { planKey?: unknown }).planKey;
  if (plan.accounts.length < planCounts(plan).accounts && typeof planKey === 'string')
    lines.push(c.dim(`  listed in the report bucket, ${planKey}`));
  const shown = plan.accounts.length > MAX_LISTED_ACCOUNTS ? plan.accounts.slice(0, 20) : plan.accounts;
  for (const { accountId, email } of shown)
    lines.push(`  ${label(accountId)}  ${email ?? c.dim('(no email)')}`);
  if (shown.length < plan.accounts.length) {
    lines.push(c.dim(`  … and ${plan.accounts.length - shown.length} more (--json lists them all)`));
  }
  if (plan.skipped.length > 0) {
    lines.push('', c.bold(`Skipped (${plan.skipped.length})`));
    for (const { accountId, outcome, reason } of plan.skipped)
      lines.push(`  ${label(accountId)}  ${outcome}  ${reason}`);
  }
  if (plan.note !== undefined) lines.push('', `Note: ${plan.note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A dry run's result, its plan, as `muster plan` shows it, names beside the ids: what `run --local
 * --dry-run`, `start --dry-run --follow` and `status` print. Its note is the report's line below it
 * (reportText), so it is not printed twice.
 */
export function dryRunPlanText(plan: Plan, c: Colours, names: AccountNames): string {
  const { note: _printedBelow, ...shown } = plan;
  return planText(shown, c, names);
}

/**
 * Every membership of the report: the plan's accounts (skipped ones included) in every Region for
 * every service, ENABLED unless the report lists it. Without the plan, only those the report lists.
 */
export function memberships(plan: Plan | undefined, notEnabled: readonly OutcomeGroup[]): Membership[] {
  const listed = [...expandGroups(notEnabled)];
  if (plan === undefined) return listed;
  const byKey = new Map(listed.map((row) => [membershipKey(row.accountId, row.region, row.service), row]));
  const ids = [...plan.accountIds, ...plan.skipped.map(({ accountId }) => accountId)];
  return ids.flatMap((accountId) =>
    plan.regions.flatMap((region) =>
      plan.services.map(
        (service) =>
          byKey.get(membershipKey(accountId, region, service)) ??
          ({ accountId, region, service, outcome: 'ENABLED' } satisfies Membership),
      ),
    ),
  );
}

const REJECTIONS: ReadonlySet<string> = new Set(REJECTION_NAMES);

/** One word for where an execution stands: the report's status when it decides, else how it ended. */
export function statusWord(progress: Progress): string {
  if (progress.finalState === STATES.nothingToDo) return 'NOTHING_TO_DO';
  if (progress.error !== undefined && REJECTIONS.has(progress.error)) return 'REJECTED';
  if (progress.status === 'RUNNING') return progress.report?.status ?? 'RUNNING';
  if (progress.status === 'SUCCEEDED' || progress.finalState === STATES.needsAttention) {
    return progress.report?.status ?? progress.status;
  }
  return progress.status;
}

export interface ExecutionSummary {
  executionArn: string;
  name?: string;
  status?: string;
  startDate?: string;
  stopDate?: string;
}

/** The report as `--json` prints it (status, run --local, start --follow); a dry run's plan as `plan --json`. */
export function reportJson(
  progress: Progress,
  execution?: ExecutionSummary,
  names: AccountNames = new Map(),
) {
  const { report, plan } = progress;
  return {
    ...(execution === undefined ? {} : { execution }),
    status: statusWord(progress),
    exitCode: exitCodeOf(progress),
    counts: report?.counts ?? {},
    total: report?.total ?? 0,
    round: report?.round ?? null,
    memberships: (progress.rows ?? (report === undefined ? [] : memberships(plan, report.notEnabled))).map(
      ({ accountId, region, service, outcome, reason }) => ({
        accountId,
        region,
        service,
        outcome,
        // The file says '' where there is no reason.
        reason: reason === undefined || reason === '' ? null : reason,
      }),
    ),
    ...(progress.error === undefined ? {} : { error: progress.error, cause: progress.cause ?? null }),
    ...(progress.finalState === STATES.nothingToDo && plan !== undefined
      ? { plan: planJson(plan, names) }
      : {}),
  };
}

/** The report's groups, attention first in the order of the outcome vocabulary. */
function ordered(groups: readonly OutcomeGroup[]): OutcomeGroup[] {
  return [...groups].sort((a, b) => OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome));
}

function describeAccounts(ids: readonly string[], plan: Plan | undefined, names: AccountNames): string[] {
  const all = plan?.accountIds;
  // A parent execution's plan only counts its accounts: as many distinct ids are all of them.
  const everyOne =
    all !== undefined && all.length > 0
      ? ids.length === all.length && all.every((id) => ids.includes(id))
      : plan !== undefined && new Set(ids).size === planCounts(plan).accounts;
  if (ids.length > 1 && everyOne) {
    return [`all ${ids.length} accounts of the plan`];
  }
  const shown = ids.slice(0, MAX_LISTED_IDS).map((id) => accountLabel(id, names.get(id)));
  // Named accounts are wider: half as many a line.
  const perLine = names.size > 0 ? IDS_PER_LINE / 2 : IDS_PER_LINE;
  const lines: string[] = [];
  for (let index = 0; index < shown.length; index += perLine) {
    lines.push(shown.slice(index, index + perLine).join('  '));
  }
  if (shown.length < ids.length)
    lines.push(`… and ${ids.length - shown.length} more (--json lists every membership)`);
  return lines;
}

function outcomeColour(outcome: Outcome, c: Colours): (text: string) => string {
  if (outcome === 'ENABLED') return c.green;
  if (SETTLED_OUTCOMES.has(outcome)) return c.dim;
  if (PENDING_OUTCOMES.has(outcome)) return c.yellow;
  return c.red;
}

function headline(progress: Progress, c: Colours): string {
  const { report } = progress;
  const word = statusWord(progress);
  if (report === undefined) return c.bold(word.replaceAll('_', ' '));
  const enabled = report.counts.ENABLED ?? 0;
  const settledOther = Object.entries(report.counts)
    .filter(([outcome]) => outcome !== 'ENABLED' && SETTLED_OUTCOMES.has(outcome as Outcome))
    .reduce((sum, [, count]) => sum + (count ?? 0), 0);
  const open = report.total - enabled - settledOther;
  const summary =
    open === 0
      ? `${plural(report.total, 'membership')}: ${enabled} enabled, ${settledOther} skipped by rule`
      : `${open} of ${plural(report.total, 'membership')} not settled (${enabled} enabled, ${settledOther} skipped by rule)`;
  const colour = open === 0 ? c.green : word === 'PENDING' ? c.yellow : c.red;
  return `${colour(c.bold(word.replaceAll('_', ' ')))}  ${summary}, check round ${report.round}`;
}

/** Where an execution stands, every value from the input or AWS safe to print; a cause keeps its lines. */
function printable(original: Progress): Progress {
  const { cause, ...rest } = original;
  return { ...terminalSafe(rest), ...(cause === undefined ? {} : { cause: terminalLines(cause) }) };
}

/** The final report: counts per outcome, then every membership that is not ENABLED, grouped. */
export function reportText(original: Progress, c: Colours, names: AccountNames = new Map()): string {
  const progress = printable(original);
  const { report, plan } = progress;
  const shownNames = new Map([...names].map(([id, name]) => [id, terminalText(name)]));
  const lines = [headline(progress, c)];
  if (report === undefined) {
    if (progress.finalState === STATES.nothingToDo && plan !== undefined) {
      lines.push(plan.note ?? 'Nothing to do.');
    }
    if (progress.error !== undefined) lines.push(`${c.red(progress.error)}: ${progress.cause ?? ''}`);
    return `${lines.join('\n')}\n`;
  }
  const counted = OUTCOMES.filter((outcome) => (report.counts[outcome] ?? 0) > 0);
  const width = Math.max(...counted.map((outcome) => outcome.length));
  for (const outcome of counted) {
    lines.push(
      `  ${outcomeColour(outcome, c)(outcome.padEnd(width))}  ${String(report.counts[outcome]).padStart(6)}`,
    );
  }
  const groups = ordered(report.notEnabled);
  const sections: [string, OutcomeGroup[]][] = [
    [
      'Needs attention',
      groups.filter(({ outcome }) => !SETTLED_OUTCOMES.has(outcome) && !PENDING_OUTCOMES.has(outcome)),
    ],
    ['Still pending', groups.filter(({ outcome }) => PENDING_OUTCOMES.has(outcome))],
    ['Skipped by rule', groups.filter(({ outcome }) => SETTLED_OUTCOMES.has(outcome))],
  ];
  for (const [title, members] of sections) {
    if (members.length === 0) continue;
    const count = members.reduce((sum, group) => sum + group.accountIds.length * group.pairs.length, 0);
    lines.push('', c.bold(`${title} (${plural(count, 'membership')})`));
    for (const group of members) {
      lines.push(
        `  ${outcomeColour(group.outcome, c)(group.outcome)}  ${describePairs(group.pairs)}  ${c.dim(plural(group.accountIds.length, 'account'))}`,
        ...describeAccounts(group.accountIds, plan, shownNames).map((line) => `    ${line}`),
      );
      if (group.reason !== undefined) lines.push(`    ${c.dim(group.reason)}`);
    }
  }
  if (progress.error !== undefined && progress.finalState !== STATES.needsAttention) {
    lines.push('', `${c.red(progress.error)}: ${progress.cause ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the run's report files are in the report bucket, for a person to open or fetch. */
export function reportFilesText(files: ReportFiles | undefined, c: Colours): string {
  if (files === undefined) return '';
  const keys = [files.html, files.csv, files.jsonl].filter((key) => key !== undefined);
  return `\n${c.bold('Report files')}\n${keys.map((key) => `  s3://${terminalText(`${files.bucket}/${key}`)}`).join('\n')}\n`;
}

/** The execution's phases, one line each, for `muster status`. */
export function phasesText(original: Progress, c: Colours): string {
  const progress = printable(original);
  const { plan, report, batches } = progress;
  const ended = progress.status !== 'RUNNING';
  const done = c.green('✔');
  const running = c.cyan('▸');
  const pending = c.dim('·');
  const failed = c.red('✘');
  const row = (mark: string, name: string, detail: string) => `  ${mark} ${name.padEnd(19)} ${detail}`;

  const resolveMark =
    plan !== undefined ? done : progress.phase === 'resolve' && !ended ? running : ended ? failed : pending;
  const pairs = plan?.pairs.length ?? 0;
  const nothing = plan !== undefined && !plan.hasWork;
  const createMark =
    nothing || (pairs > 0 && progress.pairsDone === pairs)
      ? done
      : progress.phase === 'administrator' && !ended
        ? running
        : ended && plan !== undefined
          ? failed
          : pending;
  const loopMark = (started: boolean) => (!started ? pending : ended ? done : running);
  return [
    c.bold('Phases'),
    row(resolveMark, 'Resolve accounts', plan === undefined ? (progress.error ?? '') : planSummary(plan)),
    row(
      createMark,
      'Create and invite',
      nothing
        ? `nothing to do: ${plan?.note ?? ''}`
        : `${progress.pairsDone}/${pairs} Region × service pairs${progress.pairFailures > 0 ? `, ${progress.pairFailures} memberships set aside` : ''}`,
    ),
    row(
      loopMark(report !== undefined),
      'Check members',
      report === undefined
        ? ''
        : `round ${report.round} of ${plan?.settings.maxPollRounds ?? '?'}: ${report.status}`,
    ),
    row(
      loopMark(batches.round > 0),
      'Accept invitations',
      batches.round > 0
        ? `round ${batches.round}: ${batches.done}/${batches.total} batches${batches.failed > 0 ? `, ${batches.failed} failed` : ''}`
        : ended
          ? 'not needed'
          : '',
    ),
  ].join('\n');
}

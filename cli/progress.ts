import cliProgress from 'cli-progress';
import type { OnboardingReport } from '../functions/shared/contracts.ts';
import type { OutcomeGroup } from '../functions/shared/domain/report.ts';
import { isServiceName, SERVICE_RULES } from '../functions/shared/domain/services.ts';
import { type FlowEvent, type Progress, STATES } from './history.ts';
import { coloursFor, type Io } from './io.ts';
import { planSummary } from './render.ts';
import { terminalText } from './terminal.ts';

function countsText(report: OnboardingReport): string {
  return Object.entries(report.counts)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
}

const label = (phase: string) => phase.padEnd(9);

/** Memberships in report groups: accounts × pairs. */
const memberships = (groups: readonly OutcomeGroup[]): number =>
  groups.reduce((sum, { pairs, accountIds }) => sum + pairs.length * accountIds.length, 0);

/** The Invite Members state's output: the execution's state, the invite step's result in it. */
interface InviteOutput {
  poll?: { invited?: { unfinished?: OutcomeGroup[] } };
}

/** The line worth printing for an event, if any; pure. `progress` already includes the event. */
export function progressLine(progress: Progress, event: FlowEvent): string | undefined {
  const line = describeEvent(progress, event);
  // Regions, services and errors in it come from the execution's history.
  return line === undefined ? undefined : terminalText(line);
}

function describeEvent(progress: Progress, event: FlowEvent): string | undefined {
  const { plan, report, batches } = progress;
  if (event.type === 'ended') {
    const how = progress.finalState ?? event.status;
    return `${label('finished')}${how}${event.error === undefined ? '' : ` (${event.error})`}`;
  }
  if (event.type === 'entered') {
    if (event.state === STATES.onboard && plan !== undefined) {
      return `${label('create')}creating members in ${plan.pairs.length} Region × service pairs`;
    }
    if (event.state === STATES.wait && plan !== undefined) {
      return `${label('wait')}for members to accept and verify (poll interval ${plan.settings.pollIntervalSeconds} s)`;
    }
    return undefined;
  }
  switch (event.state) {
    case STATES.resolve:
      return plan === undefined ? undefined : `${label('resolve')}${planSummary(plan)}`;
    case STATES.regionDone: {
      const pair = (event.output ?? {}) as {
        region?: string;
        service?: string;
        failed?: { outcome?: string; count?: number }[];
      };
      const outcomes = new Map<string, number>();
      for (const { outcome = 'FAILED', count = 1 } of pair.failed ?? [])
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + count);
      const setAside = [...outcomes].map(([outcome, count]) => `${outcome} ${count}`).join(', ');
      return `${label('create')}${pair.region} ${pair.service} done${setAside === '' ? '' : `; ${setAside}`} (${progress.pairsDone}/${plan?.pairs.length ?? '?'})`;
    }
    case STATES.check:
      return report === undefined
        ? undefined
        : `${label('check')}round ${report.round}: ${countsText(report)} → ${report.status}`;
    case STATES.nextRound:
      return `${label('accept')}round ${batches.round}: ${report?.pendingAccountIds.length ?? 0} pending accounts in ${batches.total} batch${batches.total === 1 ? '' : 'es'}`;
    case STATES.invite: {
      const wanted = memberships(report?.invitations ?? []);
      const services = [
        ...new Set((report?.invitations ?? []).flatMap(({ pairs }) => pairs.map(({ service }) => service))),
      ].map((service) => (isServiceName(service) ? SERVICE_RULES[service].label : String(service)));
      const notSent = memberships(
        (event.output as InviteOutput | undefined)?.poll?.invited?.unfinished ?? [],
      );
      // Some of the wanted may have been found invited already; only what was not sent is certain.
      return `${label('invite')}round ${batches.round}: ${wanted} ${services.length === 0 ? '' : `${services.join(' and ')} `}membership${wanted === 1 ? '' : 's'} to invite${notSent > 0 ? `, ${notSent} not invited (the next check says why)` : ''}`;
    }
    case STATES.accept:
      return `${label('accept')}round ${batches.round}: ${batches.done}/${batches.total} batches done${batches.failed > 0 ? `, ${batches.failed} failed (tried again next round)` : ''}`;
    default:
      return undefined;
  }
}

/** Shows an execution as it goes: bars on a terminal, plain lines otherwise, nothing for --json. */
export interface LiveView {
  update(progress: Progress, event: FlowEvent): void;
  stop(): void;
}

export function quietView(): LiveView {
  return { update: () => undefined, stop: () => undefined };
}

export function linesView(io: Io): LiveView {
  return {
    update(progress, event) {
      const line = progressLine(progress, event);
      if (line !== undefined) io.stderr.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}

/** Lines above live bars: Region × service pairs, check rounds against the poll timeout, member batches. */
export function barsView(io: Io): LiveView {
  const c = coloursFor(io.stderr, io.env);
  const bars = new cliProgress.MultiBar(
    {
      stream: io.stderr,
      format: `{title} ${c.cyan('{bar}')} {value}/{total} {detail}`,
      barsize: 30,
      hideCursor: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let pairs: cliProgress.SingleBar | undefined;
  let rounds: cliProgress.SingleBar | undefined;
  let batches: cliProgress.SingleBar | undefined;
  return {
    update(progress, event) {
      const line = progressLine(progress, event);
      if (line !== undefined) bars.log(`${line}\n`);
      const { plan, report } = progress;
      if (plan === undefined) return;
      pairs ??= bars.create(plan.pairs.length, 0, { title: 'Region × service', detail: '' });
      pairs.update(progress.pairsDone, {
        detail: progress.pairFailures > 0 ? `${progress.pairFailures} set aside` : '',
      });
      if (report !== undefined) {
        rounds ??= bars.create(plan.settings.maxPollRounds + 1, 0, { title: 'Check rounds    ', detail: '' });
        rounds.update(report.round + 1, { detail: report.status });
      }
      if (progress.batches.total > 0) {
        batches ??= bars.create(progress.batches.total, 0, { title: 'Member batches  ', detail: '' });
        batches.setTotal(progress.batches.total);
        batches.update(progress.batches.done, { detail: `round ${progress.batches.round}` });
      }
    },
    stop() {
      // MultiBar.stop() drops log lines that no redraw has flushed yet.
      bars.update();
      bars.stop();
    },
  };
}

/** Bars on a terminal, plain lines elsewhere, nothing for --json. */
export function viewFor(io: Io, json: boolean): LiveView {
  if (json) return quietView();
  return io.stderr.isTTY === true ? barsView(io) : linesView(io);
}

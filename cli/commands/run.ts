import { basename, relative, resolve } from 'node:path';
import { InvalidInputError } from '../../functions/shared/errors.ts';
import { toJsonLines } from '../../functions/shared/report/files.ts';
import { namesOfRows } from '../../functions/shared/report/formats/records.ts';
import { type ChildRun, HEALTHY_SCENARIO, runLocalWorkflow } from '../../local/runner/run-workflow.ts';
import { realCommand } from '../command-line.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { advance, fromLocalEvent, type Progress, startProgress } from '../history.ts';
import { checkExecutionInput, type InputOptions, loadInput, manualInput } from '../input.ts';
import { coloursFor, type Io } from '../io.ts';
import { viewFor } from '../progress.ts';
import { dryRunPlanText, reportText } from '../render.ts';
import { withReportFile } from '../report-file.ts';
import {
  emitReport,
  executionDocument,
  executionJson,
  type OutputOptions,
  quietStdout,
} from '../report-output.ts';
import { terminalText } from '../terminal.ts';
import { loadLocalScenario, scenarioInput } from './local.ts';

export interface RunOptions extends InputOptions, OutputOptions {
  local?: boolean;
  scenario?: string;
  /** Compresses every wait of the workflow and the stand-in (the runner's timeScale). */
  timeScale: number;
}

/**
 * `muster run --local`: the real state machine and handlers against the local stand-in, with
 * progress as it goes and the report at the end. Without input options it takes the scenario's
 * own input (NAME.input.json beside it), or onboards every account of the organization.
 */
export async function runCommand(options: RunOptions, io: Io): Promise<number> {
  if (options.local !== true) {
    throw new InvalidInputError(
      'muster run only runs locally: add --local (to run in AWS, use muster start --follow)',
    );
  }
  const given = await loadInput(options, io.cwd, io.stdin);
  const scenarioPath = resolve(io.cwd, options.scenario ?? HEALTHY_SCENARIO);
  const scenario = await loadLocalScenario(scenarioPath);
  const own = given === undefined ? await scenarioInput(scenarioPath) : undefined;
  // Without input options: the scenario's own input, or every account; --regions etc. still apply.
  const { allAccounts: _every, ...overrides } = manualInput('all', options);
  const input = given ?? (own === undefined ? manualInput('all', options) : { ...own.input, ...overrides });
  // What AWS would refuse, the local run refuses too: it is how a run in AWS would go.
  checkExecutionInput(input, options);
  const json = quietStdout(options);
  if (!json) {
    const c = coloursFor(io.stderr, io.env);
    io.stderr.write(
      `${c.bold(`Local run, scenario "${terminalText(scenario.name ?? basename(scenarioPath))}"`)}${scenario.description === undefined ? '' : `: ${terminalText(scenario.description)}`}\n` +
        c.dim(
          'The real state machine and handlers against a local stand-in for AWS; nothing leaves 127.0.0.1.\n',
        ) +
        (own === undefined
          ? ''
          : c.dim(
              `Input: ${terminalText(relative(io.cwd, own.file))}, the scenario's own (--accounts, --csv, --all-accounts or --input replace it).\n`,
            )),
    );
  }
  const view = viewFor(io, json);
  let progress: Progress = startProgress();
  let result: Awaited<ReturnType<typeof runLocalWorkflow>>;
  try {
    result = await runLocalWorkflow({
      scenario,
      input,
      timeScale: options.timeScale,
      onEvent(event) {
        const flow = fromLocalEvent(event);
        if (flow === undefined) return;
        progress = advance(progress, flow);
        view.update(progress, flow);
      },
    });
  } finally {
    view.stop();
  }
  // The runner fails a run whose state passed 256 KiB once the engine has ended it
  // (run-workflow.ts): AWS would have failed it there, without the report.
  if (result.error === 'States.DataLimitExceeded') {
    const { report: _dropped, ...kept } = progress;
    progress = advance(kept, {
      type: 'ended',
      status: 'FAILED',
      error: result.error,
      ...(result.cause === undefined ? {} : { cause: result.cause }),
    });
  }
  // The state carries a summary of a large report; the runner read its file back from the stand-in.
  const rows = result.memberships;
  if (rows !== undefined) progress = await withReportFile(progress, async () => toJsonLines(rows));
  // The report file's names (Merge Reports took them from the batch files), else the scenario's own.
  const names = new Map([
    ...scenario.accounts.flatMap(({ accountId, name }) =>
      name === undefined ? [] : [[accountId, name] as const],
    ),
    ...namesOfRows(progress.rows ?? []),
  ]);
  const final = progress;
  await emitReport(io, options, {
    json: () => executionJson(final, names),
    document: () => executionDocument(final, names),
    table: () => {
      const c = coloursFor(io.stdout, io.env);
      const planned =
        options.dryRun === true && final.plan !== undefined
          ? `\n${dryRunPlanText(final.plan, c, names)}`
          : '';
      return (
        `${planned}\n${reportText(final, c, names)}\n` +
        c.dim(`Ran in ${result.wallSeconds.toFixed(1)} s; ${historyText(result)}\n`) +
        (options.dryRun === true
          ? `A dry run changes nothing. To run it for real:\n  ${terminalText(realCommand(options, 'local'))}\n`
          : '')
      );
    },
  });
  return exitCodeOf(progress);
}

/**
 * What the run would cost in AWS. Each child execution has a history of its own (with its own limit), so
 * the parent's figures and the children's are given apart; Lambda invocations are counted across them all.
 */
export function historyText({
  history,
  children,
}: {
  history: ChildRun['history'];
  children: readonly ChildRun[];
}): string {
  const parent = `the parent execution ${history.stateTransitions} state transitions and ${history.historyEvents} history events`;
  const transitions = children.reduce((sum, child) => sum + child.history.stateTransitions, 0);
  const events = Math.max(0, ...children.map((child) => child.history.historyEvents));
  const childText =
    children.length === 0
      ? ''
      : `; ${children.length} child execution${children.length === 1 ? '' : 's'}, ${transitions} state transitions, ` +
        `at most ${events} history events each`;
  return `in AWS: ${parent}${childText}; ${history.lambdaInvocations} Lambda invocations in all.`;
}

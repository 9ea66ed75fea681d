import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';

/**
 * The functions in the order a run calls them: each one's sample event builds on the one before.
 * Merge Reports and Remove Members come last and are only imported: Merge Reports' input names the
 * report files of a whole run's child executions, which no sample event holds, and Remove Members
 * has no healthy stand-in event (it offboards what an onboarding made).
 */
export const COLD_START_ORDER = [
  'resolve-accounts',
  'create-members',
  'invite-members',
  'accept-invitations',
  'check-members',
  'merge-reports',
  'remove-members',
] as const;

const IMPORT_ONLY = new Set<string>(['merge-reports', 'remove-members']);

export interface ColdStart {
  name: string;
  bundleBytes: number;
  /** Importing the bundle in a fresh Node process: reading, compiling and running its top level. */
  importMs: number;
  /** The first invocation after it: configuration read, clients made, the stand-in's answers at once. */
  firstInvocationMs?: number;
}

/**
 * The bundles as issue 19's bundle work found them (commit 241062f, before it), measured with this
 * bench on this machine: median of 5, Node 20.20.2, load average 1.6. What the bench prints next to
 * its own figures when no earlier build is given (`--before DIR` measures one in the same run).
 * merge-reports' import was not timed then: its 0 prints as "—".
 */
export const RECORDED_BEFORE: { when: string; results: ColdStart[] } = {
  when: 'before issue 19 (commit 241062f; median of 5, load average 1.6)',
  results: [
    { name: 'resolve-accounts', bundleBytes: 705_828, importMs: 89, firstInvocationMs: 57 },
    { name: 'create-members', bundleBytes: 543_837, importMs: 89, firstInvocationMs: 40 },
    { name: 'invite-members', bundleBytes: 647_424, importMs: 65, firstInvocationMs: 29 },
    { name: 'accept-invitations', bundleBytes: 679_192, importMs: 77, firstInvocationMs: 57 },
    { name: 'check-members', bundleBytes: 665_875, importMs: 76, firstInvocationMs: 63 },
    { name: 'merge-reports', bundleBytes: 586_306, importMs: 0 },
  ],
};

/**
 * What a fresh process runs: import the bundle, then invoke its handler once with the sample event
 * `sam local invoke` uses, and print both durations.
 */
const PROBE = `
const [bundle, eventFile, name] = process.argv.slice(1);
const event = eventFile === '-' ? undefined : JSON.parse((await import('node:fs')).readFileSync(eventFile, 'utf8'));
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
if (event === undefined) {
  console.log(JSON.stringify({ importMs: imported - started }));
  process.exit(0);
}
await handler(event, {
  functionName: 'muster-' + name, functionVersion: '$LATEST', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:muster-' + name,
  awsRequestId: 'cold-start', logGroupName: '/aws/lambda/muster-' + name, logStreamName: 'cold-start',
  callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 900000,
});
const invoked = performance.now();
console.log(JSON.stringify({ importMs: imported - started, firstInvocationMs: invoked - imported }));
process.exit(0);
`;

function probe(
  bundle: string,
  name: string,
  env: Record<string, string>,
): Promise<{ importMs: number; firstInvocationMs?: number }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        PROBE,
        resolve(bundle),
        IMPORT_ONLY.has(name) ? '-' : resolve(`events/${name}/standin-healthy.json`),
        name,
      ],
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) done(JSON.parse(line));
      else fail(new Error(`${name}: the cold-start probe exited ${code}: ${err.trim() || out.trim()}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function missingBundles(dist: string): string[] {
  return COLD_START_ORDER.filter((name) => !existsSync(join(dist, name, 'index.mjs')));
}

/**
 * Each function's bundle (`<dist>/<name>/index.mjs`, from `npm run build`) in fresh Node
 * processes against the healthy stand-in, `runs` times; the median of each figure.
 */
export async function measureColdStarts(dist: string, runs: number): Promise<ColdStart[]> {
  const missing = missingBundles(dist);
  if (missing.length > 0)
    throw new Error(`no bundle for ${missing.join(', ')} in ${dist}: run npm run build first`);
  const scenario = JSON.parse(readFileSync('local/scenarios/healthy.json', 'utf8')) as ScenarioInput;
  const standIn = await startStandInProcess({ scenario, timeScale: 1 });
  try {
    const parameters = JSON.parse(readFileSync('events/env.standin.json', 'utf8')).Parameters as Record<
      string,
      string
    >;
    const env = {
      ...Object.fromEntries(
        Object.entries(parameters).map(([key, value]) => [
          key,
          value.replace('http://127.0.0.1:4599', `http://127.0.0.1:${standIn.port}`),
        ]),
      ),
      AWS_REGION: 'us-east-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_XRAY_MANUAL_MODE: 'true',
    };
    const results: ColdStart[] = [];
    for (const name of COLD_START_ORDER) {
      const bundle = join(dist, name, 'index.mjs');
      const samples = [];
      for (let run = 0; run < runs; run += 1) samples.push(await probe(bundle, name, env));
      const invocations = samples.flatMap(({ firstInvocationMs }) => firstInvocationMs ?? []);
      results.push({
        name,
        bundleBytes: statSync(bundle).size,
        importMs: Math.round(median(samples.map(({ importMs }) => importMs))),
        ...(invocations.length > 0 && { firstInvocationMs: Math.round(median(invocations)) }),
      });
    }
    return results;
  } finally {
    await standIn.stop();
  }
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const milliseconds = (ms: number | undefined) => (ms === undefined || ms === 0 ? '—' : `${ms} ms`);

/**
 * One row per function: bundle, import and first invocation, before (an earlier build measured in the
 * same run, or RECORDED_BEFORE) and now, with the 400 KB target (issue 19).
 */
export function renderColdStarts(
  dist: string,
  runs: number,
  results: ColdStart[],
  before: { when: string; results: ColdStart[] } = RECORDED_BEFORE,
  maxBytes = 400 * 1024,
): string {
  return [
    `cold start: each bundle of ${dist} imported in a fresh Node ${process.version} process, then invoked once with events/<function>/standin-healthy.json against the healthy stand-in; median of ${runs}`,
    `before: ${before.when}; merge-reports and remove-members are only imported (no healthy stand-in event)`,
    '',
    '| function | bundle before → now | ≤ 400 KB | import before → now | first invocation before → now |',
    '| --- | ---: | :---: | ---: | ---: |',
    ...results.map(({ name, bundleBytes, importMs, firstInvocationMs }) => {
      const earlier = before.results.find((result) => result.name === name);
      return `| ${name} | ${earlier ? kilobytes(earlier.bundleBytes) : '—'} → ${kilobytes(bundleBytes)} | ${bundleBytes <= maxBytes ? 'yes' : 'no'} | ${milliseconds(earlier?.importMs)} → ${milliseconds(importMs)} | ${milliseconds(earlier?.firstInvocationMs)} → ${milliseconds(firstInvocationMs)} |`;
    }),
  ].join('\n');
}

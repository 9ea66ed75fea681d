import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStandInProcess } from '../local/runner/standin-process.ts';
import type { ScenarioInput } from '../local/standin/index.ts';

/** The functions in the order a run calls them: each one's sample event builds on the one before. */
export const COLD_START_ORDER = [
  'resolve-accounts',
  'create-members',
  'invite-members',
  'accept-invitations',
  'check-members',
] as const;

export interface ColdStart {
  name: string;
  bundleBytes: number;
  /** Importing the bundle in a fresh Node process: reading, compiling and running its top level. */
  importMs: number;
  /** The first invocation after it: configuration read, clients made, the stand-in's answers at once. */
  firstInvocationMs: number;
}

/**
 * What a fresh process runs: import the bundle, then invoke its handler once with the sample event
 * `sam local invoke` uses, and print both durations.
 */
const PROBE = `
const [bundle, eventFile, name] = process.argv.slice(1);
const event = JSON.parse((await import('node:fs')).readFileSync(eventFile, 'utf8'));
const started = performance.now();
const { handler } = await import(bundle);
const imported = performance.now();
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
): Promise<{ importMs: number; firstInvocationMs: number }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        PROBE,
        resolve(bundle),
        resolve(`events/${name}/standin-healthy.json`),
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

/**
 * Each function's bundle (`<dist>/<name>/index.mjs`, from `npm run build`) in fresh Node
 * processes against the healthy stand-in, `runs` times; the median of each figure.
 */
export async function measureColdStarts(dist: string, runs: number): Promise<ColdStart[]> {
  const missing = COLD_START_ORDER.filter((name) => !existsSync(join(dist, name, 'index.mjs')));
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
      results.push({
        name,
        bundleBytes: statSync(bundle).size,
        importMs: Math.round(median(samples.map(({ importMs }) => importMs))),
        firstInvocationMs: Math.round(median(samples.map(({ firstInvocationMs }) => firstInvocationMs))),
      });
    }
    return results;
  } finally {
    await standIn.stop();
  }
}

export function renderColdStarts(dist: string, runs: number, results: ColdStart[]): string {
  return [
    `cold start: each bundle of ${dist} imported in a fresh Node ${process.version} process, then invoked once with events/<function>/standin-healthy.json against the healthy stand-in; median of ${runs}`,
    '',
    '| function | bundle | import | first invocation (clients made, stand-in answers at once) |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(
      ({ name, bundleBytes, importMs, firstInvocationMs }) =>
        `| ${name} | ${(bundleBytes / 1024).toFixed(1)} KB | ${importMs} ms | ${firstInvocationMs} ms |`,
    ),
  ].join('\n');
}

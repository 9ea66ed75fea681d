import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Inspection, parseScenario, type ScenarioInput } from '../standin/index.ts';
import { processCpuSeconds } from './cpu.ts';
import type { StandInHandle } from './run-workflow.ts';

const MAIN = fileURLToPath(new URL('../standin/main.ts', import.meta.url));

export interface StandInProcess extends StandInHandle {
  inspect(): Promise<Inspection>;
  stop(): Promise<void>;
}

/**
 * Starts the stand-in as `npm run standin` does, in a process of its own: it then answers on the
 * other core while this one runs the Lambdas, as AWS would. Reads the endpoint and environment it
 * prints, and inspects it over GET /_standin/inspect.
 */
export async function startStandInProcess(options: {
  scenario: ScenarioInput;
  timeScale: number;
}): Promise<StandInProcess> {
  const scenario = parseScenario(options.scenario);
  const folder = mkdtempSync(join(tmpdir(), 'muster-standin-'));
  const file = join(folder, 'scenario.json');
  writeFileSync(file, JSON.stringify(options.scenario));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--scenario', file, '--time-scale', String(options.timeScale)],
    // The IPC channel is how the stand-in knows this process is gone (see main.ts).
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  child.channel?.unref();
  const { stdout } = child;
  if (stdout === null) throw new Error('the stand-in has no stdout pipe');
  const env: Record<string, string> = {};
  let endpoint = '';
  const lines = createInterface({ input: stdout });
  for await (const line of lines) {
    if (endpoint === '') endpoint = line;
    const exported = /^export (\w+)=(.*)$/.exec(line);
    if (exported?.[1] !== undefined && exported[2] !== undefined) env[exported[1]] = exported[2];
    // AWS_REGION is the last variable it prints.
    if (exported?.[1] === 'AWS_REGION') break;
  }
  // Anything it prints later is drained, so a full pipe never blocks it.
  stdout.resume();
  rmSync(folder, { recursive: true, force: true });
  if (!endpoint.startsWith('http://127.0.0.1:')) throw new Error(`the stand-in did not start: ${endpoint}`);
  return {
    port: Number(new URL(endpoint).port),
    scenario,
    env,
    async inspect() {
      return (await (await fetch(`${endpoint}/_standin/inspect`)).json()) as Inspection;
    },
    cpuSeconds: () => (child.pid === undefined ? undefined : processCpuSeconds(child.pid)),
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, waitFor } from './helpers.ts';

/** Whether moto_server is on PATH: it is preinstalled on these machines and in CI. */
export const hasMoto = (process.env.PATH ?? '').split(delimiter).some((dir) => {
  try {
    accessSync(join(dir, 'moto_server'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

/** In CI moto's absence must fail; on a laptop without it a conformance suite says why it skipped. */
export const skipWithoutMoto = !hasMoto && process.env.CI !== 'true';

export const SKIPPED_WITHOUT_MOTO = skipWithoutMoto
  ? ' (skipped: moto_server is not on PATH; pip install "moto[server]" to run it)'
  : '';

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  if (!hasMoto) throw new Error('moto_server is not on PATH, and CI must run the conformance tests');
  const port = await freePort();
  const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(`${endpoint}/moto-api/`, 20_000);
  return {
    endpoint,
    async stop() {
      if (moto.exitCode !== null) return;
      const exited = new Promise((resolve) => moto.once('exit', resolve));
      moto.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (moto.exitCode === null) moto.kill('SIGKILL');
    },
  };
}

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
let npm: ChildProcessWithoutNullStreams | undefined;

/** Whether any process of the group is left: signal 0 checks without sending anything. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Waits until the group is gone; false if it is still there after `patience` ms. */
async function groupEnds(pgid: number, patience: number): Promise<boolean> {
  for (let waited = 0; waited < patience; waited += 50) {
    if (!groupAlive(pgid)) return true;
    await delay(50);
  }
  return !groupAlive(pgid);
}

/** Whether something still listens on the port of 127.0.0.1. */
async function listening(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

afterAll(() => {
  // Whatever the test saw, nothing it started outlives it.
  const pgid = npm?.pid;
  if (pgid !== undefined && groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
});

describe('npm run standin', () => {
  it('ends with its whole process group and closes its port when npm gets SIGTERM', async () => {
    // Its own process group (detached), as a shell gives a job: the group is what must end.
    npm = spawn('npm', ['run', '--silent', 'standin', '--', '--port', '0', '--time-scale', '0.01'], {
      cwd: root,
      detached: true,
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const pgid = npm.pid ?? 0;
    const [chunk] = (await once(npm.stdout, 'data')) as [Buffer];
    const endpoint = chunk.toString().split('\n')[0] ?? '';
    const port = Number(new URL(endpoint).port);
    expect(await listening(port)).toBe(true);

    npm.kill('SIGTERM');
    await once(npm, 'exit');

    expect(await groupEnds(pgid, 10_000)).toBe(true);
    expect(await listening(port)).toBe(false);
  }, 30_000);
});

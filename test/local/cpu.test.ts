import { describe, expect, it } from 'vitest';
import {
  mainThreadCpuSeconds,
  processCpuSeconds,
  statCpuSeconds,
  watchGcPauses,
} from '../../local/runner/cpu.ts';

/** A /proc stat line: pid, (command), then fields 3 to 52, utime and stime the 14th and 15th. */
const statLine = (command: string, utime: string, stime: string) => {
  const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
  fields[0] = 'S';
  fields[11] = utime;
  fields[12] = stime;
  return `4242 (${command}) ${fields.join(' ')}\n`;
};

describe('statCpuSeconds', () => {
  it.each([
    ['node', '150', '25', 1.75],
    ['V8 DefaultWorke', '3', '0', 0.03],
    // A command name may hold spaces and parentheses: the fields count from the last ")".
    ['a) (b c', '100', '100', 2],
  ])('reads utime and stime of a thread named %j', (command, utime, stime, seconds) => {
    expect(statCpuSeconds(statLine(command, utime, stime))).toBeCloseTo(seconds, 10);
  });

  it('names a line that is not a stat line', () => {
    expect(() => statCpuSeconds('4242 (node) S 1 2')).toThrow('not a /proc stat line: 4242 (node) S 1 2');
    expect(() => statCpuSeconds(statLine('node', 'x', '1'))).toThrow(/^not a \/proc stat line/);
  });
});

describe('mainThreadCpuSeconds and processCpuSeconds', () => {
  it("read this process's main thread and the whole process, the thread never more than the process", () => {
    // Work enough for a few clock ticks.
    let spin = 0;
    for (const end = performance.now() + 50; performance.now() < end; ) spin += 1;
    const main = mainThreadCpuSeconds();
    const all = processCpuSeconds(process.pid);

    expect(spin).toBeGreaterThan(0);
    expect(main).toBeGreaterThan(0);
    expect(all).toBeGreaterThanOrEqual(main ?? Number.POSITIVE_INFINITY);
  });

  it('say nothing of a process that is not there', () => {
    expect(processCpuSeconds(2 ** 31 - 1)).toBeUndefined();
  });
});

describe('watchGcPauses', () => {
  it('counts the pauses of collections between its start and its stop, and none after', async () => {
    const stop = watchGcPauses();
    let kept = 0;
    // Short-lived garbage, tens of megabytes of it: the young generation is collected several times.
    for (let round = 0; round < 200_000; round += 1) kept += new Array(64).fill(round).length;
    await new Promise((resolve) => setImmediate(resolve));
    const pauses = stop();

    expect(kept).toBe(200_000 * 64);
    expect(pauses.pauses).toBeGreaterThan(0);
    expect(pauses.seconds).toBeGreaterThan(0);
    for (let round = 0; round < 200_000; round += 1) kept += new Array(64).fill(round).length;
    await new Promise((resolve) => setImmediate(resolve));
    expect(stop()).toEqual(pauses);
  });
});

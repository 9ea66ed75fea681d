import { readFileSync } from 'node:fs';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/**
 * Clock ticks per second of the CPU times in /proc (USER_HZ): 100 on every Linux architecture Node
 * runs on (proc(5), "utime").
 */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user and system) of one line of /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat.
 * The second field is the command name in parentheses, which may itself hold spaces and parentheses,
 * so the fields are counted from the last ")": utime and stime are the 14th and 15th (proc(5)).
 */
export function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [fields[11], fields[12]].map((field) =>
    field === undefined ? Number.NaN : Number(field),
  );
  if (!Number.isInteger(utime) || !Number.isInteger(stime))
    throw new Error(`not a /proc stat line: ${stat.slice(0, 120)}`);
  return ((utime as number) + (stime as number)) / TICKS_PER_SECOND;
}

function readStat(path: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    // Not Linux, or the process is gone: the figure is left out rather than guessed.
    return undefined;
  }
  return statCpuSeconds(stat);
}

/**
 * CPU seconds this process's main thread has used, to 10 ms: where every Lambda, the Step Functions
 * engine and the runner run. The rest of process.cpuUsage() is V8's threads (its optimizing compiler
 * and the collector's helpers) and, with --member-workers, the workers. Undefined without /proc.
 */
export function mainThreadCpuSeconds(): number | undefined {
  return readStat(`/proc/self/task/${process.pid}/stat`);
}

/** CPU seconds another process (all its threads) has used, to 10 ms; undefined without /proc. */
export function processCpuSeconds(pid: number): number | undefined {
  return readStat(`/proc/${pid}/stat`);
}

/** The collector's pauses of the main thread: how many, and their seconds in all. */
export interface GcPauses {
  pauses: number;
  seconds: number;
}

/** Counts the collector's pauses of the main thread from now until the returned function is called. */
export function watchGcPauses(): () => GcPauses {
  const total: GcPauses = { pauses: 0, seconds: 0 };
  let stopped = false;
  const add = (entries: readonly PerformanceEntry[]) => {
    if (stopped) return;
    for (const { duration } of entries) {
      total.pauses += 1;
      total.seconds += duration / 1000;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    // Entries are handed to the callback later: those not handed yet are taken here.
    add(observer.takeRecords());
    stopped = true;
    observer.disconnect();
    return { ...total };
  };
}

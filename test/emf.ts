import { vi } from 'vitest';

/** One metric of an embedded metric format line: one per metric and dimension set. */
export interface EmittedMetric {
  namespace: string;
  name: string;
  /** The dimension set's names, sorted. */
  dimensions: string[];
  /** Each dimension of the set with its value. */
  values: Record<string, string>;
  value: number;
  unit: string;
}

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/**
 * The metrics `record` writes as CloudWatch embedded metric format lines (Powertools' own output),
 * one entry per metric and dimension set, as CloudWatch would make metrics of them.
 */
export function emittedMetrics(record: () => void): EmittedMetric[] {
  const capture = startCapture();
  try {
    record();
  } finally {
    capture.stop();
  }
  return capture.metrics();
}

/** emittedMetrics of an asynchronous `record`, such as a handler's invocation. */
export async function emittedMetricsOf(record: () => Promise<unknown>): Promise<EmittedMetric[]> {
  const capture = startCapture();
  try {
    await record();
  } finally {
    capture.stop();
  }
  return capture.metrics();
}

function startCapture() {
  // Each single metric is a new Metrics, which reads the switch the test setup turns off.
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((line) => {
    lines.push(String(line));
  });
  return {
    stop() {
      write.mockRestore();
      log.mockRestore();
      vi.unstubAllEnvs();
    },
    metrics: () => parseLines(lines),
  };
}

function parseLines(lines: readonly string[]): EmittedMetric[] {
  return lines
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .flatMap((line) => {
      const emf = JSON.parse(line) as EmfLine;
      return emf._aws.CloudWatchMetrics.flatMap(({ Namespace, Dimensions, Metrics }) =>
        Dimensions.flatMap((set) =>
          Metrics.map(({ Name, Unit }) => ({
            namespace: Namespace,
            name: Name,
            dimensions: [...set].sort(),
            values: Object.fromEntries(set.map((dimension) => [dimension, String(emf[dimension])])),
            value: Number(emf[Name]),
            unit: Unit,
          })),
        ),
      );
    });
}

import { InvalidInputError } from '../../functions/shared/errors.ts';
import { loadScenario, type Scenario, ScenarioError } from '../../local/standin/index.ts';

/** A stand-in scenario file; a bad one is bad input (exit 2) with the scenario's own message. */
export async function loadLocalScenario(path: string): Promise<Scenario> {
  try {
    return await loadScenario(path);
  } catch (error) {
    if (error instanceof ScenarioError) throw new InvalidInputError(`--scenario: ${error.message}`);
    throw error;
  }
}

/** Powertools Metrics warns on stderr for every invocation without metrics; the local run has none by design. */
const METRICS_NOTICE = 'No application metrics to publish';

export async function withoutMetricsNotice<T>(run: () => Promise<T>): Promise<T> {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith(METRICS_NOTICE)
      ? true
      : (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return await run();
  } finally {
    process.stderr.write = write;
  }
}

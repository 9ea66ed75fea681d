import { readFile } from 'node:fs/promises';
import { z } from 'zod';
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

const inputDocument = z.record(z.string(), z.unknown());

/**
 * The input a scenario is meant to be run with, `NAME.input.json` beside `NAME.json`, if it has one:
 * accounts outside the organization are in no `--all-accounts`. The workflow parses it as any input.
 */
export async function scenarioInput(
  scenarioPath: string,
): Promise<{ file: string; input: Record<string, unknown> } | undefined> {
  const file = `${scenarioPath.replace(/\.json$/, '')}.input.json`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not a JSON document (${(error as Error).message})`);
  }
  const parsed = inputDocument.safeParse(document);
  if (!parsed.success) {
    const found = Array.isArray(document) ? 'a list' : document === null ? 'null' : typeof document;
    throw new InvalidInputError(`${file}: a scenario's input must be a JSON object, found ${found}`);
  }
  return { file, input: parsed.data };
}

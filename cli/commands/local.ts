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

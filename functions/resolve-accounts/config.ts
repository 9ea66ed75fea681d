import type { PacedClientSettings } from '#shared/aws/clients.ts';
import {
  configReaders,
  type Env,
  readAdministratorId,
  readClientSettings,
  readWorkflowSettings,
} from '#shared/config.ts';
import type { WorkflowSettings } from '#shared/contracts.ts';
import { parseRegions, refuseOtherPartitions } from '#shared/domain/regions.ts';
import { DEFAULT_SERVICES, parseServices, type ServiceName } from '#shared/domain/services.ts';
import { ConfigurationError, InvalidInputError } from '#shared/errors.ts';
import { organizationsRegion } from '#shared/services/organizations.ts';

/** Settings of the first step, which resolves a trigger into a plan. */
export interface ResolveConfig {
  administratorId: string;
  /** The Region muster runs in (AWS_REGION): it decides the partition. */
  homeRegion: string;
  /** Regions a trigger or a manual input without "regions" works in (the stack's Regions parameter). */
  defaultRegions: string[];
  defaultServices: ServiceName[];
  /** Where the Organizations client is made: the partition's Organizations Region. */
  organizationsRegion: string;
  clients: PacedClientSettings;
  settings: WorkflowSettings;
}

/** A comma-separated variable, each item checked by `parse`; a bad item is a ConfigurationError. */
function list<T>(
  env: Env,
  name: string,
  fallback: string | undefined,
  parse: (values: string[], where: string) => T[],
): T[] {
  const text = fallback === undefined ? configReaders.required(env, name) : env[name]?.trim() || fallback;
  try {
    return parse(
      text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
      `environment variable ${name}`,
    );
  } catch (error) {
    if (error instanceof InvalidInputError) throw new ConfigurationError(error.message, { cause: error });
    throw error;
  }
}

export function readResolveConfig(env: Env): ResolveConfig {
  const homeRegion = configReaders.required(env, 'AWS_REGION');
  return {
    administratorId: readAdministratorId(env),
    homeRegion,
    defaultRegions: list(env, 'DEFAULT_REGIONS', undefined, (values, where) => {
      const regions = parseRegions(values, where);
      refuseOtherPartitions(regions, homeRegion, where);
      return regions;
    }),
    defaultServices: list(env, 'DEFAULT_SERVICES', DEFAULT_SERVICES.join(','), parseServices),
    organizationsRegion: organizationsRegion(homeRegion),
    clients: readClientSettings(env),
    settings: readWorkflowSettings(env),
  };
}

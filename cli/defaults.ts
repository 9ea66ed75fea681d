import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigurationError } from '../functions/shared/errors.ts';
import type { Io } from './io.ts';

/** What a user would otherwise repeat on every call. */
export interface Defaults {
  stackName?: string;
  region?: string;
  profile?: string;
}

const configFile = z.strictObject({
  stackName: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
});

/**
 * Where the config file is looked for, first found wins: ./.muster.json (the folder muster runs
 * in), then $XDG_CONFIG_HOME/muster/config.json ($HOME/.config when XDG_CONFIG_HOME is unset).
 */
export function configPaths(io: Pick<Io, 'cwd' | 'env'>): string[] {
  const home = io.env.XDG_CONFIG_HOME || (io.env.HOME ? join(io.env.HOME, '.config') : undefined);
  return [
    resolve(io.cwd, '.muster.json'),
    ...(home === undefined ? [] : [join(home, 'muster', 'config.json')]),
  ];
}

async function readConfig(path: string): Promise<Defaults | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigurationError(`${path}: cannot read it (${(error as Error).message})`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${path}: not a JSON document (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = configFile.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key =
      issue?.code === 'unrecognized_keys'
        ? issue.keys.map((k) => JSON.stringify(k)).join(', ')
        : issue?.path.join('.');
    throw new ConfigurationError(
      `${path}: ${key ? `${key}: ` : ''}${issue?.message ?? 'not a config'}; it takes "stackName", "region" and "profile", each a non-empty string`,
    );
  }
  return parsed.data;
}

/** The first config file found, or none. */
export async function loadConfigFile(io: Pick<Io, 'cwd' | 'env'>): Promise<Defaults> {
  for (const path of configPaths(io)) {
    const found = await readConfig(path);
    if (found !== undefined) return found;
  }
  return {};
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/**
 * The defaults for options not given on the command line: the environment (MUSTER_STACK_NAME,
 * AWS_REGION, AWS_PROFILE), then the config file. A flag beats both; the caller applies it.
 */
export async function loadDefaults(io: Pick<Io, 'cwd' | 'env'>): Promise<Defaults> {
  const file = await loadConfigFile(io);
  const stackName = nonEmpty(io.env.MUSTER_STACK_NAME) ?? file.stackName;
  const region = nonEmpty(io.env.AWS_REGION) ?? file.region;
  const profile = nonEmpty(io.env.AWS_PROFILE) ?? file.profile;
  return {
    ...(stackName === undefined ? {} : { stackName }),
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
  };
}

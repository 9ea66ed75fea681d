import type { PacedClientSettings } from './aws/clients.ts';
import type { WorkflowSettings } from './contracts.ts';
import { accountIdProblem } from './domain/account-id.ts';
import { SERVICE_NAMES, SERVICE_RULES, type ServiceName } from './domain/services.ts';
import { ConfigurationError } from './errors.ts';
import type { CreateOptions } from './services/administrator.ts';

export type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigurationError(
    `environment variable ${name} must be "true" or "false", got ${JSON.stringify(env[name])}`,
  );
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `environment variable ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export function readClientSettings(env: Env): PacedClientSettings {
  return {
    maxAttempts: integer(env, 'SDK_MAX_ATTEMPTS', 5, 1, 20),
    callsPerSecond: integer(env, 'CALLS_PER_SECOND', 10, 1, 100),
  };
}

export function readAdministratorId(env: Env): string {
  const id = required(env, 'ADMINISTRATOR_ACCOUNT_ID');
  const problem = accountIdProblem(id);
  if (problem !== undefined)
    throw new ConfigurationError(`environment variable ADMINISTRATOR_ACCOUNT_ID: ${problem}`);
  return id;
}

/** Settings of the administrator-side steps (create, invite, check members). */
export interface AdministratorConfig {
  clients: PacedClientSettings;
  /** Per service that emails its invitations: whether the stack turned those emails off. */
  disableEmailNotification: Partial<Record<ServiceName, boolean>>;
  invitationMessage?: string;
}

/** How `service`'s invitation emails are worded and whether they are sent, as the stack says. */
export function invitationOptions(config: AdministratorConfig, service: ServiceName): CreateOptions {
  return {
    disableEmailNotification: config.disableEmailNotification[service] ?? false,
    ...(config.invitationMessage === undefined ? {} : { message: config.invitationMessage }),
  };
}

export function readAdministratorConfig(env: Env): AdministratorConfig {
  const invitationMessage = optionalText(env, 'INVITATION_MESSAGE');
  for (const service of SERVICE_NAMES) {
    const { label, invitationMessageLimit: limit } = SERVICE_RULES[service];
    if (invitationMessage !== undefined && limit !== undefined && invitationMessage.length > limit)
      throw new ConfigurationError(
        `environment variable INVITATION_MESSAGE is longer than ${label} allows (${limit} characters)`,
      );
  }
  return {
    clients: readClientSettings(env),
    disableEmailNotification: Object.fromEntries(
      SERVICE_NAMES.flatMap((service) => {
        const variable = SERVICE_RULES[service].disableEmailNotificationVariable;
        return variable === undefined ? [] : [[service, flag(env, variable, false)]];
      }),
    ),
    ...(invitationMessage === undefined ? {} : { invitationMessage }),
  };
}

/**
 * Poll rounds an execution has at most after its first check. Each round adds history events (a
 * check, an invite, at most MAX_MEMBER_BATCHES member batches, a wait), so a longer
 * PollTimeoutMinutes waits longer between rounds instead of adding rounds: the bound's arithmetic
 * is in docs/benchmark.md, "History events".
 */
export const MAX_POLL_ROUNDS = 12;

/** The workflow's knobs, set from the stack parameters on the first step. */
export function readWorkflowSettings(env: Env): WorkflowSettings {
  const configuredInterval = integer(env, 'POLL_INTERVAL_SECONDS', 60, 1, 3600);
  const pollTimeoutMinutes = integer(env, 'POLL_TIMEOUT_MINUTES', 30, 1, 60);
  const pollIntervalSeconds = Math.max(
    configuredInterval,
    Math.ceil((pollTimeoutMinutes * 60) / MAX_POLL_ROUNDS),
  );
  return {
    maxConcurrency: integer(env, 'MAX_CONCURRENCY', 10, 1, 40),
    memberBatchSize: integer(env, 'MEMBER_BATCH_SIZE', 20, 1, 50),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 5, 1, 20),
    pollIntervalSeconds,
    maxPollRounds: Math.min(MAX_POLL_ROUNDS, Math.ceil((pollTimeoutMinutes * 60) / pollIntervalSeconds)),
  };
}

/** Where the functions keep what grows with the organization: the stack's report bucket. */
export interface ReportStoreSettings {
  bucket: string;
  region: string;
  /** AWS_ENDPOINT_URL_S3 is set (the local stand-in): path-style addresses. */
  customEndpoint: boolean;
}

export function readReportStoreSettings(env: Env): ReportStoreSettings {
  return {
    bucket: required(env, 'REPORT_BUCKET'),
    region: required(env, 'AWS_REGION'),
    customEndpoint: optionalText(env, 'AWS_ENDPOINT_URL_S3') !== undefined,
  };
}

export const configReaders = { required, optionalText, flag, integer };

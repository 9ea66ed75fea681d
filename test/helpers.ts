import type { DetectiveClient } from '@aws-sdk/client-detective';
import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AdministratorStepOutput } from '../functions/shared/contracts.ts';
import type { Telemetry } from '../functions/shared/engine.ts';
import { detectiveCreator, detectiveReader } from '../functions/shared/services/detective/administrator.ts';
import {
  guardDutyCreator,
  guardDutyInviter,
  guardDutyPlanner,
  guardDutyReader,
} from '../functions/shared/services/guardduty/administrator.ts';
import {
  securityHubCreator,
  securityHubInviter,
  securityHubReader,
} from '../functions/shared/services/securityhub/administrator.ts';

/** `count` account ids from `first` upwards, 12 digits each. */
export function accountIds(count: number, first = 100000000000): string[] {
  return Array.from({ length: count }, (_, index) => String(first + index));
}

export function accounts(count: number, first = 100000000000): { accountId: string; email: string }[] {
  return accountIds(count, first).map((accountId) => ({ accountId, email: `root+${accountId}@example.com` }));
}

/** Every account id a step output mentions, one entry per mention. */
export function settledIds(output: AdministratorStepOutput): string[] {
  return [
    ...Object.values(output.done).flatMap((ids) => ids ?? []),
    ...output.retry.map(({ accountId }) => accountId),
    ...output.failed.map(({ accountId }) => accountId),
  ];
}

/** An SDK-shaped service error, as the SDK raises it after its own retries. */
export function awsError(name: string, httpStatusCode: number, message = name): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode },
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
  });
}

/** Every capability of the Security Hub adapter, for use-case tests. */
export function securityHubAdministrator(client: SecurityHubClient) {
  return { ...securityHubReader(client), ...securityHubCreator(client), ...securityHubInviter(client) };
}

/** Every capability of the Detective adapter (it has no inviter), for use-case tests. */
export function detectiveAdministrator(client: DetectiveClient) {
  return { ...detectiveReader(client), ...detectiveCreator(client) };
}

/** Every capability of the GuardDuty adapter, for use-case tests. */
export function guardDutyAdministrator(client: GuardDutyClient) {
  return {
    ...guardDutyPlanner(client),
    ...guardDutyReader(client),
    ...guardDutyCreator(client),
    ...guardDutyInviter(client),
  };
}

/** Telemetry that records nothing, for use-case tests. */
export const silentTelemetry: Telemetry = { count: () => undefined };

import { DetectiveClient } from '@aws-sdk/client-detective';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { ClientSettings } from './aws/clients.ts';
import { perRegion, regionalClient } from './aws/clients.ts';
import type { AdministratorStepOutput } from './contracts.ts';
import type { ServiceName } from './domain/services.ts';
import { logger, tracer } from './observability.ts';
import type { AdministratorService } from './services/administrator.ts';
import { detectiveAdministrator } from './services/detective.ts';
import { securityHubAdministrator } from './services/securityhub.ts';

/** The administrator adapters of a Lambda container: one traced, rate-limited client per service and Region. */
export function administratorAdapters(
  settings: ClientSettings,
): (service: ServiceName, region: string) => AdministratorService {
  const securityHub = perRegion((region) =>
    securityHubAdministrator(tracer.captureAWSv3Client(regionalClient(SecurityHubClient, region, settings))),
  );
  const detective = perRegion((region) =>
    detectiveAdministrator(tracer.captureAWSv3Client(regionalClient(DetectiveClient, region, settings))),
  );
  return (service, region) => (service === 'securityhub' ? securityHub(region) : detective(region));
}

/** One log line per step with its counts; account ids of failures only (no emails). */
export function logStepOutput(step: string, output: AdministratorStepOutput): void {
  logger.info(`${step} finished`, {
    region: output.region,
    service: output.service,
    done: Object.fromEntries(
      Object.entries(output.done).map(([outcome, ids]) => [outcome, ids?.length ?? 0]),
    ),
    retry: output.retry.length,
    failed: output.failed.map(({ accountId, outcome, reason }) => ({ accountId, outcome, reason })),
  });
}

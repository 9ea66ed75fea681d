import { DetectiveClient } from '@aws-sdk/client-detective';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { perRegion, regionalClient } from '../shared/aws/clients.ts';
import { readClientSettings } from '../shared/config.ts';
import { logger, observed, recordCounts, tracer } from '../shared/observability.ts';
import { detectiveGraphLocator } from '../shared/services/detective.ts';
import { organizationsDirectory } from '../shared/services/organizations.ts';
import { securityHubLocator } from '../shared/services/securityhub.ts';
import { onFirstUse } from '../shared/wiring.ts';
import { readResolveConfig } from './config.ts';
import { resolveAccounts } from './resolve-accounts.ts';

/** One Lambda container's handler: the settings and clients it makes on first use are its own. */
export function createHandler() {
  const clients = onFirstUse(() => readClientSettings(process.env));
  const organizations = perRegion((region) =>
    organizationsDirectory(
      tracer.captureAWSv3Client(
        regionalClient(OrganizationsClient, region, { maxAttempts: clients().maxAttempts }),
      ),
    ),
  );
  const detective = perRegion((region) =>
    detectiveGraphLocator(tracer.captureAWSv3Client(regionalClient(DetectiveClient, region, clients()))),
  );
  const securityHub = perRegion((region) =>
    securityHubLocator(tracer.captureAWSv3Client(regionalClient(SecurityHubClient, region, clients()))),
  );
  return observed(async (event) => {
    const config = readResolveConfig(process.env);
    const plan = await resolveAccounts(event, {
      administratorId: config.administratorId,
      defaultRegions: config.defaultRegions,
      defaultServices: config.defaultServices,
      organizations: organizations(config.organizationsRegion),
      settings: config.settings,
      detective,
      securityHub,
    });
    recordCounts({ AccountsPlanned: plan.accountIds.length, AccountsSkipped: plan.skipped.length });
    // Counts and ids only: emails are personal data.
    logger.info('accounts resolved', {
      trigger: plan.trigger,
      dryRun: plan.dryRun,
      hasWork: plan.hasWork,
      accounts: plan.accountIds.length,
      skipped: plan.skipped,
      regions: plan.regions,
      services: plan.services,
      graphRegions: Object.keys(plan.graphArns),
      note: plan.note,
    });
    return plan;
  });
}

export const handler = createHandler();

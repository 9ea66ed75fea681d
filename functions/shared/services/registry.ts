import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  type ClientSettings,
  perRegion,
  type RegionalClientClass,
  type RetryingClient,
  regionalClient,
} from '../aws/clients.ts';
import { SERVICE_NAMES, SERVICE_RULES, type ServiceName, type ServiceRules } from '../domain/services.ts';
import { tracer } from '../observability.ts';
import type { AdministratorAdapter } from './administrator.ts';
import { detectiveAdministrator } from './detective/administrator.ts';
import { guardDutyAdministrator } from './guardduty/administrator.ts';
import { securityHubAdministrator } from './securityhub/administrator.ts';

/**
 * Makes one client of a service for the caller's Region and credentials: the caller decides how it
 * is signed, paced and traced; the registry only says which client a service needs.
 */
export type OpenClient = <C extends RetryingClient>(Client: RegionalClientClass<C>) => C;

/**
 * One service: its rules (statuses, texts, limits; pure, in domain/services.ts) and the adapter
 * that speaks its API as the administrator. The engine owns the algorithm (create, invite, accept,
 * confirm); an adapter fills in the calls, as Powertools' persistence layers fill in
 * BasePersistenceLayer's few methods. The member side has its own record (member-registry.ts):
 * the member role's bundle and policy must hold no administrator call.
 */
export interface ServiceSpec extends ServiceRules {
  /** The administrator side in one Region, on one client `open` makes. */
  administrator(open: OpenClient): AdministratorAdapter;
}

/** Every service muster manages. A new one is an entry here: the compiler names what it must fill in. */
export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  securityhub: {
    ...SERVICE_RULES.securityhub,
    administrator: (open) => securityHubAdministrator(open(SecurityHubClient)),
  },
  detective: {
    ...SERVICE_RULES.detective,
    administrator: (open) => detectiveAdministrator(open(DetectiveClient)),
  },
  guardduty: {
    ...SERVICE_RULES.guardduty,
    administrator: (open) => guardDutyAdministrator(open(GuardDutyClient)),
  },
};

/**
 * The administrator adapters of a Lambda container: one traced, rate-limited client per service and
 * Region, made on first use, each service's adapter built by its registry entry.
 */
export function administratorAdapters(
  settings: ClientSettings,
): (service: ServiceName, region: string) => AdministratorAdapter {
  const byService = Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      service,
      perRegion((region) =>
        SERVICES[service].administrator((Client) =>
          tracer.captureAWSv3Client(regionalClient(Client, region, settings)),
        ),
      ),
    ]),
  ) as Record<ServiceName, (region: string) => AdministratorAdapter>;
  return (service, region) => byService[service](region);
}

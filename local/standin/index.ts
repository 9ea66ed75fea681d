import { releaseEndpoints, withholdEndpoints } from './endpoints.ts';
import { LOCAL_REPORT_BUCKET } from './s3.ts';
import { loadScenario, parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';
import { type Inspection, StandInServer } from './server.ts';
import { World } from './world.ts';

export type { DetectiveRegionView, DetectiveStatus } from './detective.ts';
export { DETECTIVE_TEXTS } from './detective.ts';
export type { GuardDutyRegionView, GuardDutyStatus } from './guardduty.ts';
export { GUARDDUTY_TEXTS } from './guardduty.ts';
export type { HeldMemberships } from './memberships.ts';
export { HELD_MEMBERSHIPS } from './memberships.ts';
export { LOCAL_REPORT_BUCKET } from './s3.ts';
export type { Scenario, ScenarioAccount, ScenarioInput } from './scenario.ts';
export { loadScenario, parseScenario, ScenarioError } from './scenario.ts';
export type { SecurityHubRegionView, SecurityHubStatus } from './security-hub.ts';
export { SECURITY_HUB_TEXTS } from './security-hub.ts';
export type { Inspection } from './server.ts';
export type { InvitationRecord } from './stats.ts';

export interface StandInOptions {
  /** A scenario file path, or a scenario object (validated the same way). */
  scenario: string | Scenario | ScenarioInput;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Multiplies every scenario delay and latency: 0.01 turns a 60 s verification delay into 0.6 s. */
  timeScale?: number;
}

export interface StandIn {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly scenario: Scenario;
  /** AWS_ENDPOINT_URL_* for the six services, REPORT_BUCKET, dummy administrator credentials and AWS_REGION. */
  readonly env: Record<string, string>;
  inspect(): Inspection;
  resetCounters(): void;
  /**
   * Switches every fault off from now on: latency, throttling, 500s, forced unprocessed accounts,
   * verification and invitation delays, empty pages; late member roles exist at once. The
   * organization stays: conflicts, emails, disabled Regions, suspended accounts, missing roles.
   */
  clearFaults(): void;
  /** Makes an opt-in Region the scenario disabled for a member usable, as EnableRegion does once it completes. */
  enableRegion(accountId: string, region: string): void;
  /** The account leaves the organization (AccountDepartedOrganization): Organizations no longer knows it. */
  depart(accountId: string): void;
  /** Closes the listener and every open socket. */
  stop(): Promise<void>;
}

/** The access key the administrator's dummy credentials use; any key STS did not issue acts as the administrator. */
export const ADMINISTRATOR_ACCESS_KEY_ID = 'STANDIN-ADMINISTRATOR';

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0)) throw new RangeError(`timeScale must be 0 or more, got ${timeScale}`);
  const scenario =
    typeof options.scenario === 'string'
      ? await loadScenario(options.scenario)
      : parseScenario(options.scenario);
  const server = new StandInServer(new World(scenario, timeScale));
  const port = await server.listen(options.port ?? 0);
  withholdEndpoints(
    port,
    (['securityhub', 'detective', 'guardduty'] as const).flatMap((service) =>
      scenario.services[service].notOfferedRegions.map((region) => ({ service, region })),
    ),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    scenario,
    env: {
      AWS_ENDPOINT_URL_SECURITYHUB: endpoint,
      AWS_ENDPOINT_URL_DETECTIVE: endpoint,
      AWS_ENDPOINT_URL_GUARDDUTY: endpoint,
      AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
      REPORT_BUCKET: LOCAL_REPORT_BUCKET,
      AWS_ACCESS_KEY_ID: ADMINISTRATOR_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: 'standin-secret-access-key',
      AWS_REGION: scenario.regions[0] ?? 'us-east-1',
    },
    inspect: () => server.inspect(),
    resetCounters: () => server.world.stats.reset(),
    clearFaults: () => server.clearFaults(),
    enableRegion: (accountId, region) => server.world.enableRegion(accountId, region),
    depart: (accountId) => server.world.depart(accountId),
    stop: () => {
      releaseEndpoints(port);
      return server.stop();
    },
  };
}

import { createHash } from 'node:crypto';
import { ForcedUnprocessed, type ServiceName, seededRandom } from './faults.ts';
import type { Scenario, ScenarioAccount } from './scenario.ts';
import { Stats } from './stats.ts';
import type { Input } from './wire.ts';

/** What every service handler sees of one call. */
export interface Call {
  /** The account whose credentials signed the request. */
  caller: string;
  accessKeyId: string;
  region: string;
  /** The URL path without the query string, for services that carry fields in it (GuardDuty's detector id). */
  path: string;
  input: Input;
}

export interface RouteRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  /** The X-Amz-Target header (awsJson). */
  target: string | undefined;
  /** Body fields merged with query-string fields. */
  input: Record<string, unknown>;
}

export interface ServiceHandler {
  readonly name: ServiceName;
  /** The operation a request addresses, or undefined when the service has none there. */
  operation(request: RouteRequest): string | undefined;
  handle(operation: string, call: Call): object | undefined;
}

/** The scenario's accounts and Regions, the scaled clock, the seeded randomness and the counters. */
export class World {
  readonly scenario: Scenario;
  readonly administratorId: string;
  readonly regions: readonly string[];
  readonly accounts = new Map<string, ScenarioAccount>();
  readonly timeScale: number;
  readonly startedAt = Date.now();
  readonly random: () => number;
  forced: ForcedUnprocessed;
  readonly stats = new Stats();
  readonly #regions: Set<string>;
  readonly #disabled = new Map<string, Set<string>>();
  /** Accounts that left the organization (LEFT, REMOVED, or CLEANED once closed) since the scenario began. */
  readonly #departed = new Set<string>();
  #sequence = 0;
  #lastIso = { ms: Number.NaN, text: '' };

  constructor(scenario: Scenario, timeScale: number) {
    this.scenario = scenario;
    this.administratorId = scenario.administratorAccountId;
    this.regions = scenario.regions;
    this.#regions = new Set(scenario.regions);
    this.timeScale = timeScale;
    this.random = seededRandom(scenario.faults.seed);
    this.forced = new ForcedUnprocessed(scenario.faults.forceUnprocessed, this.random);
    for (const account of scenario.accounts) {
      this.accounts.set(account.accountId, account);
      if (account.disabledRegions.length > 0)
        this.#disabled.set(account.accountId, new Set(account.disabledRegions));
    }
  }

  now(): number {
    return Date.now();
  }

  /**
   * Switches every scenario fault off from now on and lets late member roles exist; what the
   * organization is (conflicts, emails, disabled Regions, suspended accounts, missing roles) stays.
   */
  clearFaults(): void {
    const { seed } = this.scenario.faults;
    Object.assign(this.scenario.faults, {
      latencyMs: 0,
      throttle: false,
      errorRate: 0,
      forceUnprocessed: undefined,
      verificationDelaySeconds: 0,
      invitationVisibleAfterSeconds: 0,
      emptyListPages: false,
      denied: [],
      seed,
    });
    this.forced = new ForcedUnprocessed(undefined, this.random);
    for (const account of this.scenario.accounts) delete account.memberRoleAppearsAfterSeconds;
  }

  /** The moment a scenario delay of `seconds` ends, counted from `from` (default now) and scaled by timeScale. */
  after(seconds: number, from = Date.now()): number {
    return from + seconds * 1000 * this.timeScale;
  }

  /** Enabled for the administrator means listed in `regions`; a member may also have it disabled. */
  regionEnabled(accountId: string, region: string): boolean {
    return this.#regions.has(region) && !(this.#disabled.get(accountId)?.has(region) ?? false);
  }

  /**
   * What Account Management's EnableRegion does for a member once it completes: the opt-in Region
   * becomes usable for the account (a test's mid-run change; the scenario keeps its starting state).
   */
  enableRegion(accountId: string, region: string): void {
    if (!this.#regions.has(region)) throw new RangeError(`${region} is not a Region of the scenario`);
    this.#disabled.get(accountId)?.delete(region);
  }

  /**
   * What a departure does to the organization: Organizations no longer lists or describes the account,
   * and the services stop treating it as an organization account (a test's mid-run change).
   */
  depart(accountId: string): void {
    if (!this.accounts.has(accountId)) throw new RangeError(`${accountId} is not an account of the scenario`);
    this.#departed.add(accountId);
  }

  /** Whether the account is still in the organization (an OUTSIDE account never was). */
  inOrganization(accountId: string): boolean {
    const joined = this.accounts.get(accountId)?.joinedMethod;
    return joined !== undefined && joined !== 'OUTSIDE' && !this.#departed.has(accountId);
  }

  /** Organization accounts are added directly, without invitation, when the caller is the delegated administrator. */
  managedByOrganization(administratorId: string, accountId: string): boolean {
    const joined = this.accounts.get(accountId)?.joinedMethod;
    return (
      !this.#departed.has(accountId) &&
      administratorId === this.administratorId &&
      this.scenario.delegatedAdministrator &&
      joined !== undefined &&
      joined !== 'OUTSIDE'
    );
  }

  /** Suspended, closing and not-yet-active accounts cannot be reached or enrolled; unknown ones are not known to be. */
  active(accountId: string): boolean {
    const state = this.accounts.get(accountId)?.state;
    return state === undefined || state === 'ACTIVE';
  }

  /** Expands a region list of the scenario ('all' or names) into the names. */
  expand(list: string[] | 'all'): string[] {
    return list === 'all' ? [...this.regions] : list;
  }

  /** Deterministic hex ids (invitation ids, graph ids): reproducible across runs. */
  hexId(...parts: string[]): string {
    this.#sequence += 1;
    return createHash('md5')
      .update(`${parts.join(':')}:${this.#sequence}`)
      .digest('hex');
  }

  iso(ms: number): string {
    // An answer's members mostly share one time (the call that made or changed them): Detective's
    // 680 member calls of a default bench format about 70,000 timestamps, 50 ms of the stand-in's CPU.
    if (ms !== this.#lastIso.ms) this.#lastIso = { ms, text: new Date(ms).toISOString() };
    return this.#lastIso.text;
  }
}

/** A service's state in one Region of the scenario; the server refuses other Regions before any handler runs. */
export function regionState<S>(regions: ReadonlyMap<string, S>, region: string): S {
  const state = regions.get(region);
  if (state === undefined) throw new Error(`Region ${region} is not in the scenario`);
  return state;
}

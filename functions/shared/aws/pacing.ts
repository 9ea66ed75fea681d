import { SERVICE_NAMES, SERVICE_RULES, type ServiceName } from '../domain/services.ts';
import { type Clock, RateLimiter, realClock } from './rate-limit.ts';

/**
 * What one step's calls left of the administrator's bucket for one service in one Region, handed to
 * the next step through the state: each Lambda container keeps buckets of its own, while AWS keeps one
 * per account, Region and service (docs/aws-facts.md, Pacing: a token bucket per account, Region and service).
 */
export interface CarriedPace {
  service: ServiceName;
  region: string;
  /** Tokens left at `at`, rounded down. */
  tokens: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Each service of a bucket's API (the SDK's service id, as the buckets are keyed). */
const SERVICE_OF_API = new Map(
  SERVICE_NAMES.map((service) => [SERVICE_RULES[service].sdkServiceId, service]),
);

interface Entry {
  api: string;
  region: string;
  limiter: RateLimiter;
}

/**
 * The administrator's token buckets of one Lambda container, one per API and Region. A step that
 * follows another on the same pairs starts from what that step left (`adopt`) rather than from a full
 * bucket, and hands on what it leaves (`carried`): two numbers a pair, whatever the organization's size.
 */
export class Pacing {
  readonly #entries = new Map<string, Entry>();
  #adopted = new Set<string>();
  /** When the current invocation adopted its buckets (the clock's time). */
  #since = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly callsPerSecond: number,
    private readonly clock: Clock = realClock,
    private readonly epoch: () => number = Date.now,
  ) {}

  /** The one limiter of `api` (the SDK's service id) in `region` in this container. */
  limiter(api: string, region: string): RateLimiter {
    return this.#entry(api, region).limiter;
  }

  /**
   * An invocation starts: each bucket holds no more than what the steps before it left, refilled
   * since (the lowest, when several say). A bucket nothing says about is left as it is.
   */
  adopt(carried: readonly CarriedPace[]): void {
    this.#since = this.clock.now();
    this.#adopted = new Set();
    const now = this.epoch();
    for (const { service, region, tokens, at } of carried) {
      const api = SERVICE_RULES[service].sdkServiceId;
      const { limiter } = this.#entry(api, region);
      const { perSecond, burst } = limiter.rate;
      // Two Lambdas' clocks may disagree a little: a level stamped in the future has refilled nothing.
      limiter.bucket.lower(Math.min(burst, tokens + (Math.max(0, now - at) * perSecond) / 1000));
      this.#adopted.add(keyOf(api, region));
    }
  }

  /** What this invocation leaves for the next step: each bucket it was handed or took a token from. */
  carried(): CarriedPace[] {
    const at = this.epoch();
    const carried: CarriedPace[] = [];
    for (const [key, { api, region, limiter }] of this.#entries) {
      const service = SERVICE_OF_API.get(api);
      if (service === undefined) continue;
      if (!this.#adopted.has(key) && !((limiter.lastAsked ?? Number.NEGATIVE_INFINITY) >= this.#since))
        continue;
      // Rounded down: the next step never counts on a token this one did not leave.
      carried.push({
        service,
        region,
        tokens: Math.max(0, Math.floor(limiter.bucket.level() * 100) / 100),
        at,
      });
    }
    return carried;
  }

  #entry(api: string, region: string): Entry {
    const key = keyOf(api, region);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { api, region, limiter: new RateLimiter(this.callsPerSecond, this.clock) };
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

function keyOf(api: string, region: string): string {
  return `${api} ${region}`;
}

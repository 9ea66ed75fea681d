import type { Scenario } from './scenario.ts';

export type ServiceName = 'securityhub' | 'detective' | 'guardduty' | 'organizations' | 'sts';

/** The services whose memberships the stand-in keeps. */
export type MemberService = 'securityhub' | 'detective' | 'guardduty';

/**
 * Starts every unprocessed-account text the stand-in makes up. AWS publishes no text for those
 * cases, so muster reports them FAILED with these words, as it would any unknown text from AWS
 * (local/standin/README.md, "Unprocessed-account texts").
 */
export const INVENTED = "Stand-in text, not AWS's: ";

/** What forceUnprocessed answers unless told otherwise: AWS's own text for an account to send again. */
export const MAXIMUM_EXCEEDED = 'Maximum number of results exceeded';

/** mulberry32: a tiny seeded generator, so a scenario with a seed replays the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Bucket {
  ratePerSecond: number;
  burst: number;
}

// Security Hub: 10 requests/s, burst 30, taken per account per Region (docs/aws-facts.md, Security Hub).
// Detective and GuardDuty publish none for their member APIs: same.
const AWS_RATES: Partial<Record<ServiceName, Bucket>> = {
  securityhub: { ratePerSecond: 10, burst: 30 },
  detective: { ratePerSecond: 10, burst: 30 },
  guardduty: { ratePerSecond: 10, burst: 30 },
};

/** Token buckets per service, account and Region, refilled lazily on each call. */
export class Throttle {
  readonly #rates: Partial<Record<ServiceName, Bucket>>;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(setting: Scenario['faults']['throttle']) {
    this.#rates = setting === true ? AWS_RATES : setting === false ? {} : setting;
  }

  /** Takes one token; false means the call is throttled. */
  take(service: ServiceName, accountId: string, region: string, now: number): boolean {
    const rate = this.#rates[service];
    if (rate === undefined) return true;
    const key = `${service}|${accountId}|${region}`;
    const bucket = this.#buckets.get(key) ?? { tokens: rate.burst, at: now };
    // Calls are stamped when they arrive and counted when reached, so one may come stamped a moment
    // before the last one counted: it finds the bucket as that one left it.
    bucket.tokens = Math.min(
      rate.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate.ratePerSecond,
    );
    bucket.at = Math.max(bucket.at, now);
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/** Decides which accounts a CreateMembers/InviteMembers call leaves unprocessed on purpose. */
export class ForcedUnprocessed {
  readonly #setting: Scenario['faults']['forceUnprocessed'];
  readonly #random: () => number;
  #remaining: number;

  constructor(setting: Scenario['faults']['forceUnprocessed'], random: () => number) {
    this.#setting = setting;
    this.#random = random;
    this.#remaining = setting?.count ?? 0;
  }

  /** The reason to report, or undefined when this account is processed normally. */
  reasonFor(service: MemberService): string | undefined {
    const s = this.#setting;
    if (s === undefined || !s.services.includes(service)) return undefined;
    if (this.#remaining > 0) {
      this.#remaining -= 1;
      return s.reason;
    }
    if (s.probability !== undefined && this.#random() < s.probability) return s.reason;
    return undefined;
  }
}

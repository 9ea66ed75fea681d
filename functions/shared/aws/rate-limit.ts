import type { MiddlewareStack } from '@smithy/types';

/** A token bucket's settings: tokens added per second, and how many it holds (the burst). */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * Security Hub's operations with a rate of their own, below the 10 requests/s, burst 30 of every
 * other operation (docs/aws-facts.md, Pacing: a token bucket per account, Region and service).
 * muster calls none of them today; a call added later is paced as AWS rates it.
 */
export const LOWER_RATES: Readonly<Record<string, Rate>> = {
  BatchEnableStandards: { perSecond: 1, burst: 1 },
  UpdateStandardsControl: { perSecond: 1, burst: 5 },
  GetFindings: { perSecond: 3, burst: 6 },
};

/** AWS's burst is three seconds of its rate (10 requests/s, burst 30): a lower setting keeps that ratio. */
export const BURST_SECONDS = 3;

export type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Called when a paced call's answer (or error) comes back. */
export type Answered = () => void;

/**
 * How long after its token was taken a call is assumed to have reached AWS, at most: its answer can
 * come much later (CreateMembers of 50 accounts may take seconds), and that wait is no lag of ours.
 * Locally, with every Lambda in one process on a busy machine, calls left more than 250 ms after
 * their token (docs/benchmark.md, "Latest runs (wave 7)").
 */
export const ARRIVAL_WITHIN_MS = 1000;

/**
 * A token bucket: `burst` calls at once, then `perSecond`. Each call reserves its token when it
 * asks, going into debt when the bucket is empty and waiting until the debt is paid, so waiting
 * calls go in the order they asked and none wakes only to wait again.
 *
 * AWS's bucket is not ours: it takes a token when the call arrives, which can be well after we took
 * ours (the call still has to be written to its connection). That matters while a bucket is full:
 * ours starts refilling when we take a token, AWS's only when a call reaches it, and the refill a
 * full bucket cannot hold is lost. So when the answer comes back (by when the call surely arrived)
 * to a call taken with nothing else in flight, ours gives back what AWS's may have lost meanwhile:
 * the refill since that token was taken, up to ARRIVAL_WITHIN_MS, beyond the room the bucket had
 * then. The calls taken while it was in flight give nothing back: AWS's bucket was below full once
 * it arrived (docs/aws-facts.md, Pacing: a token bucket per account, Region and service).
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;
  /** Calls taken whose answer has not come back. */
  private inFlight = 0;

  constructor(
    private readonly rate: Rate,
    private readonly clock: Clock = realClock,
  ) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1))
      throw new RangeError(
        `a token bucket needs a rate above 0 and a burst of at least 1, got ${rate.perSecond}/s, burst ${rate.burst}`,
      );
    this.tokens = rate.burst;
    this.updated = clock.now();
  }

  private refill(now: number): void {
    this.tokens = Math.min(
      this.rate.burst,
      this.tokens + ((now - this.updated) * this.rate.perSecond) / 1000,
    );
    this.updated = now;
  }

  /** The tokens it holds now (below 0 while calls wait for their turn). */
  level(): number {
    this.refill(this.clock.now());
    return this.tokens;
  }

  /** Holds no more than `tokens` now: what another Lambda's calls left of AWS's bucket. */
  lower(tokens: number): void {
    this.refill(this.clock.now());
    this.tokens = Math.min(this.tokens, tokens);
  }

  /** Waits for a token; what it resolves to is called when the call's answer comes back. */
  async take(): Promise<Answered> {
    const taken = this.clock.now();
    this.refill(taken);
    const first = this.inFlight === 0;
    const room = this.rate.burst - this.tokens;
    this.tokens -= 1;
    this.inFlight += 1;
    if (this.tokens < 0) await this.clock.sleep((-this.tokens * 1000) / this.rate.perSecond);
    return () => {
      this.inFlight -= 1;
      if (!first) return;
      const answered = this.clock.now();
      const onItsWay = Math.min(answered - taken, ARRIVAL_WITHIN_MS);
      const lost = (onItsWay * this.rate.perSecond) / 1000 - room;
      if (lost <= 0) return;
      this.refill(answered);
      this.tokens -= lost;
    };
  }
}

/**
 * The buckets of one client, that is of one (account, Region, service): one shared by every
 * operation, and one more for each operation AWS rates lower, which also takes from the shared one.
 */
export class RateLimiter {
  private readonly shared: TokenBucket;
  private readonly own = new Map<string, TokenBucket>();
  /** When a call last asked for a token (the clock's time), or undefined before the first. */
  lastAsked: number | undefined;

  constructor(
    private readonly callsPerSecond: number,
    private readonly clock: Clock = realClock,
    private readonly lowerRates: Readonly<Record<string, Rate>> = LOWER_RATES,
  ) {
    if (!(callsPerSecond >= 1))
      throw new RangeError(`rate limit must be at least 1 call per second, got ${callsPerSecond}`);
    this.shared = new TokenBucket(
      { perSecond: callsPerSecond, burst: callsPerSecond * BURST_SECONDS },
      clock,
    );
  }

  /**
   * Waits until `operation` (an API operation name, such as `GetMembers`) may be called; what it
   * resolves to is called when the call's answer comes back.
   */
  async take(operation: string): Promise<Answered> {
    this.lastAsked = this.clock.now();
    const lower = Object.hasOwn(this.lowerRates, operation) ? this.lowerRates[operation] : undefined;
    if (lower !== undefined) {
      let bucket = this.own.get(operation);
      if (bucket === undefined) {
        bucket = new TokenBucket(
          {
            perSecond: Math.min(lower.perSecond, this.callsPerSecond),
            burst: Math.min(lower.burst, this.callsPerSecond * BURST_SECONDS),
          },
          this.clock,
        );
        this.own.set(operation, bucket);
      }
      const own = await bucket.take();
      const shared = await this.shared.take();
      return () => {
        own();
        shared();
      };
    }
    return this.shared.take();
  }

  /** The bucket every operation takes from: what muster carries from one Lambda to the next. */
  get bucket(): Pick<TokenBucket, 'level' | 'lower'> {
    return this.shared;
  }

  /** Its settings: the burst caps what a carried level may have refilled to. */
  get rate(): Rate {
    return { perSecond: this.callsPerSecond, burst: this.callsPerSecond * BURST_SECONDS };
  }
}

/** Any AWS SDK v3 client, whatever its command types. */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack, whatever its command types
export type SdkClient = { middlewareStack: MiddlewareStack<any, any> };

/** Makes every attempt of every command of `client` wait for `limiter`. */
export function limitRate<C extends SdkClient>(client: C, limiter: RateLimiter): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // The SDK names each command's operation in its handler context ("GetMembersCommand").
      const answered = await limiter.take(String(context.commandName ?? '').replace(/Command$/, ''));
      try {
        return await next(args);
      } finally {
        answered();
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'musterRateLimit' },
  );
  return client;
}

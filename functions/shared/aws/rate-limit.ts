import type { MiddlewareStack } from '@smithy/types';

/**
 * Allows at most `limit` calls in any rolling window of `windowMs`. Security Hub allows 10 requests/s, taken
 * per account per Region (docs/aws-facts.md, Security Hub); the SDK's own retries count too, so the limiter
 * sits inside the retry loop.
 */
export class RateLimiter {
  private readonly recent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(limit >= 1)) throw new RangeError(`rate limit must be at least 1 call per window, got ${limit}`);
  }

  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - this.windowMs) this.recent.shift();
      if (this.recent.length < this.limit) {
        this.recent.push(now);
        return;
      }
      await this.sleep((this.recent[0] ?? now) + this.windowMs - now);
    }
  }
}

/** Any AWS SDK v3 client, whatever its command types. */
// biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack, whatever its command types
export type SdkClient = { middlewareStack: MiddlewareStack<any, any> };

/** Makes every attempt of every command of `client` wait for `limiter`. */
export function limitRate<C extends SdkClient>(client: C, limiter: RateLimiter): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      await limiter.take();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'musterRateLimit' },
  );
  return client;
}

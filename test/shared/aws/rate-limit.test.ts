import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { regionalClient } from '../../../functions/shared/aws/clients.ts';
import { limitRate, RateLimiter } from '../../../functions/shared/aws/rate-limit.ts';

/** A clock that only moves when the limiter sleeps. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('RateLimiter', () => {
  it('lets at most 10 calls through in any one-second window', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(10, 1000, clock.now, clock.sleep);
    const times: number[] = [];
    for (let call = 0; call < 35; call += 1) {
      await limiter.take();
      times.push(clock.now());
    }
    for (const [index, time] of times.entries()) {
      const inWindow = times.filter((other, otherIndex) => otherIndex <= index && other > time - 1000);
      expect(inWindow.length).toBeLessThanOrEqual(10);
    }
    expect(times.at(-1)).toBe(3000);
  });

  it('rejects a limit below one call', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });

  it('adds itself to an SDK client once, inside the retry loop', () => {
    const client = limitRate(new SecurityHubClient({ region: 'us-east-1' }), new RateLimiter(10));
    const entry = client.middlewareStack.identify().filter((name) => name.startsWith('musterRateLimit'));
    expect(entry).toEqual(['musterRateLimit - finalizeRequest']);
  });

  it('limits membership clients only: without callsPerSecond a client is paced by SDK backoff alone', () => {
    const limited = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 3, callsPerSecond: 10 });
    const unlimited = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 3 });
    const named = (client: SecurityHubClient) =>
      client.middlewareStack.identify().filter((name) => name.startsWith('musterRateLimit'));
    expect(named(limited)).toHaveLength(1);
    expect(named(unlimited)).toEqual([]);
  });

  it("resolves each command's middleware once and drops the SDK's log filtering, which its no-op logger discards", () => {
    const client = regionalClient(SecurityHubClient, 'us-east-1', { maxAttempts: 3, callsPerSecond: 10 });
    expect(client.config.cacheMiddleware).toBe(true);
    expect(client.middlewareStack.identify().filter((name) => name.startsWith('loggerMiddleware'))).toEqual(
      [],
    );
  });
});

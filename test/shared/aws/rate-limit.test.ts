import {
  BatchEnableStandardsCommand,
  GetMembersCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { regionalClient, sharedLimiter } from '../../../functions/shared/aws/clients.ts';
import {
  type Answered,
  ARRIVAL_WITHIN_MS,
  limitRate,
  RateLimiter,
  TokenBucket,
} from '../../../functions/shared/aws/rate-limit.ts';
import { fakeClock, times } from './fake-clock.ts';

describe('TokenBucket', () => {
  it.each([
    // AWS's "10 requests per second, burst 30": 30 at once, then one every 100 ms.
    [{ perSecond: 10, burst: 30 }, 33, [...Array(30).fill(0), 100, 200, 300]],
    // "1 request per second, burst 1" (BatchEnableStandards).
    [{ perSecond: 1, burst: 1 }, 3, [0, 1000, 2000]],
    // "1 request per second, burst 5" (UpdateStandardsControl).
    [{ perSecond: 1, burst: 5 }, 7, [0, 0, 0, 0, 0, 1000, 2000]],
  ])('at %o lets %i calls through at %o ms', async (rate, calls, expected) => {
    const clock = fakeClock();
    const bucket = new TokenBucket(rate, clock);
    expect(await times(() => bucket.take(), clock, calls)).toEqual(expected);
  });

  it('takes 100 calls at 10/s, burst 30 in 7 seconds, and never more than 40 in one second', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    const seen = await times(() => bucket.take(), clock, 100);
    expect(seen.at(-1)).toBe(7000);
    for (const time of seen)
      expect(seen.filter((other) => other >= time && other < time + 1000).length).toBeLessThanOrEqual(40);
  });

  it('fills again while idle, up to its burst and no further', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    await times(() => bucket.take(), clock, 30);
    clock.advance(60_000);
    const start = clock.now();
    const seen = await times(() => bucket.take(), clock, 31);
    expect(seen.filter((time) => time === start)).toHaveLength(30);
    expect(seen.at(-1)).toBe(start + 100);
  });

  it('makes calls that ask at the same moment wait their turn, in order, without waking early', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(
      { perSecond: 10, burst: 2 },
      {
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(waits).toEqual([100, 200, 300]);
    now = 300;
    await bucket.take();
    expect(waits.at(-1)).toBe(100);
  });

  it("gives back the refill counted while a call that found the bucket full was on its way: AWS's bucket started when it arrived", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    // 25 calls at 0 ms; the first found the bucket full, and its answer comes back at 80 ms.
    const answers = [];
    for (let call = 0; call < 25; call += 1) answers.push(await bucket.take());
    clock.advance(80);
    for (const answered of answers) answered();
    // At 500 ms ours would hold 5 + 5 = 10 tokens; AWS's, full until the first call arrived (by 80 ms), 9.2.
    clock.advance(420);
    const start = clock.now();
    expect((await times(() => bucket.take(), clock, 10)).map((time) => time - start)).toEqual([
      ...Array(9).fill(0),
      80,
    ]);
  });

  it('gives back only the refill beyond the room the bucket had when the token was taken', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    // Answered at once: nothing to give back.
    (await bucket.take())();
    clock.advance(10);
    // 29.1 tokens before this take: room for 0.9 of refill before AWS's bucket would be full.
    const answered = await bucket.take();
    clock.advance(140);
    // 1.4 tokens of refill while the call was on its way: AWS's may have lost the 0.5 past its room.
    answered();
    const start = clock.now();
    // 28.1 + 1.4 - 0.5 = 29 at 150 ms: 29 at once, the 30th one token later (50 ms later without it).
    expect((await times(() => bucket.take(), clock, 30)).map((time) => time - start)).toEqual([
      ...Array(29).fill(0),
      100,
    ]);
  });

  it('counts at most ARRIVAL_WITHIN_MS of a slow answer as the call being on its way', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    const answered = await bucket.take();
    // CreateMembers answering after 3 s: the call reached AWS long before; 10 tokens given back, not 30.
    clock.advance(3000);
    answered();
    const start = clock.now();
    // 29 + 30, held to 30, less 10: 20 calls at once, the 21st one token later.
    expect(ARRIVAL_WITHIN_MS).toBe(1000);
    expect((await times(() => bucket.take(), clock, 21)).map((time) => time - start)).toEqual([
      ...Array(20).fill(0),
      100,
    ]);
  });

  it("gives nothing back for a call taken while another was in flight: AWS's bucket was below full once that one arrived", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ perSecond: 10, burst: 30 }, clock);
    const first = await bucket.take();
    const second = await bucket.take();
    clock.advance(100);
    first();
    clock.advance(400);
    // The second was 0.5 s on its way (4 tokens past its room of 1): nothing given back for it.
    second();
    const start = clock.now();
    // 28 at 0, 29 at 100 ms less the first's 1 given back, 32 at 500 ms, held to 30: all 30 at once.
    expect((await times(() => bucket.take(), clock, 30)).map((time) => time - start)).toEqual(
      Array(30).fill(0),
    );
  });

  it.each([
    [{ perSecond: 0, burst: 30 }],
    [{ perSecond: 10, burst: 0 }],
    [{ perSecond: Number.NaN, burst: 1 }],
  ])('rejects %o, naming it', (rate) => {
    expect(() => new TokenBucket(rate)).toThrow(
      /token bucket needs a rate above 0 and a burst of at least 1/,
    );
  });
});

describe('RateLimiter', () => {
  it.each([
    // Every operation muster calls shares the client's bucket: 10/s, burst 30.
    ['GetMembers', 10, 32, [...Array(30).fill(0), 100, 200]],
    // CALLS_PER_SECOND 5 keeps AWS's three seconds of burst.
    ['CreateMembers', 5, 16, [...Array(15).fill(0), 200]],
    // An operation AWS rates lower gets its own bucket as well.
    ['BatchEnableStandards', 10, 3, [0, 1000, 2000]],
    ['GetFindings', 10, 8, [0, 0, 0, 0, 0, 0, 333, 667]],
    // Never above the setting: at 1 call per second, UpdateStandardsControl's burst is 3, not 5.
    ['UpdateStandardsControl', 1, 5, [0, 0, 0, 1000, 2000]],
  ])('paces %s at CALLS_PER_SECOND %i: %i calls at %o ms', async (operation, perSecond, calls, expected) => {
    const clock = fakeClock();
    const limiter = new RateLimiter(perSecond, clock);
    expect(await times(() => limiter.take(operation), clock, calls)).toEqual(expected);
  });

  it("counts a lower-rated operation's calls in the client's shared bucket too", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(10, clock);
    await times(() => limiter.take('GetFindings'), clock, 6);
    expect(await times(() => limiter.take('GetMembers'), clock, 24)).toEqual(Array(24).fill(0));
    expect(await times(() => limiter.take('GetMembers'), clock, 1)).toEqual([100]);
  });

  it('rejects a limit below one call a second', () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });

  it('adds itself to an SDK client once, inside the retry loop', () => {
    const client = limitRate(new SecurityHubClient({ region: 'us-east-1' }), new RateLimiter(10));
    const entry = client.middlewareStack.identify().filter((name) => name.startsWith('musterRateLimit'));
    expect(entry).toEqual(['musterRateLimit - finalizeRequest']);
  });

  it('asks the limiter for the operation each command calls', async () => {
    const asked: string[] = [];
    const answered: string[] = [];
    class Recording extends RateLimiter {
      override async take(operation: string): Promise<Answered> {
        asked.push(operation);
        return () => answered.push(operation);
      }
    }
    const client = limitRate(
      new SecurityHubClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
      new Recording(10),
    );
    // Answers before the request leaves the process.
    client.middlewareStack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), {
      step: 'deserialize',
      priority: 'high',
    });
    await client.send(new GetMembersCommand({ AccountIds: ['111111111111'] }));
    await client.send(new BatchEnableStandardsCommand({ StandardsSubscriptionRequests: [] }));
    expect(asked).toEqual(['GetMembers', 'BatchEnableStandards']);
    // Each call tells the limiter when its answer came back.
    expect(answered).toEqual(['GetMembers', 'BatchEnableStandards']);
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

describe('sharedLimiter', () => {
  it('returns one limiter per identity, service, Region and rate, as AWS keeps one bucket per account and Region', () => {
    const own = {};
    const member = {};
    const limiter = sharedLimiter(own, 'SecurityHub', 'us-east-1', 10);
    expect(sharedLimiter(own, 'SecurityHub', 'us-east-1', 10)).toBe(limiter);
    for (const other of [
      sharedLimiter(member, 'SecurityHub', 'us-east-1', 10),
      sharedLimiter(own, 'DetectiveClient', 'us-east-1', 10),
      sharedLimiter(own, 'SecurityHub', 'eu-west-1', 10),
      sharedLimiter(own, 'SecurityHub', 'us-east-1', 5),
    ])
      expect(other).not.toBe(limiter);
  });
});

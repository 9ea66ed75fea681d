import { describe, expect, it } from 'vitest';
import { type CarriedPace, Pacing } from '../../../functions/shared/aws/pacing.ts';
import type { ServiceName } from '../../../functions/shared/domain/services.ts';
import { fakeClock, times } from './fake-clock.ts';

/** Where the fake clock's 0 is on the epoch. */
const EPOCH = 1_800_000_000_000;

function container() {
  const clock = fakeClock();
  const pacing = new Pacing(10, clock, () => EPOCH + clock.now());
  return { clock, pacing };
}

const pace = (
  tokens: number,
  at: number,
  service: ServiceName = 'securityhub',
  region = 'us-east-1',
): CarriedPace => ({
  service,
  region,
  tokens,
  at,
});

describe("Pacing: each step starts from what the steps before it left of AWS's bucket", () => {
  it.each([
    // A fresh container's bucket is full.
    ['nothing carried', [], 30],
    // Create Members left 2 tokens half a second ago: 2, and 5 refilled since.
    ['what the last step left, refilled since', [pace(2, EPOCH - 500)], 7],
    // Several steps say: the lowest level, each refilled to now, counts (9 + 20, 1, 20).
    ['the lowest of several', [pace(9, EPOCH - 2000), pace(1, EPOCH), pace(20, EPOCH)], 1],
    // A stamp from a clock ahead of this one has refilled nothing.
    ['a stamp in the future', [pace(1, EPOCH + 5000)], 1],
    // Refilled past the burst: full, as a fresh bucket.
    ['refilled past the burst', [pace(0, EPOCH - 60_000)], 30],
    // Another API's or Region's bucket is not this one.
    ['other buckets', [pace(0, EPOCH, 'detective'), pace(0, EPOCH, 'securityhub', 'eu-west-1')], 30],
  ])('%s', (_, carried: CarriedPace[], level: number) => {
    const { pacing } = container();
    pacing.adopt(carried);
    expect(pacing.limiter('SecurityHub', 'us-east-1').bucket.level()).toBe(level);
  });

  it('paces the calls after what it was handed: 7 at once, then 10 a second', async () => {
    const { clock, pacing } = container();
    pacing.adopt([pace(2, EPOCH - 500)]);
    const limiter = pacing.limiter('SecurityHub', 'us-east-1');
    expect(await times(() => limiter.take('GetMembers'), clock, 9)).toEqual([0, 0, 0, 0, 0, 0, 0, 100, 200]);
  });

  it("hands on each service's bucket it was given or took from in this invocation, rounded down, stamped now", async () => {
    const { clock, pacing } = container();
    // An earlier invocation of this container used eu-west-1; this one is not about it.
    await pacing.limiter('SecurityHub', 'eu-west-1').take('GetMembers');
    clock.advance(10);
    pacing.adopt([pace(3.339, EPOCH + 10, 'detective')]);
    const securityHub = pacing.limiter('SecurityHub', 'us-east-1');
    for (let call = 0; call < 29; call += 1) await securityHub.take('CreateMembers');
    pacing.limiter('GuardDuty', 'us-east-1');
    // An API no service of muster's uses is not handed on.
    await pacing.limiter('Organizations', 'us-east-1').take('ListAccounts');
    clock.advance(50);

    expect(pacing.carried()).toEqual([
      // 3.339 + 0.5 refilled, rounded down
      pace(3.83, EPOCH + 60, 'detective'),
      // 30 - 29 + 0.5 refilled
      pace(1.5, EPOCH + 60),
    ]);
  });

  it('hands on no negative level, and a warm container keeps its own level when handed an older, higher one', async () => {
    const { clock, pacing } = container();
    pacing.adopt([pace(0, EPOCH)]);
    await pacing.limiter('SecurityHub', 'us-east-1').take('GetMembers');
    expect(pacing.carried()).toEqual([pace(0, EPOCH + 100)]);
    clock.advance(1000);
    // The next invocation of the same container: 25 + 11 refilled is more than its own 0 + 10.
    pacing.adopt([pace(25, EPOCH)]);
    expect(pacing.carried()).toEqual([pace(10, EPOCH + 1100)]);
  });
});

/** A clock that only moves when told to or when a caller sleeps (callers here wait one after another). */
export function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The clock's time at which each of `calls` calls, made one after another, got through. */
export async function times(
  take: () => Promise<unknown>,
  clock: ReturnType<typeof fakeClock>,
  calls: number,
) {
  const seen: number[] = [];
  for (let call = 0; call < calls; call += 1) {
    await take();
    seen.push(Math.round(clock.now()));
  }
  return seen;
}

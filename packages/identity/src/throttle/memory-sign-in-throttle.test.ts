import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createMemorySignInThrottle } from './memory-sign-in-throttle.ts';
import { throttleKeys } from './sign-in-throttle.ts';

const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowMs: 60_000 };

function setup() {
  const clock = new ManualClock(1_000_000);
  return { clock, throttle: createMemorySignInThrottle({ clock }) };
}

describe('sign-in throttle', () => {
  it('throttle - given max failures in the window, when checked, then refused until the oldest leaves', async () => {
    const { clock, throttle } = setup();
    const keys = throttleKeys(limits, 'a@x.io', '10.0.0.1');
    for (let i = 0; i < 3; i++) {
      expect(await throttle.check(keys)).toEqual({ allowed: true });
      await throttle.recordFailure(keys);
      clock.advance(10_000);
    }
    // Failures at t=0, 10 s, 20 s; now t=30 s: the first leaves the window at t=60 s.
    expect(await throttle.check(keys)).toEqual({ allowed: false, retryAfterMs: 30_000 });
    clock.advance(29_999);
    expect((await throttle.check(keys)).allowed).toBe(false);
    clock.advance(1);
    expect(await throttle.check(keys)).toEqual({ allowed: true });
  });

  it('throttle - a failure while blocked extends the block (sliding window)', async () => {
    const { clock, throttle } = setup();
    const keys = throttleKeys(limits, 'a@x.io', undefined);
    for (let i = 0; i < 3; i++) await throttle.recordFailure(keys);
    clock.advance(50_000);
    await throttle.recordFailure(keys);
    // Last three failures: t=0, 0, 50 s → blocked until the second leaves at t=60 s.
    expect(await throttle.check(keys)).toEqual({ allowed: false, retryAfterMs: 10_000 });
    clock.advance(10_000);
    // Now t=0 ones left; failures at 50 s only → allowed.
    expect(await throttle.check(keys)).toEqual({ allowed: true });
  });

  it('throttle - an address is limited across accounts', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) await throttle.recordFailure(throttleKeys(limits, `u${i}@x.io`, '10.0.0.9'));
    const fresh = throttleKeys(limits, 'new@x.io', '10.0.0.9');
    expect((await throttle.check(fresh)).allowed).toBe(false);
    expect((await throttle.check(throttleKeys(limits, 'new@x.io', '10.0.0.10'))).allowed).toBe(true);
  });

  it('throttle - reset forgets an account but not its address', async () => {
    const { throttle } = setup();
    const keys = throttleKeys({ ...limits, maxFailuresPerAddress: 3 }, 'a@x.io', '10.0.0.1');
    for (let i = 0; i < 3; i++) await throttle.recordFailure(keys);
    await throttle.reset(keys[0]!);
    expect((await throttle.check([keys[0]!])).allowed).toBe(true);
    expect((await throttle.check([keys[1]!])).allowed).toBe(false);
  });

  it('throttle - memory is bounded: the least recently failed keys are dropped', async () => {
    const clock = new ManualClock(0);
    const throttle = createMemorySignInThrottle({ clock, maxKeys: 2 });
    const key = (n: number) => ({ key: `k${n}`, maxFailures: 1, windowMs: 60_000 });
    await throttle.recordFailure([key(1)]);
    await throttle.recordFailure([key(2)]);
    await throttle.recordFailure([key(3)]);
    expect((await throttle.check([key(1)])).allowed).toBe(true);
    expect((await throttle.check([key(3)])).allowed).toBe(false);
  });
});

import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createMemorySignInThrottle } from './memory-sign-in-throttle.ts';
import { runSignInThrottleContract } from './sign-in-throttle-contract.ts';

runSignInThrottleContract('memory', (clock) => createMemorySignInThrottle({ clock }));

describe('sign-in throttle - memory', () => {
  it('throttle - spraying other keys cannot evict a target counter; new keys wait for room', async () => {
    const clock = new ManualClock(0);
    const throttle = createMemorySignInThrottle({ clock, maxKeys: 100 });
    const key = (name: string) => ({ key: name, maxFailures: 2, windowMs: 60_000 });
    await throttle.take([key('account:victim@x.io')]);
    await throttle.take([key('account:victim@x.io')]);
    // An attacker fills the table with fresh accounts: 99 fit, the rest are refused, not evicting.
    const sprayed = [];
    for (let i = 0; i < 300; i++) sprayed.push(await throttle.take([key(`account:spray${i}@x.io`)]));
    expect(sprayed.filter((d) => d.allowed)).toHaveLength(99);
    expect(throttle.refusedFull).toBe(201);
    expect(await throttle.take([key('account:victim@x.io')])).toEqual({ allowed: false, retryAfterMs: 60_000 });
    // Once the window passes there is room again.
    clock.advance(60_000);
    expect((await throttle.take([key('account:new@x.io')])).allowed).toBe(true);
  });
});

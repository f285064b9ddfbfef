/**
 * @module The SignInThrottle contract: the same cases against the memory adapter (unit) and the
 * Redis adapter (a real redis-server), so "atomic", "sliding" and "forgive" mean one thing.
 */
import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { throttleKeys, type SignInThrottle } from './sign-in-throttle.ts';

/** How a test file opens a fresh throttle of its adapter on `clock`. */
export type OpenThrottle = (clock: ManualClock) => Promise<SignInThrottle> | SignInThrottle;

const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowMs: 60_000 };
let unique = 0;
const email = () => `u${++unique}-${Date.now()}@x.io`;

export function runSignInThrottleContract(label: string, open: OpenThrottle): void {
  describe(`sign-in throttle contract: ${label}`, () => {
    const setup = async () => {
      const clock = new ManualClock(1_000_000);
      return { clock, throttle: await open(clock) };
    };

    it('throttle - given max attempts in the window, take is refused until the oldest leaves', async () => {
      const { clock, throttle } = await setup();
      const keys = throttleKeys(limits, email(), undefined);
      for (let i = 0; i < 3; i++) {
        expect(await throttle.take(keys)).toEqual({ allowed: true });
        clock.advance(10_000);
      }
      // Attempts at t=0, 10 s, 20 s; now t=30 s: the first leaves the window at t=60 s.
      expect(await throttle.take(keys)).toEqual({ allowed: false, retryAfterMs: 30_000 });
      clock.advance(29_999);
      expect((await throttle.take(keys)).allowed).toBe(false);
      clock.advance(1);
      expect(await throttle.take(keys)).toEqual({ allowed: true });
    });

    it('throttle - parallel attempts cannot pass a check made before any was counted (atomic)', async () => {
      const { throttle } = await setup();
      const keys = throttleKeys(limits, email(), undefined);
      const decisions = await Promise.all(Array.from({ length: 20 }, () => throttle.take(keys)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    });

    it('throttle - an address is limited across accounts', async () => {
      const { throttle } = await setup();
      const address = `10.${unique++ % 250}.0.9`;
      for (let i = 0; i < 5; i++) await throttle.take(throttleKeys(limits, email(), address));
      expect((await throttle.take(throttleKeys(limits, email(), address))).allowed).toBe(false);
      expect((await throttle.take(throttleKeys(limits, email(), `${address}1`))).allowed).toBe(true);
    });

    it('throttle - forgive gives a successful attempt back; clear forgets an account, not its address', async () => {
      const { throttle } = await setup();
      const keys = throttleKeys({ ...limits, maxFailuresPerAddress: 3 }, email(), `10.1.${unique++ % 250}.1`);
      for (let i = 0; i < 10; i++) {
        expect((await throttle.take(keys)).allowed).toBe(true);
        await throttle.forgive(keys); // every attempt succeeded: nothing accumulates
      }
      for (let i = 0; i < 3; i++) await throttle.take(keys);
      await throttle.forgive([], [keys[0]!]);
      expect((await throttle.take([keys[0]!])).allowed).toBe(true);
      expect((await throttle.take([keys.at(-1)!])).allowed).toBe(false);
    });
  });
}

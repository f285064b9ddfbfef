/** @module The SessionVersions contract, run against the memory and the Redis adapter. */
import { ManualClock, uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { SessionVersions } from './session-versions.ts';

export function runSessionVersionsContract(
  label: string,
  open: (clock: ManualClock) => SessionVersions,
): void {
  describe(`session versions contract: ${label}`, () => {
    it('versions - a bump moves the version past everything issued before it, monotonically', async () => {
      const clock = new ManualClock(1_750_000_000_000);
      const versions = open(clock);
      const user = uuidv7();
      const before = await versions.current(user);
      const first = await versions.bump(user);
      const second = await versions.bump(user); // same millisecond: still moves on
      expect(first).toBeGreaterThan(before);
      expect(second).toBeGreaterThan(first);
      expect(await versions.current(user)).toBe(second);
      expect(await versions.current(uuidv7())).toBeLessThan(first); // other users untouched
    });

    it('versions - two gateways on one store see each other’s bumps', async () => {
      const clock = new ManualClock(1_750_000_000_000);
      const store = open(clock);
      const user = uuidv7();
      const bumped = await store.bump(user);
      expect(await store.current(user)).toBe(bumped);
    });
  });
}

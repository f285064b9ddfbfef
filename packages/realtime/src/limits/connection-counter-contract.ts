/** @module The ConnectionCounter contract, run against the memory and the Redis adapter. */
import { ManualClock, uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { ConnectionCounter } from './connection-counter.ts';

export function runConnectionCounterContract(
  label: string,
  open: (clock: ManualClock, leaseMs: number) => ConnectionCounter,
): void {
  describe(`connection counter contract: ${label}`, () => {
    it('counter - at most max leases per key; a release frees a slot', async () => {
      const counter = open(new ManualClock(1_000_000), 60_000);
      const key = uuidv7();
      const leases = Array.from({ length: 3 }, () => ({ key, id: uuidv7() }));
      expect(await counter.acquire(leases[0]!, 2)).toBe(true);
      expect(await counter.acquire(leases[1]!, 2)).toBe(true);
      expect(await counter.acquire(leases[2]!, 2)).toBe(false);
      expect(await counter.acquire({ key: uuidv7(), id: uuidv7() }, 2)).toBe(true); // other users apart
      await counter.release(leases[0]!);
      expect(await counter.acquire(leases[2]!, 2)).toBe(true);
    });

    it('counter - parallel acquires cannot overshoot (two gateways, one slot)', async () => {
      const counter = open(new ManualClock(1_000_000), 60_000);
      const key = uuidv7();
      const results = await Promise.all(Array.from({ length: 10 }, () => counter.acquire({ key, id: uuidv7() }, 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('counter - leases of a dead gateway lapse; renewed ones stay', async () => {
      const clock = new ManualClock(1_000_000);
      const counter = open(clock, 60_000);
      const key = uuidv7();
      const kept = { key, id: uuidv7() };
      await counter.acquire(kept, 2);
      await counter.acquire({ key, id: uuidv7() }, 2); // never renewed: its gateway died
      clock.advance(40_000);
      await counter.renew([kept]);
      clock.advance(30_000);
      expect(await counter.acquire({ key, id: uuidv7() }, 2)).toBe(true);
      expect(await counter.acquire({ key, id: uuidv7() }, 2)).toBe(false);
    });
  });
}

import { ManualClock, silentLogger } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { cacheSessionVersions } from './cached-session-versions.ts';
import { createMemorySessionVersions } from './memory-session-versions.ts';
import { runSessionVersionsContract } from './session-versions-contract.ts';

runSessionVersionsContract('memory', (clock) => createMemorySessionVersions({ clock }));
runSessionVersionsContract('memory behind a cache', (clock) =>
  cacheSessionVersions(createMemorySessionVersions({ clock }), { clock }),
);

describe('session versions - cache', () => {
  it('cache - a bump on another gateway is seen once the entry is older than ttlMs', async () => {
    const clock = new ManualClock(1_000_000);
    const shared = createMemorySessionVersions({ clock });
    const a = cacheSessionVersions(shared, { clock, ttlMs: 2_000 });
    const b = cacheSessionVersions(shared, { clock, ttlMs: 2_000 });
    const before = await b.current('u');
    const bumped = await a.bump('u');
    expect(await a.current('u')).toBe(bumped); // the gateway that bumped knows at once
    expect(await b.current('u')).toBe(before); // the other within ttlMs
    clock.advance(2_000);
    expect(await b.current('u')).toBe(bumped);
  });

  it('cache - while the store is unreachable the last known version stands', async () => {
    const clock = new ManualClock(1_000_000);
    let up = true;
    const inner = createMemorySessionVersions({ clock });
    const flaky = {
      current: (user: string) => (up ? inner.current(user) : Promise.reject(new Error('down'))),
      bump: (user: string) => inner.bump(user),
    };
    const cached = cacheSessionVersions(flaky, { clock, ttlMs: 10 });
    const bumped = await cached.bump('u');
    up = false;
    clock.advance(100);
    expect(await cached.current('u')).toBe(bumped);
  });

  it('cache - a slow store does not hold a check with a known version; its answer lands after', async () => {
    const clock = new ManualClock(1_000_000);
    const inner = createMemorySessionVersions({ clock });
    let release!: () => void;
    let slow = false;
    const gated = {
      current: async (user: string) => {
        if (slow) await new Promise<void>((resolve) => (release = resolve));
        return inner.current(user);
      },
      bump: (user: string) => inner.bump(user),
    };
    const cached = cacheSessionVersions(gated, { clock, ttlMs: 2_000, staleAnswerMs: 20 });
    const known = await cached.current('u');
    const bumped = await inner.bump('u'); // on another gateway
    slow = true;
    clock.advance(2_000);
    const started = performance.now();
    expect(await cached.current('u')).toBe(known);
    expect(performance.now() - started).toBeLessThan(1_000);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cached.current('u')).toBe(bumped);
  });

  it('cache - a store that is down is asked again after ttlMs, not on every check, and warns once', async () => {
    const clock = new ManualClock(1_000_000);
    const inner = createMemorySessionVersions({ clock });
    let reads = 0;
    let up = true;
    const flaky = {
      current: (user: string) => (reads++, up ? inner.current(user) : Promise.reject(new Error('down'))),
      bump: (user: string) => inner.bump(user),
    };
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_: unknown, msg?: string) => void warnings.push(msg ?? '') };
    const cached = cacheSessionVersions(flaky, { clock, ttlMs: 2_000, logger });
    await Promise.all(['u', 'v', 'w'].map((user) => cached.current(user)));
    up = false;
    clock.advance(2_000);
    await Promise.all(['u', 'v', 'w'].map((user) => cached.current(user)));
    expect(reads).toBe(6);
    for (let k = 0; k < 100; k++) await cached.current('u');
    expect(reads).toBe(6);
    expect(warnings).toHaveLength(1);
  });

  it('cache - concurrent misses for one user share one read of the store', async () => {
    const clock = new ManualClock(1_000_000);
    const inner = createMemorySessionVersions({ clock });
    let reads = 0;
    const counted = { current: (user: string) => (reads++, inner.current(user)), bump: inner.bump };
    const cached = cacheSessionVersions(counted, { clock, ttlMs: 2_000 });
    const versions = await Promise.all(Array.from({ length: 5_000 }, () => cached.current('u')));
    expect(new Set(versions).size).toBe(1);
    expect(reads).toBe(1);
    clock.advance(2_000);
    await Promise.all([cached.current('u'), cached.current('u'), cached.current('v')]);
    expect(reads).toBe(3);
  });

  it('cache - a read that started before a bump here does not put the old version back', async () => {
    const clock = new ManualClock(1_000_000);
    const inner = createMemorySessionVersions({ clock });
    const before = await inner.current('u');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = { current: async () => (await gate, before), bump: (user: string) => inner.bump(user) };
    const cached = cacheSessionVersions(slow, { clock, ttlMs: 2_000 });
    const reading = cached.current('u');
    const bumped = await cached.bump('u');
    release();
    await reading;
    expect(await cached.current('u')).toBe(bumped);
  });

  it('floor - a store started at T refuses what was issued before T', async () => {
    const clock = new ManualClock(5_000);
    const versions = createMemorySessionVersions({ clock, floor: 5_000 });
    expect(await versions.current('anyone')).toBe(5_000);
    expect(await versions.bump('anyone')).toBe(5_001);
  });
});

import { describe, expect, it } from 'vitest';
import { createMemoryDedupeStore } from './dedupe-store.ts';

describe('memory dedupe store', () => {
  it('unseen - answers a remembered id as seen within the window', async () => {
    let now = 1_000;
    const store = createMemoryDedupeStore({ windowMs: 60_000, now: () => now });
    await store.remember(['a', 'b']);
    now += 59_999;
    expect([...(await store.unseen(['a', 'b', 'c']))]).toEqual(['c']);
  });

  it('unseen - forgets an id once it is older than the window', async () => {
    let now = 1_000;
    const store = createMemoryDedupeStore({ windowMs: 60_000, now: () => now });
    await store.remember(['old']);
    now += 30_000;
    await store.remember(['young']);
    now += 30_001;
    expect([...(await store.unseen(['old', 'young']))]).toEqual(['old']);
  });

  it('remember - an id remembered again starts a new window', async () => {
    let now = 0;
    const store = createMemoryDedupeStore({ windowMs: 10_000, now: () => now });
    await store.remember(['a']);
    now = 9_000;
    await store.remember(['a']);
    now = 15_000;
    expect((await store.unseen(['a'])).size).toBe(0);
  });

  it('unseen - forgets the oldest ids past the capacity, whatever the window', async () => {
    const store = createMemoryDedupeStore({ capacity: 3, windowMs: 60_000, now: () => 0 });
    await store.remember(['a', 'b', 'c', 'd']);
    expect([...(await store.unseen(['a', 'b', 'c', 'd']))]).toEqual(['a']);
  });
});

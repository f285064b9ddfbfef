import { describe, expect, it } from 'vitest';
import { bufferSize, DataCache, type CallData } from './data-cache.ts';

const MIB = 1024 * 1024;
const content = (key: string, byteLength: number): CallData => ({ key, byteLength, parts: () => [] });

describe('data cache (the host plans what a sandbox process holds)', () => {
  it('sends content once; a later call names it only', () => {
    const cache = new DataCache(8 * MIB);
    const a = content('a', 3 * MIB);
    const first = cache.plan([a]);
    expect(first.put).toEqual([{ data: a, buffer: 1, size: 3 * MIB }]);
    expect(first.uses).toEqual([{ key: 'a', buffer: 1, byteLength: 3 * MIB }]);
    const second = cache.plan([a, a]);
    expect(second).toEqual({ drop: [], put: [], uses: [{ key: 'a', buffer: 1, byteLength: 3 * MIB }], after: [] });
    expect(cache.heldBytes([a, content('b', 5)])).toBe(3 * MIB);
  });

  it('evicts the least recently used content, and reuses its buffer when it fits', () => {
    const cache = new DataCache(6 * MIB);
    cache.plan([content('a', 3 * MIB)]);
    cache.plan([content('b', 3 * MIB)]);
    cache.plan([content('a', 3 * MIB)]); // a is now the more recent
    const c = content('c', 2 * MIB + 5);
    const plan = cache.plan([c]);
    // b's buffer (3 MiB) takes c: no new memory, nothing freed.
    expect(plan.put).toEqual([{ data: c, buffer: 2 }]);
    expect(plan.drop).toEqual([]);
    expect(cache.bytes).toBe(6 * MIB);
    expect(cache.heldBytes([content('b', 1)])).toBe(0);
    expect(cache.heldBytes([content('a', 1), c])).toBe(1 + c.byteLength);
  });

  it('frees buffers too small to reuse when new content needs the room', () => {
    const cache = new DataCache(4 * MIB);
    cache.plan([content('a', MIB)]);
    cache.plan([content('b', MIB)]);
    const big = content('c', 3 * MIB);
    const plan = cache.plan([big]);
    expect(plan.put).toEqual([{ data: big, buffer: 3, size: 3 * MIB }]);
    // Either small buffer alone leaves room: the older goes; the other keeps its content.
    expect(plan.drop).toEqual([1]);
    expect(cache.bytes).toBe(4 * MIB);
    expect(cache.heldBytes([content('b', 1)])).toBe(1);
  });

  it('content larger than the bound travels and is freed after its call; what the call reads stays', () => {
    const cache = new DataCache(4 * MIB);
    cache.plan([content('a', MIB)]);
    const huge = content('h', 10 * MIB);
    const plan = cache.plan([content('a', MIB), huge]);
    expect(plan.put).toEqual([{ data: huge, buffer: 2, size: 10 * MIB }]);
    expect(plan.after).toEqual([2]);
    expect(plan.uses.map((u) => u.key).sort()).toEqual(['a', 'h']);
    // Counted while the call runs, gone after it.
    expect(cache.bytes).toBe(11 * MIB);
    cache.settle(plan);
    expect(cache.bytes).toBe(MIB);
    expect(cache.heldBytes([huge])).toBe(0);
    expect(cache.heldBytes([content('a', 1)])).toBe(1);
  });

  it('sizes buffers in steps of a sixteenth of their power of two, at least 64 KiB', () => {
    expect(bufferSize(1)).toBe(64 * 1024);
    expect(bufferSize(11_200)).toBe(64 * 1024);
    expect(bufferSize(3 * MIB)).toBe(3 * MIB);
    expect(bufferSize(3 * MIB + 1)).toBe(3 * MIB + 128 * 1024);
    const feed = 56_000_000;
    expect(bufferSize(feed) / feed).toBeLessThan(1.0625);
  });

  it('keeps nothing with a bound of 0', () => {
    const cache = new DataCache(0);
    const plan = cache.plan([content('a', 10)]);
    expect(plan.after).toEqual([1]);
    cache.settle(plan);
    expect(cache.bytes).toBe(0);
    expect(cache.plan([content('a', 10)]).put).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { fnv1a32, partitionIndex } from './partition-index.ts';

describe('partitions', () => {
  it('partitions - the hash is FNV-1a over UTF-8, fixed across processes and versions', () => {
    // Reference values of 32-bit FNV-1a.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(partitionIndex('zone-1', 4)).toBe(fnv1a32('zone-1') % 4);
  });

  it('partitions - a key always lands in one partition; many keys spread over all of them', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[partitionIndex(`zone-${i}`, 8)]!++;
    for (const n of counts) expect(n).toBeGreaterThan(800);
    expect(partitionIndex('east', 8)).toBe(partitionIndex('east', 8));
    expect(partitionIndex('any', 1)).toBe(0);
    expect(() => partitionIndex('k', 0)).toThrow(RangeError);
  });
});

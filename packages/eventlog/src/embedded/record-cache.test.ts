import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../port/event-log.ts';
import { RecordCache } from './record-cache.ts';

/** Records whose payloads are small views into one shared 64 KiB slab, as allocUnsafe hands out. */
function recordsInSlab(first: number, count: number, slab: Buffer): LogRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const payload = slab.subarray(i * 100, i * 100 + 40);
    payload.fill(first + i);
    return { offset: first + i, id: `id-${first + i}`, key: 'k', type: 't', time: 0, payload };
  });
}

describe('record cache', () => {
  it('record cache - cached payloads do not keep the buffers they were sliced from', () => {
    const cache = new RecordCache(1024 * 1024, 1000);
    const slab = Buffer.alloc(64 * 1024);
    cache.push(recordsInSlab(0, 3, slab), 120);
    cache.push(recordsInSlab(3, 2, slab), 80);
    const cached = cache.read(0, 10)!;
    expect(cached.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    for (const record of cached) {
      expect(record.payload.buffer).not.toBe(slab.buffer);
      expect([...record.payload]).toEqual(Array.from({ length: 40 }, () => record.offset));
    }
    // One buffer per pushed run, exactly the size of its payloads.
    expect(cached[0]!.payload.buffer).toBe(cached[2]!.payload.buffer);
    expect(cached[0]!.payload.buffer.byteLength).toBe(120);
    expect(cached[3]!.payload.buffer.byteLength).toBe(80);
  });

  it('record cache - evicts whole runs, oldest first, past its byte bound', () => {
    const cache = new RecordCache(2 * (40 + 160) + 1, 1000);
    const slab = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 4; i++) cache.push(recordsInSlab(i, 1, slab), 40);
    expect(cache.first).toBe(2);
    expect(cache.read(0, 10)).toBeUndefined();
    expect(cache.read(2, 10)!.map((r) => r.offset)).toEqual([2, 3]);
  });
});

import { isTicklineError } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallData } from './data-cache.ts';
import { createProcessPool, type CallLimits, type ProcessPool } from './process-pool.ts';

const ENTRY = new URL('../testing/test-child.ts', import.meta.url);
/** Loose bounds: the machine may be busy (CI at load 10–20); the supervisor only needs to win. */
const LIMITS: CallLimits = { cpuMs: 5_000, memoryMb: 128, wallMs: 60_000 };
const MIB = 1024 * 1024;

/** Content of `bytes` bytes of `fill`, counting how often the pool reads it to send it. */
function content(key: string, bytes: number, fill: number): CallData & { sent: number; sum: number } {
  const body = new Uint8Array(bytes).fill(fill);
  const c = {
    key,
    byteLength: bytes,
    sent: 0,
    sum: bytes * fill,
    parts: () => {
      c.sent++;
      // In two parts, as a feed's columns travel.
      return [body.subarray(0, bytes >> 1), body.subarray(bytes >> 1)];
    },
  };
  return c;
}

interface Read {
  sum: number;
  shared: boolean;
  stale: boolean;
}

describe('sandbox process pool: content kept in the processes', () => {
  let pool: ProcessPool;
  beforeAll(async () => {
    pool = createProcessPool({ name: 'data', entry: ENTRY, size: 2, dataCacheBytes: 4 * MIB });
    await pool.ready();
  }, 60_000);
  afterAll(() => pool?.close());

  it('content goes to a process once; later calls go where it is and name it only', async () => {
    const a = content('a', 3 * MIB, 7);
    const first = await pool.call<Read[]>('read', ['a'], { limits: LIMITS, data: [a] });
    expect(first).toEqual([{ sum: a.sum, shared: true, stale: false }]);
    const pid = await pool.call<number>('pid', null, { limits: LIMITS, data: [a] });
    for (let i = 0; i < 4; i++) {
      expect(await pool.call<Read[]>('read', ['a'], { limits: LIMITS, data: [a] })).toEqual(first);
      expect(await pool.call<number>('pid', null, { limits: LIMITS, data: [a] })).toBe(pid);
    }
    expect(a.sent).toBe(1);
  }, 60_000);

  it('a call reaches only the content it was given, whatever the process holds', async () => {
    const secret = content('secret', MIB, 1);
    const pid = await pool.call<number>('pid', null, { limits: LIMITS, data: [secret] });
    // Both processes asked, so the one holding the secret is asked too.
    const answers = await Promise.all([
      pool.call<string>('reach', 'secret', { limits: LIMITS }),
      pool.call<string>('reach', 'secret', { limits: LIMITS, data: [content('other', 10, 2)] }),
    ]);
    expect(answers).toEqual(['refused', 'refused']);
    expect(await pool.call<number>('pid', null, { limits: LIMITS, data: [secret] })).toBe(pid);
  }, 60_000);

  it('past the bound the oldest content goes, and comes back when asked for; a reused buffer holds nothing of the old', async () => {
    const one = createProcessPool({ name: 'data-one', entry: ENTRY, size: 1, dataCacheBytes: 2 * MIB });
    try {
      await one.ready();
      const big = content('big', 2 * MIB, 255);
      const small = content('small', MIB + 3, 1);
      expect(await one.call<Read[]>('read', ['big'], { limits: LIMITS, data: [big] })).toEqual([
        { sum: big.sum, shared: true, stale: false },
      ]);
      // The small content takes the big one's buffer: what the big one left past it is cleared.
      expect(await one.call<Read[]>('read', ['small'], { limits: LIMITS, data: [small] })).toEqual([
        { sum: small.sum, shared: true, stale: false },
      ]);
      expect(await one.call<Read[]>('read', ['big'], { limits: LIMITS, data: [big] })).toEqual([
        { sum: big.sum, shared: true, stale: false },
      ]);
      expect([big.sent, small.sent]).toEqual([2, 1]);
      // Larger than the bound: sent, read, freed after the call.
      const huge = content('huge', 3 * MIB, 3);
      for (let i = 1; i <= 2; i++) {
        expect(await one.call<Read[]>('read', ['huge'], { limits: LIMITS, data: [huge] })).toEqual([
          { sum: huge.sum, shared: true, stale: false },
        ]);
        expect(huge.sent).toBe(i);
      }
    } finally {
      await one.close();
    }
  }, 60_000);

  it('content kept counts in the memory allowance; the allowance still binds above it', async () => {
    const one = createProcessPool({ name: 'data-rss', entry: ENTRY, size: 1, dataCacheBytes: 128 * MIB, pollMs: 20 });
    try {
      await one.ready();
      const feed = content('feed', 96 * MIB, 1);
      const small: CallLimits = { ...LIMITS, memoryMb: 32 };
      expect(await one.call<Read[]>('read', ['feed'], { limits: small, data: [feed] })).toEqual([
        { sum: feed.sum, shared: true, stale: false },
      ]);
      // The process holds 96 MiB more than when idle, three times this call's 32: not a kill.
      const waited = await one.call('hang', null, { limits: { ...small, wallMs: 1_500 } }).catch((e: unknown) => e);
      expect(isTicklineError(waited) && waited.code).toBe('SANDBOX_TIMEOUT');
      const hoarded = await one
        .call('readThenHoard', 'feed', { limits: small, data: [feed] })
        .catch((e: unknown) => e);
      expect(isTicklineError(hoarded) && hoarded.code).toBe('SANDBOX_MEMORY_LIMIT');
      // Each fresh process (after the deadline, after the hoard) holds nothing: the content goes again.
      expect(await one.call<Read[]>('read', ['feed'], { limits: small, data: [feed] })).toEqual([
        { sum: feed.sum, shared: true, stale: false },
      ]);
      expect(feed.sent).toBe(3);
    } finally {
      await one.close();
    }
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { backoffDelayMs, resolveReconnectOptions } from './backoff.ts';
import { RecentIds } from './recent-ids.ts';

describe('backoff - delays', () => {
  const options = resolveReconnectOptions({ initialDelayMs: 100, maxDelayMs: 1_000 });

  it('backoff - doubles from the initial delay to the ceiling, jittered within [base/2, base]', () => {
    const bases = [100, 200, 400, 800, 1_000, 1_000];
    bases.forEach((base, i) => {
      expect(backoffDelayMs(i + 1, options, () => 0)).toBe(base / 2);
      expect(backoffDelayMs(i + 1, options, () => 1)).toBe(base);
    });
  });

  it('backoff - jitter spreads a cohort of clients and is never zero', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelayMs(3, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });
});

describe('dedupe - recent ids', () => {
  it('dedupe - a repeated id is refused; the window forgets the oldest first', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c', 'a'].map((id) => ids.add(id))).toEqual([true, true, true, false]);
    expect(ids.add('d')).toBe(true); // evicts a
    expect(ids.add('a')).toBe(true); // evicts b
    expect(ids.add('c')).toBe(false);
    expect(ids.add('b')).toBe(true);
    expect(ids.size).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { downsampleColumns, StreamingSeries } from './downsample.ts';

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('downsample', () => {
  it.each([0, 1, 5, 2_000, 2_001, 2_002, 10_000, 1_000_003])(
    'columns of %i points: every n-th and the last, at most points + 1, and cutting twice changes nothing',
    (n) => {
      const cut = downsampleColumns(ramp(n), ramp(n), 2_000);
      expect(cut.time.length).toBeLessThanOrEqual(2_001);
      if (n > 0) expect(cut.value.at(-1)).toBe(n - 1);
      const gaps = new Set(Array.from(cut.value.subarray(1, -1), (v, i) => v - cut.value[i]!));
      expect(gaps.size).toBeLessThanOrEqual(1);
      const again = downsampleColumns(cut.time, cut.value, 2_000);
      expect([...again.value]).toEqual([...cut.value]);
    },
  );

  it.each([1, 7, 100, 101, 4_096, 1_000_000])(
    'a stream of %i points keeps at most its capacity + 1, evenly spaced, first and last included',
    (n) => {
      const s = new StreamingSeries(100);
      for (let i = 0; i < n; i++) s.push(i * 10, i);
      const { time, value } = s.points();
      expect(value.length).toBeLessThanOrEqual(101);
      expect(value[0]).toBe(0);
      expect(value.at(-1)).toBe(n - 1);
      expect(time).toEqual(value.map((v) => v * 10));
      const gaps = new Set(value.slice(1, -1).map((v, i) => v - value[i]!));
      expect(gaps.size).toBeLessThanOrEqual(1);
      if (n > 100) expect(value.length).toBeGreaterThan(50);
      expect(s.seen).toBe(n);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { histogramBuckets, judgeTrend, p99Between, parseMetrics, slope } from './trend.ts';

const PAGE = `# HELP tickline_consumer_lag Records in the log after the consumer checkpoint.
# TYPE tickline_consumer_lag gauge
tickline_consumer_lag{consumer="market-candles"} 3
tickline_consumer_lag{consumer="platform"} 0
tickline_game_tick_duration_seconds_bucket{le="0.001",zone="zone-1"} 90
tickline_game_tick_duration_seconds_bucket{le="0.01",zone="zone-1"} 99
tickline_game_tick_duration_seconds_bucket{le="+Inf",zone="zone-1"} 100
tickline_game_tick_duration_seconds_bucket{le="0.001",zone="zone-2"} 100
tickline_game_tick_duration_seconds_bucket{le="0.01",zone="zone-2"} 100
tickline_game_tick_duration_seconds_bucket{le="+Inf",zone="zone-2"} 100
process_resident_memory_bytes 104857600
`;

describe('soak arithmetic', () => {
  it('metrics - reads names, labels and values; skips comments and other names', () => {
    const lag = parseMetrics(PAGE, ['tickline_consumer_lag']);
    expect(lag).toEqual([
      { name: 'tickline_consumer_lag', labels: { consumer: 'market-candles' }, value: 3 },
      { name: 'tickline_consumer_lag', labels: { consumer: 'platform' }, value: 0 },
    ]);
    expect(parseMetrics(PAGE).find((s) => s.name === 'process_resident_memory_bytes')?.value).toBe(104857600);
  });

  it('p99 - from the bucket deltas between two readings, summed over zones', () => {
    const after = histogramBuckets(parseMetrics(PAGE), 'tickline_game_tick_duration_seconds');
    expect(after.get(Infinity)).toBe(200);
    const before = new Map([
      [0.001, 0],
      [0.01, 0],
      [Infinity, 0],
    ]);
    // 198 of 200 within 10 ms, 190 within 1 ms: the p99 (198) lies in the 10 ms bucket.
    expect(p99Between(before, after)).toBe(0.01);
    expect(p99Between(after, after)).toBeUndefined();
  });

  it('slope - least squares, 0 with too few points', () => {
    expect(slope([])).toBe(0);
    expect(slope([[1, 5]])).toBe(0);
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2);
    expect(
      slope([
        [0, 2],
        [1, 0],
        [2, 2],
        [3, 0],
      ]),
    ).toBeCloseTo(-0.4);
  });

  it('trend - judges only the second half, so warm-up growth does not fail it', () => {
    const rule = { series: 'rss gateway-1', unit: 'MiB', maxPerMinute: 1 };
    // Grows 10 MiB/min for 5 minutes, then flat for 5 minutes (samples every 10 s).
    const warm = Array.from({ length: 60 }, (_, i) => [i * 10_000, Math.min(i, 30) * (10 / 6)] as const);
    expect(judgeTrend(rule, warm)).toMatchObject({ ok: true, samples: 60, perMinute: 0 });
    const leak = Array.from({ length: 60 }, (_, i) => [i * 10_000, 100 + i * (2 / 6)] as const);
    const verdict = judgeTrend(rule, leak);
    expect(verdict.perMinute).toBeCloseTo(2);
    expect(verdict.ok).toBe(false);
  });

  it('trend - leaves out samples that could not be taken', () => {
    const rule = { series: 'lag', unit: 'records', maxPerMinute: 10 };
    const points = [
      [0, 0],
      [60_000, undefined],
      [120_000, 0],
      [180_000, 0],
    ] as const;
    expect(judgeTrend(rule, points)).toMatchObject({ samples: 3, first: 0, last: 0, ok: true });
  });
});

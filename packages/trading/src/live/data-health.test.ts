import { describe, expect, it } from 'vitest';
import { DataHealth } from './data-health.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 10, 27, 12);
const candle = (i: number, close = 100) => ({
  symbol: 'BTC-USDT',
  interval: '1m',
  closeTime: T0 + i * M,
  close,
});

describe('data health - the interlock state machine', () => {
  const settings = { staleIntervals: 3, jumpPercent: 10, healthyCandles: 2 };

  it('a feed that stops is stale after N intervals, and healthy again after clean candles', () => {
    // Given a feed on time
    const h = new DataHealth(settings);
    for (let i = 0; i < 3; i++) expect(h.observe(candle(i), T0 + i * M)).toBeUndefined();
    // When no candle comes for less than three intervals, Then it is still healthy
    expect(h.check(T0 + 2 * M + 2 * M + 59_000)).toEqual([]);
    // When three intervals pass with none, Then it turns stale once
    const [stale] = h.check(T0 + 5 * M);
    expect(stale).toMatchObject({ symbol: 'BTC-USDT', healthy: false, problem: 'stale', since: T0 + 5 * M });
    expect(h.check(T0 + 6 * M)).toEqual([]);
    expect(h.of('BTC-USDT', '1m').healthy).toBe(false);
    // When the feed resumes after a gap, it stays unhealthy (the gap restarts the count)
    expect(h.observe(candle(6), T0 + 6 * M)).toBeUndefined();
    expect(h.of('BTC-USDT', '1m')).toMatchObject({ healthy: false, since: T0 + 5 * M });
    // Then two clean candles in a row lift it
    expect(h.observe(candle(7), T0 + 7 * M)).toBeUndefined();
    expect(h.observe(candle(8), T0 + 8 * M)).toMatchObject({ healthy: true, at: T0 + 8 * M });
    expect(h.of('BTC-USDT', '1m')).toEqual({ symbol: 'BTC-USDT', interval: '1m', healthy: true });
  });

  it('a gap (a candle missing) and a jump past the band turn a feed unhealthy', () => {
    const h = new DataHealth(settings);
    h.observe(candle(0), T0);
    expect(h.observe(candle(2), T0 + 2 * M)).toMatchObject({
      problem: 'gap',
      detail: '1 candle of 1m missing',
    });
    const j = new DataHealth(settings);
    j.observe(candle(0, 100), T0);
    // A move within the band is fine, one past it is a jump
    expect(j.observe(candle(1, 109), T0 + M)).toBeUndefined();
    expect(j.observe(candle(2, 125), T0 + 2 * M)).toMatchObject({ problem: 'jump', healthy: false });
    // The new level holds: two clean candles later it is healthy again
    expect(j.observe(candle(3, 126), T0 + 3 * M)).toBeUndefined();
    expect(j.observe(candle(4, 125), T0 + 4 * M)).toMatchObject({ healthy: true });
  });

  it('a feed replaying older candles steadily is not stale: silence counts from arrival', () => {
    const h = new DataHealth(settings);
    // Candles six hours old arriving one a second (a catch-up, a replayed session).
    const LATE = 6 * 60 * M;
    for (let i = 0; i < 5; i++) expect(h.observe(candle(i), T0 + LATE + i * 1_000)).toBeUndefined();
    expect(h.check(T0 + LATE + 5_000)).toEqual([]);
    // Then nothing arrives for longer than the stale window: stale.
    expect(h.check(T0 + LATE + 4_000 + 3 * M)).toMatchObject([{ problem: 'stale', healthy: false }]);
  });

  it('a redelivered candle changes nothing, and a zero setting turns its check off', () => {
    const h = new DataHealth({ staleIntervals: 0, jumpPercent: 0, healthyCandles: 1 });
    h.observe(candle(0, 100), T0);
    expect(h.observe(candle(0, 500), T0)).toBeUndefined();
    expect(h.observe(candle(1, 500), T0 + M)).toBeUndefined();
    expect(h.check(T0 + 100 * M)).toEqual([]);
    expect(h.of('BTC-USDT', '1m').healthy).toBe(true);
  });

  it('a 1 s feed: a quiet second or a pause of a few seconds is neither a gap nor stale', () => {
    const S = 1_000;
    const tick = (i: number) => ({ symbol: 'BTC-USDT', interval: '1s', closeTime: T0 + i * S, close: 100 });
    const h = new DataHealth(settings);
    h.observe(tick(0), T0);
    // One second without a trade, then a five-second pause: no gap, not stale
    expect(h.observe(tick(2), T0 + 2 * S)).toBeUndefined();
    expect(h.check(T0 + 7 * S)).toEqual([]);
    expect(h.observe(tick(7), T0 + 7 * S)).toBeUndefined();
    // Ten seconds missing is a gap; thirty seconds of silence is stale
    expect(h.observe(tick(18), T0 + 18 * S)).toMatchObject({
      problem: 'gap',
      detail: '10 candles of 1s missing',
    });
    const quiet = new DataHealth(settings);
    quiet.observe(tick(0), T0);
    expect(quiet.check(T0 + 29 * S)).toEqual([]);
    expect(quiet.check(T0 + 30 * S)).toEqual([expect.objectContaining({ problem: 'stale' })]);
  });
});

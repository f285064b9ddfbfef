/**
 * A live paper run's orders fill on the bars of its own execution feed, as its backtest's do:
 * with the market publishing 1 s and 1 m candles of the same trades side by side, a 1 s run fills
 * at the next 1 s bar (not at the minute), a 1 m run at the next 1 m bar, a run on both at the
 * 1 s one — each order by order and fill by fill equal to the backtest on the run's feeds.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { emptyColumns, type Feed, randomWalkFeed } from '@tickline/strategy/internal';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderFilledData, OrderPlacedData } from '../broker/events.ts';
import { fillIntervals } from './fill-interval.ts';
import {
  backtest,
  candleEvents,
  crossing,
  feedThroughLog,
  liveFills,
  placedRows,
  settings,
  signalRows,
  spec,
  SYMBOL,
  world,
} from './live-world.test-support.ts';

const SECOND = 1_000;
const MINUTE = 60_000;

/** 1 m candles of the same trades as `seconds` (the market aggregates both from one tape). */
function minutesOf(seconds: Feed): Feed {
  const s = seconds.columns;
  const n = Math.floor(s.closeTime.length / 60);
  const c = emptyColumns(n);
  for (let m = 0; m < n; m++) {
    const from = m * 60;
    const to = from + 59;
    c.openTime[m] = s.openTime[from]!;
    c.closeTime[m] = s.closeTime[to]!;
    c.open[m] = s.open[from]!;
    c.close[m] = s.close[to]!;
    c.high[m] = Math.max(...s.high.subarray(from, to + 1));
    c.low[m] = Math.min(...s.low.subarray(from, to + 1));
    c.volume[m] = s.volume.subarray(from, to + 1).reduce((a, b) => a + b, 0);
  }
  return { symbol: seconds.symbol, interval: '1m', columns: c };
}

/** Both feeds' candles as the log carries them: by close time, the 1 s one first on a minute. */
function tape(seconds: Feed, minutes: Feed): EventEnvelope[] {
  const closeOf = (e: EventEnvelope) => (e.data as { closeTime: number }).closeTime;
  return [...candleEvents(seconds), ...candleEvents(minutes)]
    .map((e, k) => ({ e, k }))
    .sort((a, b) => closeOf(a.e) - closeOf(b.e) || a.k - b.k)
    .map(({ e }) => e);
}

describe('fill interval - the backtest engine’s rule per symbol', () => {
  it('is the finest interval of the symbol’s feeds, the first on ties, per symbol', () => {
    expect([...fillIntervals([{ symbol: 'BTC-USDT', interval: '1s' }])]).toEqual([['BTC-USDT', '1s']]);
    const feeds = [
      { symbol: 'BTC-USDT', interval: '5m' },
      { symbol: 'ETH-USDT', interval: '1h' },
      { symbol: 'BTC-USDT', interval: '1m' },
      { symbol: 'ETH-USDT', interval: '1h' },
    ];
    expect(Object.fromEntries(fillIntervals(feeds))).toEqual({ 'BTC-USDT': '1m', 'ETH-USDT': '1h' });
  });
});

describe('fill interval - live paper runs fill on their own feed’s bars', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  // 40 minutes of 1 s candles from a minute boundary, and the 1 m candles of the same trades.
  const seconds = randomWalkFeed(SYMBOL, '1s', SECOND, 40 * 60, 11, 100, Date.UTC(2026, 0, 1));
  const minutes = minutesOf(seconds);
  const events = tape(seconds, minutes);

  it('a 1 s run fills at the next 1 s bar, as its backtest: order by order, fill by fill', async () => {
    const s = settings();
    const { result, fills } = backtest(crossing, seconds, s);
    expect(result.signals.length).toBeGreaterThan(20);
    expect(fills.length).toBeGreaterThan(15);

    const w = world(s, crossing);
    await w.runner.enable({ ...spec('live-1s', s), feeds: [{ symbol: SYMBOL, interval: '1s' }] });
    stops.push(await feedThroughLog(w, events));

    expect(placedRows(w)).toEqual(signalRows(result.signals));
    expect(liveFills(w)).toEqual(fills);
    // Each market order filled with the 1 s bar that opened when its candle closed: a second
    // later, never at the minute.
    const placed = new Map(
      w.published
        .filter((e) => e.type === 'order.placed')
        .map((e) => e.data as OrderPlacedData)
        .map((o) => [o.clientOrderId, o]),
    );
    const marketFills = w.published
      .filter((e) => e.type === 'order.filled')
      .map((e) => e.data as OrderFilledData)
      .filter((f) => f.type === 'market');
    expect(marketFills.length).toBeGreaterThan(5);
    for (const f of marketFills) {
      const origin = placed.get(f.clientOrderId)!.origin!;
      expect(origin).toMatchObject({ kind: 'strategy', fillInterval: '1s' });
      if (origin.kind === 'strategy') expect(f.fill.time).toBe(origin.candleCloseTime);
    }
  });

  it('a 1 m run fills at the next 1 m bar, the 1 s bars between filling nothing of it', async () => {
    const s = settings();
    const { result, fills } = backtest(crossing, minutes, s);
    expect(fills.length).toBeGreaterThan(3);

    const w = world(s, crossing);
    await w.runner.enable(spec('live-1m', s));
    stops.push(await feedThroughLog(w, events));

    expect(placedRows(w)).toEqual(signalRows(result.signals));
    expect(liveFills(w)).toEqual(fills);
    for (const f of liveFills(w)) expect(f.time % MINUTE).toBe(0);
  });

  it('a run on 1 s and 1 m feeds of one symbol fills on the 1 s bars, as the backtest on both', async () => {
    const s = settings();
    const { result, fills } = backtest(crossing, [seconds, minutes], s);
    expect(fills.length).toBeGreaterThan(15);

    const w = world(s, crossing);
    await w.runner.enable({
      ...spec('live-both', s),
      feeds: [
        { symbol: SYMBOL, interval: '1s' },
        { symbol: SYMBOL, interval: '1m' },
      ],
    });
    stops.push(await feedThroughLog(w, events));

    expect(placedRows(w)).toEqual(signalRows(result.signals));
    expect(liveFills(w)).toEqual(fills);
  });
});

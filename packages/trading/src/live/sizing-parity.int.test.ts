import type { Candle } from '@tickline/market';
import { describe, expect, it } from 'vitest';
import {
  type Feed,
  loadFeed,
  randomWalkFeed,
  storeClosedCandles,
  type StrategyDefinition,
} from '@tickline/strategy/internal';
import { tradingDatabase } from '../testing/trading-database.ts';
import {
  backtest,
  candleEvents,
  feedThroughLog,
  liveFills,
  P,
  placedRows,
  settings,
  signalRows,
  spec,
  SYMBOL,
  world,
} from './live-world.test-support.ts';

/**
 * Every order type (market, limit, stop) with both sizes (`qty`, `percent`), buys and sells, on a
 * cycle of 40 candles. Percent orders are the ones whose size depends on when they are sized.
 */
const everyKind: StrategyDefinition = {
  onCandle(ctx) {
    // By time, not ctx.feed.index: a live feed's columns are a window that moves.
    const i = Math.round(ctx.time / 60_000) % 40;
    const close = ctx.close.at(0);
    const held = ctx.position().qty;
    if (i === 1) ctx.buy({ percent: 40, reason: 'market percent' });
    if (i === 2) ctx.buy({ qty: 5, reason: 'market qty' });
    if (i === 3) ctx.buy({ type: 'limit', percent: 10, price: close * 0.997, reason: 'limit percent' });
    if (i === 4) ctx.buy({ type: 'limit', qty: 2, price: close * 0.995, reason: 'limit qty' });
    if (i === 5) ctx.buy({ type: 'stop', percent: 5, price: close * 1.003, reason: 'stop percent' });
    if (i === 6) ctx.buy({ type: 'stop', qty: 1, price: close * 1.005, reason: 'stop qty' });
    if (i === 12 && held > 0) ctx.sell({ percent: 10, reason: 'sell percent' });
    if (i === 14 && held > 0)
      ctx.sell({ type: 'limit', percent: 5, price: close * 1.002, reason: 'sell limit %' });
    if (i === 16 && held > 0)
      ctx.sell({ type: 'stop', qty: 1, price: close * 0.998, reason: 'sell stop qty' });
    if (i === 30) {
      ctx.cancelAll();
      ctx.closePosition(undefined, 'flat');
    }
  },
};

/** The candles of `feed` as the collector stores them; the ones at `incomplete` missed trades. */
function storedCandles(feed: Feed, incomplete: ReadonlySet<number>): Candle[] {
  const c = feed.columns;
  return Array.from(c.openTime, (openTime, i) => ({
    exchange: 'x',
    symbol: SYMBOL,
    interval: '1m',
    openTime,
    closeTime: c.closeTime[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
    quoteVolume: c.volume[i]! * c.close[i]!,
    trades: 10,
    incomplete: incomplete.has(i),
    revision: 0,
  }));
}

describe('parity - one sizing rule and one incomplete-candle rule, backtest and live', () => {
  const database = tradingDatabase();

  it('a backtest over stored candles and a live run over the same candle events place and fill alike, order by order', async () => {
    const s = settings();
    const raw = randomWalkFeed(SYMBOL, '1m', 60_000, 400, 11);
    // The first candle after a collector start and one in a feed gap missed trades.
    const incomplete = new Set([0, 217]);
    const candles = storedCandles(raw, incomplete);
    await storeClosedCandles(database.sql, candles);

    // The backtest's feed, as a backtest run loads it: incomplete candles are not in it.
    const feed = await loadFeed(database.sql, {
      symbol: SYMBOL,
      interval: '1m',
      from: candles[0]!.openTime,
      to: candles.at(-1)!.openTime + 1,
    });
    expect(feed.columns.openTime.length).toBe(candles.length - incomplete.size);
    expect([...feed.columns.openTime]).not.toContain(candles[217]!.openTime);
    const { result, fills } = backtest(everyKind, feed, s);
    const kinds = new Set(
      result.signals.map((x) => `${x.type}:${x.percent > 0 ? 'percent' : 'qty'}:${x.side}`),
    );
    expect([...kinds].sort()).toEqual(
      [
        'limit:percent:buy',
        'limit:percent:sell',
        'limit:qty:buy',
        'market:percent:buy',
        'market:percent:sell',
        'market:qty:buy',
        'market:qty:sell',
        'stop:percent:buy',
        'stop:qty:buy',
        'stop:qty:sell',
      ].sort(),
    );
    expect(fills.length).toBeGreaterThan(40);

    // The live run is shown every candle event, the incomplete ones flagged.
    const w = world(s, everyKind);
    await w.runner.enable(spec('parity-kinds', s));
    const events = candleEvents(raw).map((e, i) =>
      incomplete.has(i) ? { ...e, data: { ...(e.data as object), incomplete: true } } : e,
    );
    const stop = await feedThroughLog(w, events);
    await stop();

    // Same orders on the same candles, percent ones with the same quantity (sized when placed).
    expect(placedRows(w)).toEqual(signalRows(result.signals));
    expect(liveFills(w)).toEqual(fills);
    const lastClose = feed.columns.close.at(-1)!;
    expect(w.books.cash(P)).toBeCloseTo(
      result.metrics.finalEquity - (w.books.position(P, SYMBOL)?.quantity ?? 0) * lastClose,
      6,
    );
  });
});

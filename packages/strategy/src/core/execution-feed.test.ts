import { describe, expect, it } from 'vitest';
import { runBacktest } from './engine.ts';
import { feedFromRows } from './candles.test-support.ts';
import { executionFeeds } from './execution-feed.ts';
import type { StrategyDefinition } from './definition.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';

describe('execution feed - the bars that fill a symbol’s orders', () => {
  const spans: Record<string, number> = { '1s': 1_000, '1m': 60_000, '5m': 300_000 };
  const pick = (feeds: Array<{ symbol: string; interval: string }>) =>
    executionFeeds(feeds, (k) => spans[feeds[k]!.interval]!);

  it('is the symbol’s finest feed, the first on ties, one per symbol', () => {
    expect(pick([{ symbol: 'A', interval: '1s' }])).toEqual([true]);
    expect(
      pick([
        { symbol: 'A', interval: '5m' },
        { symbol: 'B', interval: '1m' },
        { symbol: 'A', interval: '1s' },
        { symbol: 'B', interval: '1m' },
      ]),
    ).toEqual([false, true, true, false]);
  });

  it('never picks an empty feed over one with bars', () => {
    expect(executionFeeds([{ symbol: 'A' }, { symbol: 'A' }], (k) => (k === 0 ? Infinity : 60_000))).toEqual([
      false,
      true,
    ]);
  });

  it('the engine fills a market order with the next bar of the finest feed: 1 s, not the minute', () => {
    const buyOnce: StrategyDefinition = {
      onCandle(ctx) {
        if (ctx.feed.interval === '1s' && ctx.feed.index === 0) ctx.buy({ qty: 1, reason: 'once' });
      },
    };
    const start = Date.UTC(2026, 0, 1);
    // Seconds open at 100, 101, 102, …; the minute opened at 50 (a price no second had).
    const seconds = feedFromRows(
      'A',
      '1s',
      1_000,
      start,
      Array.from({ length: 60 }, (_, i) => [100 + i, 100 + i, 100 + i, 100 + i] as const),
    );
    const minute = feedFromRows('A', '1m', 60_000, start, [[50, 200, 50, 159]]);
    const settings = resolveBacktestSettings({ takerFee: 0, makerFee: 0, slippage: { kind: 'none' } });
    for (const feeds of [
      [minute, seconds],
      [seconds, minute],
    ]) {
      const result = runBacktest(buyOnce, feeds, settings);
      // Closed at the end: the trade's entry is the fill, at the second second's open and time.
      expect(result.trades.map((t) => [t.entryPrice, t.entryTime])).toEqual([[101, start + 1_000]]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { StrategyDefinition } from '../core/definition.ts';
import type { EngineSettings } from '../core/types.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { runBacktest } from '../core/engine.ts';
import type { StrategyContext } from '../core/context.ts';
import { LiveEngine } from './live-engine.ts';

/** The live runner tests' settings (trading's live-world test support). */
function settings(): EngineSettings {
  return resolveBacktestSettings({
    startingCapital: 10_000,
    makerFee: 0.001,
    takerFee: 0.002,
    slippage: { kind: 'range', fraction: 0.1 },
    closeAtEnd: false,
  });
}

describe('live engine', () => {
  it('feed.index counts every candle shown, also after the columns dropped their older half', () => {
    const seen: Array<[number, number, number]> = [];
    const recorder: StrategyDefinition = {
      onCandle(ctx) {
        seen.push([ctx.feed.index, ctx.close.at(0), ctx.close.at(3)]);
      },
    };
    const engine = new LiveEngine(recorder, [{ symbol: 'BTC-USDT', interval: '1m' }], settings(), {}, 8);
    for (let i = 0; i < 20; i++)
      engine.advance(0, {
        openTime: i * 60_000,
        closeTime: (i + 1) * 60_000,
        open: 100 + i,
        high: 100 + i,
        low: 100 + i,
        close: 100 + i,
        volume: 1,
      });
    expect(seen.map(([index]) => index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The latest half of the capacity stays readable back.
    expect(
      seen.slice(3).every(([index, close, back3]) => close === 100 + index && back3 === 97 + index),
    ).toBe(true);
  });

  it("ctx.dataHealthy follows the step: false while the run's feeds are unhealthy, true again after", () => {
    const seen: Array<[boolean, number]> = [];
    const reader: StrategyDefinition = {
      onCandle(ctx) {
        seen.push([ctx.dataHealthy, ctx.close.at(0)]);
      },
    };
    const engine = new LiveEngine(reader, [{ symbol: 'BTC-USDT', interval: '1m' }], settings(), {}, 8);
    const bar = (i: number, dataHealthy?: boolean) => ({
      openTime: i * 60_000,
      closeTime: (i + 1) * 60_000,
      open: 100 + i,
      high: 100 + i,
      low: 100 + i,
      close: 100 + i,
      volume: 1,
      ...(dataHealthy === undefined ? {} : { dataHealthy }),
    });
    engine.advance(0, bar(0));
    engine.advance(0, bar(1, false));
    engine.advance(0, bar(2, true));
    // The flag crosses in the feed index's sign, and the candle still lands on feed 0.
    expect(seen).toEqual([
      [true, 100],
      [false, 101],
      [true, 102],
    ]);
  });

  it("every series reads as the backtest's over the same candles, also after the rows dropped their older half", () => {
    // Each field of the candle is a different number, so a field read from the wrong place shows.
    const read = (ctx: StrategyContext) => {
      const f = ctx.feed;
      const series = [f.time, f.open, f.high, f.low, f.close, f.volume];
      return {
        index: f.index,
        now: series.map((s) => s.at(0)),
        back: series.map((s) => s.at(2)),
        tail: series.map((s) => Array.from(s.toArray().slice(-3))),
        length: f.close.length,
      };
    };
    const recorder = (into: Array<ReturnType<typeof read>>): StrategyDefinition => ({
      onCandle(ctx) {
        into.push(read(ctx));
      },
    });
    const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 40);
    const batch: Array<ReturnType<typeof read>> = [];
    runBacktest(recorder(batch), [feed], settings());
    const live: Array<ReturnType<typeof read>> = [];
    const engine = new LiveEngine(
      recorder(live),
      [{ symbol: 'BTC-USDT', interval: '1m' }],
      settings(),
      {},
      8,
    );
    const c = feed.columns;
    for (let i = 0; i < 40; i++)
      engine.advance(0, {
        openTime: c.openTime[i]!,
        closeTime: c.closeTime[i]!,
        open: c.open[i]!,
        high: c.high[i]!,
        low: c.low[i]!,
        close: c.close[i]!,
        volume: c.volume[i]!,
      });
    expect(live.map(({ length: _l, ...rest }) => rest)).toEqual(batch.map(({ length: _l, ...rest }) => rest));
    // A live feed keeps its latest candles only: at least half its capacity.
    expect(live.every((s, i) => s.length >= Math.min(i + 1, 4) && s.length <= 8)).toBe(true);
  });
});

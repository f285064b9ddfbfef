import { describe, expect, it } from 'vitest';
import { stripTypes } from '../api/compile-strategy.ts';
import { randomWalkFeed } from '../core/candles.test-support.ts';
import { runBacktest } from '../core/engine.ts';
import { evaluateTrustedStrategy } from '../sandbox/host-module.ts';
import { runInSandbox } from '../sandbox/sandbox.ts';
import { resolveBacktestSettings } from '../settings/backtest-settings.ts';
import { grademarkBars, runGrademarkSmaCross } from './grademark-sma-cross.test-support.ts';
import { SMA_CROSS_SOURCE } from './sma-cross.ts';

describe('engine vs grademark 0.3.0 - SMA(20/50) crossover', () => {
  // Given 20,000 one-minute bars, all capital in, no fees or slippage
  const feed = randomWalkFeed('BTC-USDT', '1m', 60_000, 20_000, 7);
  const settings = resolveBacktestSettings({ startingCapital: 10_000, takerFee: 0, makerFee: 0 });
  const js = stripTypes(SMA_CROSS_SOURCE);
  const peer = runGrademarkSmaCross(grademarkBars(feed, 20, 50), 10_000);

  function expectSameAsGrademark(
    trades: ReturnType<typeof runBacktest>['trades'],
    finalEquity: number,
  ): void {
    expect(peer.trades.length).toBeGreaterThan(100);
    expect(trades).toHaveLength(peer.trades.length);
    trades.forEach((t, i) => {
      const g = peer.trades[i]!;
      expect([t.entryTime, t.entryPrice, t.exitPrice]).toEqual([
        g.entryTime.getTime(),
        g.entryPrice,
        g.exitPrice,
      ]);
      // grademark stamps a position still open at the end with the last bar's time, the engine with its close.
      if (g.exitReason !== 'finalize') expect(t.exitTime).toBe(g.exitTime.getTime());
    });
    expect(Math.abs(finalEquity / peer.finalCapital - 1)).toBeLessThan(1e-9);
  }

  it('gives the same trades and final equity on the host', () => {
    const r = runBacktest(evaluateTrustedStrategy(js), [feed], settings);
    expectSameAsGrademark(r.trades, r.metrics.finalEquity);
  });

  it('gives the same trades and final equity in the sandbox', async () => {
    const r = await runInSandbox({ code: js, feeds: [feed], settings });
    expectSameAsGrademark(r.trades, r.metrics.finalEquity);
  });
});

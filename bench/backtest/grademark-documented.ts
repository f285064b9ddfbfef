/**
 * @module The SMA(20/50) crossover the way grademark's own README builds a strategy: the bars in a
 * data-forge `DataFrame`, the moving averages from `data-forge-indicators` (`deflate().sma(n)`,
 * joined with `withSeries`), the crossover read from a two-bar `lookback`, then `backtest()` and
 * `analyze()`. This is the like-for-like peer of the sandbox run, which also computes its
 * indicators inside the timing; `runGrademarkSmaCross` (indicators precomputed by our kernels,
 * handed over as plain bar fields) is grademark's best case and is reported beside it.
 */
import 'data-forge-indicators';
import { DataFrame } from 'data-forge';
import type { IDataFrame, ISeries } from 'data-forge';
import { analyze, backtest } from 'grademark';
import type { IBar, IStrategy } from 'grademark';
import type { Feed } from '@tickline/strategy/internal';
import type { GrademarkRun } from '@tickline/strategy/internal';

interface SmaBar extends IBar {
  fast: number;
  slow: number;
}

/** The input a grademark user starts from: one bar object per candle (not timed). */
export function plainBars(feed: Feed): IBar[] {
  const c = feed.columns;
  const bars = new Array<IBar>(c.close.length);
  for (let i = 0; i < c.close.length; i++) {
    bars[i] = { time: new Date(c.openTime[i]!), open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
  }
  return bars;
}

/** Indicators, backtest and analysis — everything after the bars are loaded. */
export function runGrademarkDocumented(bars: IBar[], fast: number, slow: number, capital: number): GrademarkRun {
  const frame = new DataFrame<number, IBar>(bars);
  const close = frame.deflate((bar) => bar.close) as ISeries<number, number> & { sma(n: number): ISeries<number, number> };
  const withSmas = frame
    .withSeries('fast', close.sma(fast))
    .withSeries('slow', close.sma(slow))
    // The slow average's first value is at bar slow-1; a crossover needs it on the previous bar.
    .skip(slow - 1) as unknown as IDataFrame<number, SmaBar>;
  const crossed = (lookback: IDataFrame<number, SmaBar>, up: boolean): boolean => {
    // grademark hands over its circular buffer's storage, so the two bars come in either order.
    const [a, b] = lookback.toArray() as [SmaBar, SmaBar];
    const [prev, bar] = a.time < b.time ? [a, b] : [b, a];
    return up ? prev.fast <= prev.slow && bar.fast > bar.slow : prev.fast >= prev.slow && bar.fast < bar.slow;
  };
  const strategy: IStrategy<SmaBar> = {
    lookbackPeriod: 2,
    entryRule: (enter, { lookback }) => {
      if (crossed(lookback, true)) enter();
    },
    exitRule: (exit, { lookback }) => {
      if (crossed(lookback, false)) exit();
    },
  };
  const trades = backtest(strategy, withSmas);
  return { trades, finalCapital: analyze(capital, trades).finalCapital };
}

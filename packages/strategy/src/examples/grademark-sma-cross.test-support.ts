/**
 * @module The SMA crossover of examples/sma-cross.ts written for grademark 0.3.0 (the JS peer the
 * benchmark and the parity test compare against): entry when the fast SMA crosses above the
 * slow one, exit when it crosses below, at the next bar's open, all capital in, no fees.
 */
import { sma } from '@tickline/market';
import { DataFrame } from 'data-forge';
import { analyze, backtest } from 'grademark';
import type { IBar, IStrategy, ITrade } from 'grademark';
import type { Feed } from '../core/types.ts';

interface CrossBar extends IBar {
  fast: number;
  slow: number;
  prevFast: number;
  prevSlow: number;
}

export interface GrademarkRun {
  trades: ITrade[];
  finalCapital: number;
}

/** Bars with the indicator columns precomputed (grademark's `prepIndicators` step, done once). */
export function grademarkBars(feed: Feed, fast: number, slow: number): CrossBar[] {
  const c = feed.columns;
  const f = sma(c.close, fast);
  const s = sma(c.close, slow);
  const bars: CrossBar[] = new Array<CrossBar>(c.close.length);
  for (let i = 0; i < c.close.length; i++) {
    bars[i] = {
      // grademark stamps fills with the bar's time; the engine stamps them with the open time.
      time: new Date(c.openTime[i]!),
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
      fast: f[i]!,
      slow: s[i]!,
      prevFast: i > 0 ? f[i - 1]! : NaN,
      prevSlow: i > 0 ? s[i - 1]! : NaN,
    };
  }
  return bars;
}

/** Runs the crossover through grademark's `backtest` and `analyze`. */
export function runGrademarkSmaCross(bars: CrossBar[], startingCapital: number): GrademarkRun {
  const strategy: IStrategy<CrossBar> = {
    lookbackPeriod: 1,
    entryRule: (enter, { bar }) => {
      if (bar.prevFast <= bar.prevSlow && bar.fast > bar.slow) enter();
    },
    exitRule: (exit, { bar }) => {
      if (bar.prevFast >= bar.prevSlow && bar.fast < bar.slow) exit();
    },
  };
  const trades = backtest(strategy, new DataFrame<number, CrossBar>(bars));
  return { trades, finalCapital: analyze(startingCapital, trades).finalCapital };
}

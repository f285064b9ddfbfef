/**
 * @module The budget forecast before go-live: a version's newest backtest measured its bar loop's
 * CPU per candle in the sandbox process (sandbox.ts); a live step of the same code costs about the
 * same, and a run over its tier's live budget on most candles is paused (3 of 10 steps over:
 * docs/live-strategies.md, "CPU per candle"). Enabling such a version live is refused up front,
 * with the figures, instead of letting it trade until the limit pauses it.
 */
import { TicklineError } from '@tickline/kernel';
import type { StrategyRepository } from '../versions/strategy-repository.ts';
import './research-errors.ts';

export interface CpuForecast {
  /** CPU per candle the newest measured backtest used, ms (null: no measured backtest yet). */
  forecastMs: number | null;
  /** The tier's live CPU budget per candle, ms. */
  budgetMs: number;
  /** The backtest the forecast comes from. */
  backtestId: string | null;
  /** Candles that backtest stepped. */
  bars: number | null;
  /** No forecast (nothing to judge) or a forecast within the budget. */
  fits: boolean;
}

/** The forecast of a version's live CPU per candle against `budgetMs`. */
export async function cpuForecast(
  repository: Pick<StrategyRepository, 'newestCpuPerCandle'>,
  userId: string,
  strategyId: string,
  version: number,
  budgetMs: number,
): Promise<CpuForecast> {
  const newest = await repository.newestCpuPerCandle(userId, strategyId, version);
  if (newest === undefined) return { forecastMs: null, budgetMs, backtestId: null, bars: null, fits: true };
  return {
    forecastMs: newest.cpuMsPerCandle,
    budgetMs,
    backtestId: newest.backtestId,
    bars: newest.bars,
    fits: newest.cpuMsPerCandle <= budgetMs,
  };
}

/** `0.42 ms`: a figure as a person reads it (two significant decimals below 10 ms). */
const ms = (v: number): string => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;

/** STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET unless `forecast` fits, its message naming the figures. */
export function assertForecastFits(forecast: CpuForecast, strategyId: string, version: number): void {
  if (forecast.fits || forecast.forecastMs === null) return;
  throw new TicklineError(
    'STRATEGY_CPU_FORECAST_EXCEEDS_BUDGET',
    `version ${version} used ${ms(forecast.forecastMs)} of CPU per candle in its backtest ` +
      `(${forecast.backtestId}, ${forecast.bars} candles), over the tier's live budget of ` +
      `${ms(forecast.budgetMs)} per candle: live, it would be paused for CPU. Do less work per candle ` +
      `(keep indicators incremental, log and plot less) or move to a tier with a larger budget.`,
    {
      details: {
        strategyId,
        version,
        forecastMs: forecast.forecastMs,
        budgetMs: forecast.budgetMs,
        backtestId: forecast.backtestId,
        bars: forecast.bars,
      },
    },
  );
}

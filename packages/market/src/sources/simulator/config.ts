/** @module Simulator configuration and its defaults. */
import type { Clock } from '@tickline/kernel';
import type { Sleep } from '../../port/sleep.ts';

/** One simulated market. */
export interface SimulatedSymbol {
  /** Canonical `BASE-QUOTE`. */
  symbol: string;
  startPrice: number;
  /** Price increment; prices are rounded to it. @default startPrice / 100_000 rounded to a power of ten */
  tickSize?: number;
  /** Mean trade size in base units. @default 1_000 / startPrice */
  meanSize?: number;
  /** Size increment (a venue's lot step); sizes are rounded to it. @default meanSize / 1_000 rounded to a power of ten */
  sizeStep?: number;
}

/** Options for the simulator source. */
export interface SimulatorOptions {
  /** @default 'simulator' */
  name?: string;
  /** @default 1 */
  seed?: number;
  /** @default BTC-USDT 60,000 and ETH-USDT 3,000 */
  symbols?: readonly SimulatedSymbol[];
  /** Mean trades per second per symbol. @default 10 */
  tradesPerSecond?: number;
  /** Volatility per square root of a day (0.03 ≈ 3 % daily). @default 0.03 */
  dailyVolatility?: number;
  /** Chance per trade that a burst starts. @default 0.001 */
  burstProbability?: number;
  /** Trades in a burst. @default 50 */
  burstLength?: number;
  /** Volatility and rate multiplier during a burst. @default 8 */
  burstFactor?: number;
  /** `paced` follows the clock; `max` generates as fast as the consumer reads. @default 'paced' */
  mode?: 'paced' | 'max';
  /** In `max` mode, the simulated time of the first trade. @default clock.now() at start */
  startTime?: number;
  /** In `paced` mode, how often due trades are released. @default 50 */
  tickMs?: number;
  /**
   * In `paced` mode, how far the tape reaches into the past: it starts this long before the live
   * feed (on a minute), so {@link SimulatorSource.history} can tell the candles of that past and
   * the live trades continue the same walk. 0: the tape starts live, as it always did. @default 0
   */
  historyMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default timerSleep */
  sleep?: Sleep;
}

export const DEFAULT_SIMULATED_SYMBOLS: readonly SimulatedSymbol[] = Object.freeze([
  { symbol: 'BTC-USDT', startPrice: 60_000 },
  { symbol: 'ETH-USDT', startPrice: 3_000 },
]);

/** Resolved per-symbol settings. */
export interface ResolvedSymbol {
  symbol: string;
  startPrice: number;
  tickSize: number;
  meanSize: number;
  sizeStep: number;
}

/** The tape generator's settings (no clock or timers: the tape is pure). */
export interface TapeConfig {
  exchange: string;
  seed: number;
  symbols: readonly ResolvedSymbol[];
  tradesPerSecond: number;
  dailyVolatility: number;
  burstProbability: number;
  burstLength: number;
  burstFactor: number;
  startTime: number;
}

/** The power of ten at or below `value`. */
function powerOfTenBelow(value: number): number {
  return 10 ** Math.floor(Math.log10(value));
}

/** Fills in defaults for the pure tape. */
export function resolveTapeConfig(options: SimulatorOptions, startTime: number): TapeConfig {
  return {
    exchange: options.name ?? 'simulator',
    seed: options.seed ?? 1,
    symbols: (options.symbols ?? DEFAULT_SIMULATED_SYMBOLS).map((s) => {
      const meanSize = s.meanSize ?? 1_000 / s.startPrice;
      return {
        symbol: s.symbol,
        startPrice: s.startPrice,
        // BTC at 60,000 gets 0.1 and 0.00001, ETH at 3,000 0.01 and 0.0001: Binance's own steps.
        tickSize: s.tickSize ?? powerOfTenBelow(s.startPrice / 100_000),
        meanSize,
        sizeStep: s.sizeStep ?? powerOfTenBelow(meanSize / 1_000),
      };
    }),
    tradesPerSecond: options.tradesPerSecond ?? 10,
    dailyVolatility: options.dailyVolatility ?? 0.03,
    burstProbability: options.burstProbability ?? 0.001,
    burstLength: options.burstLength ?? 50,
    burstFactor: options.burstFactor ?? 8,
    startTime,
  };
}

/**
 * @module Live indicator values per candle series, fed by the collector with every candle it
 * publishes: a candle with a new open time appends a bar (`update`), the same open time revises
 * the forming bar (`replace`), so each value costs O(1) however long the series runs. A correction
 * to an older bar cannot be applied in O(1) and is skipped (the history routes recompute from SQL).
 * Streams start empty when the process starts: values are `null` until each indicator's warm-up.
 */
import type { Candle, CandleInterval } from '../../port/market-message.ts';
import { BollingerStream } from '../bollinger.ts';
import { MacdStream } from '../macd.ts';
import { EmaStream, SmaStream } from '../moving-average-streams.ts';
import { RsiStream } from '../rsi.ts';

/** The parameters of the live set; clients read them from each message. */
export const LIVE_INDICATOR_PARAMS = {
  sma: 20,
  ema: 20,
  rsi: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, k: 2 },
} as const;

/** 1s candles are left out by default: indicators over seconds are noise, and they are the most frequent. */
export const DEFAULT_LIVE_INDICATOR_INTERVALS: readonly CandleInterval[] = ['1m', '5m', '15m', '1h', '1d'];

/** Values after one candle; `null` while an indicator warms up. */
export interface LiveIndicatorValues {
  sma: number | null;
  ema: number | null;
  rsi: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHistogram: number | null;
  bollingerUpper: number | null;
  bollingerMiddle: number | null;
  bollingerLower: number | null;
}

class Series {
  readonly sma = new SmaStream(LIVE_INDICATOR_PARAMS.sma);
  readonly ema = new EmaStream(LIVE_INDICATOR_PARAMS.ema);
  readonly rsi = new RsiStream(LIVE_INDICATOR_PARAMS.rsi);
  readonly macd = new MacdStream(
    LIVE_INDICATOR_PARAMS.macd.fast,
    LIVE_INDICATOR_PARAMS.macd.slow,
    LIVE_INDICATOR_PARAMS.macd.signal,
  );
  readonly bollinger = new BollingerStream(
    LIVE_INDICATOR_PARAMS.bollinger.period,
    LIVE_INDICATOR_PARAMS.bollinger.k,
  );
  lastOpenTime = -Infinity;

  feed(close: number, append: boolean): LiveIndicatorValues {
    const op = append ? 'update' : 'replace';
    const sma = this.sma[op](close);
    const ema = this.ema[op](close);
    const rsi = this.rsi[op](close);
    const macd = this.macd[op](close);
    const bands = this.bollinger[op](close);
    return {
      sma: finite(sma),
      ema: finite(ema),
      rsi: finite(rsi),
      macd: finite(macd.macd),
      macdSignal: finite(macd.signal),
      macdHistogram: finite(macd.histogram),
      bollingerUpper: finite(bands.upper),
      bollingerMiddle: finite(bands.middle),
      bollingerLower: finite(bands.lower),
    };
  }
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The live indicator streams of every series one collector sees. */
export class LiveIndicators {
  readonly #series = new Map<string, Series>();
  readonly #intervals: ReadonlySet<CandleInterval>;

  /** @param intervals the candle intervals that get live values @default DEFAULT_LIVE_INDICATOR_INTERVALS */
  constructor(intervals: readonly CandleInterval[] = DEFAULT_LIVE_INDICATOR_INTERVALS) {
    this.#intervals = new Set(intervals);
  }

  /** Feeds one published candle; undefined when its interval is not live or it revises an older bar. */
  onCandle(candle: Candle): LiveIndicatorValues | undefined {
    if (!this.#intervals.has(candle.interval)) return undefined;
    const key = `${candle.exchange}|${candle.symbol}|${candle.interval}`;
    let series = this.#series.get(key);
    if (!series) this.#series.set(key, (series = new Series()));
    if (candle.openTime < series.lastOpenTime) return undefined;
    const append = candle.openTime > series.lastOpenTime;
    series.lastOpenTime = candle.openTime;
    return series.feed(candle.close, append);
  }
}

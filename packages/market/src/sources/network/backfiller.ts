/**
 * @module REST backfill after a disconnect or gap: the complete 1m candles between the last trade
 * before the outage and the first after it, fetched one request at a time (REST limits are per
 * IP) and put on the stream as venue candles. A failure is counted and logged; the disconnect
 * marker already told candles the window may be incomplete.
 */
import type { Logger } from '@tickline/kernel';
import type { CandleInterval, MarketMessage } from '../../port/market-message.ts';
import type { VenueDialect } from './dialect.ts';
import { createHttpGetJson } from './http-get.ts';
import type { ResolvedNetworkSourceOptions } from './options.ts';
import type { StatsRecorder } from './source-stats.ts';

const BACKFILL_INTERVAL: CandleInterval = '1m';
const BACKFILL_INTERVAL_MS = 60_000;

/** Runs backfills in order, one at a time. */
export class Backfiller {
  readonly #dialect: VenueDialect;
  readonly #o: ResolvedNetworkSourceOptions;
  readonly #recorder: StatsRecorder;
  readonly #push: (message: MarketMessage) => void;
  readonly #logger: () => Logger;
  readonly #get;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    dialect: VenueDialect,
    options: ResolvedNetworkSourceOptions,
    recorder: StatsRecorder,
    push: (message: MarketMessage) => void,
    logger: () => Logger,
    stop: AbortSignal,
  ) {
    this.#dialect = dialect;
    this.#o = options;
    this.#recorder = recorder;
    this.#push = push;
    this.#logger = logger;
    this.#get = createHttpGetJson(options.fetch, options.httpTimeoutMs, stop);
  }

  /**
   * Fetches the minutes that closed between `sinceMs` (last data before the outage) and `untilMs`
   * (first data after it). The minute holding `untilMs` is still forming, so it is not asked for.
   */
  request(symbol: string, sinceMs: number, untilMs: number): void {
    if (!this.#o.backfill || !this.#dialect.backfill) return;
    const from = Math.max(sinceMs, untilMs - this.#o.maxBackfillMs);
    const fromOpen = Math.floor(from / BACKFILL_INTERVAL_MS) * BACKFILL_INTERVAL_MS;
    const toOpen = Math.floor(untilMs / BACKFILL_INTERVAL_MS) * BACKFILL_INTERVAL_MS;
    if (toOpen <= fromOpen) return; // inside one forming minute: the marker is all there is
    const backfill = this.#dialect.backfill.bind(this.#dialect);
    const request = { symbol, interval: BACKFILL_INTERVAL, fromOpen, toOpen };
    this.#recorder.add('backfillRequests');
    this.#chain = this.#chain.then(async () => {
      try {
        const candles = await backfill(request, this.#o.restUrl, this.#get);
        const inWindow = candles
          .filter((c) => c.symbol === symbol && c.openTime >= fromOpen && c.openTime < toOpen)
          .sort((a, b) => a.openTime - b.openTime);
        for (const candle of inWindow) this.#push({ kind: 'candle', candle, backfill: true });
        this.#recorder.add('backfillCandles', inWindow.length);
      } catch (error) {
        this.#recorder.add('backfillFailures');
        this.#logger().warn({ err: error, ...request }, 'backfill failed; the gap stays marked');
      }
    });
  }

  /** Resolves when every requested backfill has finished. */
  idle(): Promise<void> {
    return this.#chain;
  }
}

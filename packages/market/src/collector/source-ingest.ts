/**
 * @module One source's hot path: validate each trade against the configured rules, then update
 * the latest-value store and the candle aggregator and publish `market.trade` — all synchronous,
 * publishing fire-and-forget. Rejected trades are counted and handed to the quarantine. Forming
 * candles are published at most once per `candleUpdateIntervalMs` per series (every trade
 * touches six intervals: one event each would multiply the log's load by seven); closes and
 * corrections are published at once.
 */
import { createEventSource, type Clock, type EventEnvelope, type EventSource } from '@tickline/kernel';
import type { CandleAggregator, CandleOutput } from '../candles/aggregator.ts';
import {
  MarketCandleClosed,
  MarketCandleUpdated,
  MarketIndicatorsUpdated,
  MarketTrade,
} from '../candles/events.ts';
import { LIVE_INDICATOR_PARAMS, type LiveIndicators } from '../indicators/live/live-indicators.ts';
import type { LatestStore } from '../latest/latest-store.ts';
import { toVenueSymbol } from '../normalize/symbols.ts';
import type { TradeValidator } from '../normalize/trade-validator.ts';
import type { Candle, CandleInterval, MarketMessage, Trade } from '../port/market-message.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { QuarantinedMessage } from './quarantine-buffer.ts';
import { packTrade, type PackedLane } from './trade-packing.ts';

/**
 * One trade in this many has its lag observed: a histogram observation per trade costs more than
 * the rest of the metrics together, and a 1-in-8 sample of 100k trades/s is still 12k a second.
 */
export const LAG_SAMPLE_EVERY = 8;

/** Publishes an event without waiting (the process publisher's `publish`). */
export type PublishEvent = (event: EventEnvelope) => void;

/** Options for {@link SourceIngest}. */
export interface SourceIngestOptions {
  /** The source's name; events carry `source: collector/<name>`. */
  source: string;
  publish: PublishEvent;
  /**
   * The publisher's packed lane (a worker publisher): trades go as packed fields and their events
   * are built on the publisher's thread. @default none: trades are published as events
   */
  lane?: PackedLane;
  validator: TradeValidator;
  aggregator: CandleAggregator;
  intervals: readonly CandleInterval[];
  clock: Clock;
  /** Live indicator streams fed with every published candle. @default none */
  indicators?: LiveIndicators;
  latest?: LatestStore;
  quarantine?: (row: QuarantinedMessage) => void;
  metrics?: CollectorMetrics;
}

/** Counters of one source since start. */
export interface SourceIngestStats {
  trades: number;
  rejected: number;
  candles: number;
  lastTradeAt: number | null;
}

/** Runs messages of one source through validation, candles and the publisher. */
export class SourceIngest {
  readonly #o: SourceIngestOptions;
  readonly #events: EventSource;
  readonly #dirty = new Set<string>();
  readonly #tradeCounter: { inc(value?: number): void } | undefined;
  /** Trades not yet added to the Prometheus counter (added on each flush, not per trade). */
  #uncounted = 0;
  readonly stats: SourceIngestStats = { trades: 0, rejected: 0, candles: 0, lastTradeAt: null };
  #reportedLate = 0;

  constructor(options: SourceIngestOptions) {
    this.#o = options;
    this.#events = createEventSource({ source: `collector/${options.source}`, clock: options.clock });
    // Bound once: label lookup per trade costs more than the increment.
    this.#tradeCounter = options.metrics?.trades.labels({ source: options.source });
  }

  /** Handles one message from the source. Never throws for bad data. */
  onMessage(message: MarketMessage): void {
    switch (message.kind) {
      case 'trade':
        this.#onTrade(message.trade);
        return;
      case 'candle':
        this.#onVenueCandle(message.candle, message.backfill === true);
        return;
      case 'disconnect':
        // The forming candles turn incomplete; the next flush publishes them so.
        for (const symbol of message.symbols) this.#dirty.add(symbol);
        this.#emitCandles(this.#o.aggregator.onDisconnect(message));
        return;
    }
  }

  #onTrade(raw: Trade): void {
    // The hot path allocates nothing per trade: a trade already in form is taken as it is, and
    // with a packed lane its event is built on the publisher's thread.
    if (this.#o.validator.accepts(raw)) {
      this.#accept(raw);
      return;
    }
    // Sources emit canonical symbols; validation reads a venue's spelling, so give it that.
    const result = this.#o.validator.validate({ ...raw, symbol: toVenueSymbol(raw.exchange, raw.symbol) });
    if (!result.ok) {
      this.stats.rejected++;
      this.#o.quarantine?.({
        receivedAt: raw.receivedAt,
        source: this.#o.source,
        exchange: raw.exchange,
        symbol: raw.symbol,
        reason: result.reason,
        payload: raw,
      });
      return;
    }
    this.#accept(result.trade);
  }

  #accept(trade: Trade): void {
    this.#o.latest?.write(trade);
    if (this.#o.lane) packTrade(this.#o.lane, this.#o.source, trade, this.#o.clock.now());
    else this.#o.publish(this.#events.create(MarketTrade, { subject: trade.symbol, data: trade }));
    this.stats.trades++;
    this.stats.lastTradeAt = trade.exchangeTime;
    if (++this.#uncounted % LAG_SAMPLE_EVERY === 0 && this.#o.metrics) {
      this.#o.metrics.lag.observe(Math.max(0, this.#o.clock.now() - trade.exchangeTime) / 1000);
    }
    this.#dirty.add(trade.symbol);
    const outputs = this.#o.aggregator.onTrade(trade);
    if (outputs.length > 0) this.#emitCandles(outputs);
  }

  #onVenueCandle(candle: Candle, backfill: boolean): void {
    // A venue's own candle (kline feed, CSV candle replay, REST backfill): published as is, closed
    // once over. A backfill says so, for the data version of a stored bar it rewrites.
    const closed = candle.closeTime <= this.#o.clock.now();
    this.#publishCandle(closed ? 'closed' : 'updated', candle, false, backfill);
  }

  #emitCandles(outputs: readonly CandleOutput[]): void {
    for (const output of outputs) {
      // Forming updates are coalesced (flushUpdates); closes and corrections go at once.
      if (output.type === 'closed') this.#publishCandle('closed', output.candle, output.correction);
      else this.#dirty.add(output.candle.symbol);
    }
  }

  #publishCandle(type: CandleOutput['type'], candle: Candle, correction: boolean, backfill = false): void {
    this.stats.candles++;
    this.#o.publish(
      type === 'closed'
        ? this.#events.create(MarketCandleClosed, {
            subject: candle.symbol,
            data: backfill ? { ...candle, correction, backfill } : { ...candle, correction },
          })
        : this.#events.create(MarketCandleUpdated, { subject: candle.symbol, data: candle }),
    );
    const values = this.#o.indicators?.onCandle(candle);
    if (!values) return;
    this.#o.publish(
      this.#events.create(MarketIndicatorsUpdated, {
        subject: candle.symbol,
        data: {
          exchange: candle.exchange,
          symbol: candle.symbol,
          interval: candle.interval,
          openTime: candle.openTime,
          closed: type === 'closed',
          params: LIVE_INDICATOR_PARAMS,
          values,
        },
      }),
    );
  }

  /** Publishes the forming candle of every series that changed since the last call. */
  flushUpdates(): void {
    if (this.#uncounted > 0) {
      this.#tradeCounter?.inc(this.#uncounted);
      this.#uncounted = 0;
    }
    for (const symbol of this.#dirty) {
      for (const interval of this.#o.intervals) {
        const forming = this.#o.aggregator.forming(symbol, interval);
        if (forming) this.#publishCandle('updated', forming, false);
      }
    }
    this.#dirty.clear();
  }

  /**
   * Closes candles whose end passed with no trade (a quiet market still gets its candles). Call
   * it only while the source is quiet: a busy source closes candles with its own trades, and one
   * running behind the clock would otherwise have candles closed under a backlog of their trades,
   * each of which would then publish a correction.
   */
  advance(nowMs: number): void {
    this.#emitCandles(this.#o.aggregator.advance(nowMs));
    const dropped = this.#o.aggregator.droppedLate;
    if (dropped > this.#reportedLate) {
      this.#o.metrics?.droppedLate.inc({ source: this.#o.source }, dropped - this.#reportedLate);
      this.#reportedLate = dropped;
    }
  }
}

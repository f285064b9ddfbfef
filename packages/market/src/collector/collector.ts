/**
 * @module The market collector: runs the configured sources concurrently and feeds each one's
 * messages through its {@link SourceIngest} (validate → latest store → candles → publish). A
 * source that fails to start or whose stream throws is marked failed and logged; the others and
 * the process carry on. Source status changes are published as `market.source.status`.
 */
import {
  createEventSource,
  ServiceStatus,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type Registry,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { CandleAggregator, type CandleAggregatorOptions } from '../candles/aggregator.ts';
import { createLiveSessionBucketer } from '../calendars/session-buckets.ts';
import { isEquitySymbol } from '../normalize/equity-symbols.ts';
import { MarketSourceStatus } from '../candles/events.ts';
import { ALL_INTERVALS } from '../candles/intervals.ts';
import { LiveIndicators } from '../indicators/live/live-indicators.ts';
import type { CandleInterval } from '../port/market-message.ts';
import type { LatestStore } from '../latest/latest-store.ts';
import { createTradeValidator, type TradeValidator } from '../normalize/trade-validator.ts';
import type { ValidationRules } from '../normalize/validate-trade.ts';
import type { MarketKind } from '../port/market-message.ts';
import { continuesStoredPast, type MarketSource } from '../port/market-source.ts';
import { SourceState } from '../port/source-status.ts';
import { createCollectorMetrics, setSourceStateGauge, type CollectorMetrics } from './collector-metrics.ts';
import { QuarantineBuffer, type QuarantineBufferOptions } from './quarantine-buffer.ts';
import { runSource, type SourceReport, type SourceRun } from './source-run.ts';
import { SourceIngest, type PublishEvent } from './source-ingest.ts';
import { DEFAULT_CANDLE_UPDATE_INTERVAL_MS } from '../config.ts';

export { DEFAULT_CANDLE_UPDATE_INTERVAL_MS };
import type { PackedLane } from './trade-packing.ts';

/** How often forming candles are published. */
/**
 * A source with no trade for this long is quiet: its candles then close on the wall clock, this
 * long after their end (a trade in the next bucket closes them at once). The delay leaves room for
 * venue clocks a little behind ours.
 */
export const IDLE_CLOSE_DELAY_MS = 1_000;

/** One source and what to subscribe on it. */
export interface CollectorSource {
  source: MarketSource;
  /** Canonical symbols. */
  symbols: readonly string[];
  /** @default ['trade'] */
  kinds?: readonly MarketKind[];
  /**
   * Historical or simulated-ahead data (a CSV replay, the simulator at full speed): no age bounds
   * on exchange time, candles close only on the data's own time, never on the wall clock, and the
   * source is pulled no faster than the publisher drains. @default false
   */
  replay?: boolean;
}

/** Options for {@link createMarketCollector}. */
export interface MarketCollectorOptions {
  sources: readonly CollectorSource[];
  /** The publisher's `publish` (fire-and-forget). Read at start. */
  publish: () => PublishEvent;
  /**
   * The publisher's packed lane, when it runs in a worker (`createWorkerPublisher` with
   * {@link TRADE_CODEC_URL} among its codecs): trades then cross as packed fields and their events
   * are built, encoded and appended on the worker. Read at start. @default none
   */
  lane?: () => PackedLane | undefined;
  /** Updated with every accepted trade. @default none */
  latest?: LatestStore;
  /** Bounds and known symbols. @default the validator's defaults, any well-formed symbol */
  validation?: ValidationRules;
  /** @default all intervals, the aggregator's grace window */
  candles?: Pick<CandleAggregatorOptions, 'intervals' | 'graceMs'>;
  /** @default 250 */
  candleUpdateIntervalMs?: number;
  /**
   * Candle intervals whose published candles also publish `market.indicators.updated`; `[]` turns
   * live indicators off. @default DEFAULT_LIVE_INDICATOR_INTERVALS (1m and up)
   */
  liveIndicatorIntervals?: readonly CandleInterval[];
  /** Where rejected trades are written in batches. @default none: only counted */
  quarantine?: Omit<QuarantineBufferOptions, 'logger'>;
  /**
   * True while the publisher's queue is congested; replay sources pause then (pulled no faster
   * than the log takes them). Live sources never wait. @default never congested
   */
  congested?: () => boolean;
  /** @default systemClock */
  clock?: Clock;
  /** @default none */
  metrics?: Registry;
  /** @default the service context's logger */
  logger?: Logger;
}

/** The collector service. */
export interface MarketCollector extends Service {
  /** Status and counters of each source, in configuration order. */
  sources(): SourceReport[];
  /** Rejections by reason, over all sources. */
  rejected(): Readonly<Record<string, number>>;
}

/**
 * Creates the collector; start it after the publisher.
 * @example
 * const collector = createMarketCollector({ sources: [{ source: new SimulatorSource(), symbols: ['BTC-USDT'] }], publish: () => publisher.publish.bind(publisher) });
 */
export function createMarketCollector(options: MarketCollectorOptions): MarketCollector {
  return new Collector(options);
}

class Collector implements MarketCollector {
  readonly name = 'market-collector';
  readonly #o: MarketCollectorOptions;
  readonly #clock: Clock;
  readonly #intervals;
  readonly #metrics: CollectorMetrics | undefined;
  readonly #validators: TradeValidator[] = [];
  #runs: SourceRun[] = [];
  /** Per run: its trade count when last changed, and since when (wall clock). */
  readonly #quiet = new Map<SourceRun, { trades: number; since: number }>();
  #quarantine: QuarantineBuffer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #state: ServiceStatus = ServiceStatus.Starting;

  constructor(options: MarketCollectorOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#intervals = options.candles?.intervals ?? ALL_INTERVALS;
    this.#metrics = options.metrics ? createCollectorMetrics(options.metrics) : undefined;
  }

  async start(context: ServiceContext): Promise<void> {
    const logger = this.#o.logger ?? context.logger ?? silentLogger;
    const publish = this.#o.publish();
    const lane = this.#o.lane?.();
    if (this.#o.quarantine) {
      this.#quarantine = new QuarantineBuffer({ ...this.#o.quarantine, logger });
      this.#quarantine.start();
    }
    const quarantine = this.#quarantine;
    this.#runs = this.#o.sources.map(({ source, symbols, kinds, replay }) => {
      const validator = createTradeValidator({
        ...this.#o.validation,
        ...(replay ? { maxPastMs: Number.POSITIVE_INFINITY, maxFutureMs: Number.POSITIVE_INFINITY } : {}),
        ...(this.#o.metrics ? { metrics: this.#o.metrics } : {}),
      });
      this.#validators.push(validator);
      const ingest = new SourceIngest({
        source: source.name,
        publish,
        ...(lane ? { lane } : {}),
        validator,
        aggregator: new CandleAggregator({
          ...this.#o.candles,
          intervals: this.#intervals,
          emitUpdates: false,
          // Shares get candles per session; a source of crypto pairs keeps the allocation-free UTC path.
          ...(symbols.some(isEquitySymbol) ? { buckets: this.#sessionBuckets(logger) } : {}),
        }),
        intervals: this.#intervals,
        clock: this.#clock,
        indicators: new LiveIndicators(this.#o.liveIndicatorIntervals),
        ...(this.#o.latest ? { latest: this.#o.latest } : {}),
        ...(quarantine ? { quarantine: (row) => quarantine.add(row) } : {}),
        ...(this.#metrics ? { metrics: this.#metrics } : {}),
      });
      // The previous run (if any) stopped mid-candle: mark the first candles incomplete — except
      // where the feed continues a past the source has just stored (a fresh simulator's history).
      const gapped = symbols.filter((symbol) => !continuesStoredPast(source, symbol));
      if (gapped.length > 0)
        ingest.onMessage({
          kind: 'disconnect',
          exchange: source.exchange,
          symbols: gapped,
          at: this.#clock.now(),
          reason: 'collector started',
        });
      const events = createEventSource({ source: `collector/${source.name}`, clock: this.#clock });
      return runSource({
        replay: replay ?? false,
        ...(this.#o.congested ? { congested: this.#o.congested } : {}),
        source,
        symbols,
        kinds: kinds ?? ['trade'],
        ingest,
        clock: this.#clock,
        logger: logger.child({ source: source.name }),
        onStatus: (change) => {
          if (this.#metrics) setSourceStateGauge(this.#metrics, source.name, change.state);
          const detail = change.detail === undefined ? {} : { detail: change.detail };
          publish(
            events.create(MarketSourceStatus, {
              subject: source.name,
              data: {
                source: source.name,
                exchange: source.exchange,
                state: change.state,
                at: change.at,
                ...detail,
              },
            }),
          );
        },
      });
    });
    const updateMs = this.#o.candleUpdateIntervalMs ?? DEFAULT_CANDLE_UPDATE_INTERVAL_MS;
    this.#timer = setInterval(() => this.#tick(), updateMs).unref();
    this.#state = ServiceStatus.Up;
    logger.info(
      { sources: this.#runs.map((r) => r.report().name), intervals: this.#intervals },
      'market collector started',
    );
  }

  /** Session buckets whose missing calendar years are logged once each (the feed goes on). */
  #sessionBuckets(logger: Logger) {
    const reported = new Set<string>();
    return createLiveSessionBucketer((error) => {
      const { exchange, year } = (error.details ?? {}) as { exchange?: string; year?: number };
      const key = `${exchange}:${year}`;
      if (reported.has(key)) return;
      reported.add(key);
      logger.warn(
        { code: error.code, exchange, year },
        'no exchange calendar: trades build no session candles',
      );
    });
  }

  #tick(): void {
    const now = this.#clock.now();
    for (const run of this.#runs) {
      // Quiet since the last tick that saw a trade: only then does the wall clock close candles.
      const seen = run.ingest.stats.trades;
      const quiet = this.#quiet.get(run);
      if (!quiet || quiet.trades !== seen) this.#quiet.set(run, { trades: seen, since: now });
      else if (!run.replay && now - quiet.since >= IDLE_CLOSE_DELAY_MS) {
        run.ingest.advance(now - IDLE_CLOSE_DELAY_MS);
      }
      run.ingest.flushUpdates();
      run.sample(now);
    }
  }

  async stop(): Promise<void> {
    this.#state = ServiceStatus.Stopping;
    clearInterval(this.#timer);
    await Promise.all(this.#runs.map((run) => run.stop()));
    // Publish the last forming candles so the store holds what was collected up to the stop.
    for (const run of this.#runs) run.ingest.flushUpdates();
    await this.#quarantine?.stop();
    this.#state = ServiceStatus.Stopped;
  }

  health(): ServiceHealth {
    const reports = this.sources();
    const notLive = reports.filter((r) => r.state !== SourceState.Live);
    const info = { sources: Object.fromEntries(reports.map((r) => [r.name, r.state])) };
    if (this.#state === ServiceStatus.Up && notLive.length > 0) {
      return {
        status: ServiceStatus.Degraded,
        detail: `not live: ${notLive.map((r) => `${r.name} (${r.state})`).join(', ')}`,
        info,
      };
    }
    return { status: this.#state, info };
  }

  sources(): SourceReport[] {
    return this.#runs.map((run) => run.report());
  }

  rejected(): Readonly<Record<string, number>> {
    const total: Record<string, number> = {};
    for (const v of this.#validators) {
      for (const [reason, n] of Object.entries(v.rejected())) total[reason] = (total[reason] ?? 0) + (n ?? 0);
    }
    return total;
  }
}

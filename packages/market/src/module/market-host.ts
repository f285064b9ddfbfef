/**
 * @module Market data as a host of the process, by role: the collector (sources → publisher) on
 * `collector`; the trade and candle projections and the scheduled jobs (partition maintenance) on
 * `platform`; delivery to live channels and the routes' latest-value store on `gateway`; all of
 * them on `all`. In scaled mode the delivery runs on `platform`, whose channel relay puts its
 * messages on the delivery log for the gateways. The view is what the routes read.
 */
import { onlyTypes, type ConsumerFactory, type Publisher } from '@tickline/eventlog';
import type {
  ChannelSink,
  Clock,
  EventEnvelope,
  ModuleBaseDeps,
  ModuleHost,
  RequestAuth,
  Service,
} from '@tickline/kernel';
import type { FastifyRequest } from 'fastify';
import { createMarketCollector, type MarketCollector } from '../collector/collector.ts';
import type { PackedLane } from '../collector/trade-packing.ts';
import { routeLiveOnly } from '../candles/live-only.ts';
import { createMarketDelivery } from './market-delivery.ts';
import { partitionMaintenanceJob } from '../jobs/partition-job.ts';
import { resolveArchiveSettings } from '../archive/archive-settings.ts';
import { pruneProcessedEventsJob } from '../jobs/prune-processed-job.ts';
import { createJobScheduler, type JobScheduler } from '../jobs/scheduler.ts';
import { createSqlJobRunRecorder } from '../jobs/sql-job-runs.ts';
import { LatestStore } from '../latest/latest-store.ts';
import type { SourceStatusChange } from '../port/source-status.ts';
import {
  createCandleProjection,
  createTradeProjection,
  MARKET_CANDLES_CONSUMER,
  MARKET_TRADES_CONSUMER,
} from '../storage/projections.ts';
import { insertQuarantine } from '../storage/quarantine.ts';
import { createReadSql, type ReadSql, type Sql } from '@tickline/store';
import type { MarketSettings } from '../config.ts';
import { corporateActionProvider, type CorporateActionProvider } from './corporate-action-provider.ts';
import { createBackfillJobs } from './market-backfill-jobs.ts';
import { collectedSymbols, createConfiguredSources } from './market-sources.ts';
import { createSimulatorHistory } from './simulator-history.ts';
import type { MarketView, SourceView } from './market-view.ts';
import { createRemoteMarketState, type LiveState } from './remote-state.ts';
import { openMarketReadCache, type MarketRedisSettings } from './market-read-cache-service.ts';

/** Which market parts a role runs. */
export interface MarketParts {
  collect: boolean;
  project: boolean;
  deliver: boolean;
}

/** Roles are the composition root's; a role it does not list here runs no market part. */
export const MARKET_PARTS: Readonly<Record<string, MarketParts>> = {
  all: { collect: true, project: true, deliver: true },
  gateway: { collect: false, project: false, deliver: true },
  collector: { collect: true, project: false, deliver: false },
  // The channel relay runs the delivery here in scaled mode (gateways take channels by interest).
  platform: { collect: false, project: true, deliver: true },
};
const NOTHING: MarketParts = { collect: false, project: false, deliver: false };

/** What {@link createMarketHost} is built from. */
export interface MarketHostDeps extends ModuleBaseDeps<MarketSettings> {
  /** The process role: which parts run (see {@link MARKET_PARTS}). */
  role: string;
  sql: Sql;
  /** Read-only queries (the read replica when configured). @default the primary `sql` */
  reads?: ReadSql | undefined;
  publisher: Publisher;
  /**
   * The same publisher's packed lane, when it runs in a worker thread (`publisher.thread:
   * worker`, with this module's `packedCodecs` loaded): the collector then writes each trade's
   * fields and the worker builds, encodes and sends its event. Absent: trades are events here.
   */
  lane?: PackedLane | undefined;
  consumers: ConsumerFactory;
  /** The sections of other domains this one reads. */
  config: {
    readonly publisher: { readonly maxQueuedEvents: number };
    /** Shared state: the read cache lives in Redis when its url is set. */
    readonly redis?: MarketRedisSettings | undefined;
  };
  /**
   * This process's real-time hub, where one runs here: live-only events (forming candles,
   * indicator updates) are delivered through it and never written to the durable log. Absent (a
   * collector apart from the gateways): they stay on the log, as gateways still need them.
   */
  liveSink?: ChannelSink | undefined;
  /**
   * The newest message of a channel on the delivery log (realtime's `liveState`), where this
   * process is a gateway taking only its clients' channels: tickers and sources are read there.
   */
  liveState?: LiveState | undefined;
  /** Identity's host, where the routes are served (their admin views need it). */
  identity?: { auth: RequestAuth<FastifyRequest> } | undefined;
  /** The process's data directory: the archive's files go under it unless `market.archive.dir` says. @default './data' */
  dataDir?: string | undefined;
}

/** Market on a running process. */
export interface MarketHost extends ModuleHost {
  readonly view: MarketView;
  readonly parts: MarketParts;
  /** `market.symbols` and the symbols the configured sources name: what this deployment collects. */
  readonly symbols: readonly string[];
  readonly auth: RequestAuth<FastifyRequest> | undefined;
  readonly tickerIntervalMs: number;
  /** The process clock: the instant a market's session state is told for. */
  readonly clock: Clock;
  /** Remembers each `market.source.status` seen (where no collector runs here); every source's status. */
  noteSourceStatus(change: SourceStatusChange): readonly SourceView[];
  /**
   * A provider's corporate actions for a symbol (the configured Alpaca source's account, for US
   * shares); absent when no source offers them.
   */
  readonly corporateActions: CorporateActionProvider | undefined;
}

const retention = (ms: number): number | null => (ms === 0 ? null : ms);
/** The server's own default (`dataDir`), for a host built without one. */
const DEFAULT_DATA_DIR = './data';

export function createMarketHost(deps: MarketHostDeps): MarketHost {
  const { settings: market, sql, metrics, publisher } = deps;
  const parts = (market.enabled ? MARKET_PARTS[deps.role] : undefined) ?? NOTHING;
  const latest = new LatestStore();
  const services: Service[] = [];
  let collector: MarketCollector | undefined;
  let jobs: JobScheduler | undefined;
  const seen = new Map<string, SourceStatusChange>();
  // A contradiction (archive after retention) fails at start, not at the first job run.
  const archive = resolveArchiveSettings(market, deps.dataDir ?? DEFAULT_DATA_DIR);
  // Only where the candles are read or projected.
  const readCache =
    parts.deliver || parts.project
      ? openMarketReadCache({ role: deps.role, redis: deps.config.redis, metrics, logger: deps.logger })
      : { cache: undefined, service: undefined };
  if (readCache.service) services.push(readCache.service);
  const cache = readCache.cache;

  // One scheduler for the role's jobs: partition upkeep where projections run, backfills where
  // the sources run (both on `all`), so the job status API shows them together.
  const configured = parts.collect ? createConfiguredSources(market, metrics) : undefined;
  const jobDefinitions = [
    ...(parts.project
      ? [
          partitionMaintenanceJob({
            sql,
            schedule: market.jobs.partitionMaintenance,
            trades: { retentionMs: retention(market.retention.tradesMs) },
            candles: { retentionMs: retention(market.retention.candlesMs) },
            ...(archive.enabled
              ? {
                  archive: {
                    dir: archive.dir,
                    afterMs: archive.afterMs,
                    logger: deps.logger.child({ job: 'market-archive' }),
                  },
                }
              : {}),
          }),
          // Every SQL consumer's idempotency table (one table, all consumers), where projections run.
          pruneProcessedEventsJob({
            sql,
            schedule: market.jobs.pruneProcessedEvents,
            redeliveryWindowMs: market.jobs.redeliveryWindowMs,
          }),
        ]
      : []),
    ...(configured ? createBackfillJobs(configured.sources, market.jobs.backfill) : []),
  ];
  if (jobDefinitions.length > 0) {
    jobs = createJobScheduler({
      name: 'market-jobs',
      metrics,
      recorder: createSqlJobRunRecorder(sql),
      jobs: jobDefinitions,
    });
    services.push(jobs);
  }

  if (parts.project) {
    const trades = createTradeProjection({ sql });
    const candles = createCandleProjection({ sql, ...(cache ? { cache } : {}) });
    services.push(
      deps.consumers({ name: MARKET_TRADES_CONSUMER, handle: onlyTypes([...trades.types], trades.handle) }),
      deps.consumers({
        name: MARKET_CANDLES_CONSUMER,
        handle: onlyTypes([...candles.types], candles.handle),
      }),
    );
  }

  if (configured) {
    // Before the collector: the simulators' past is stored before their first live candle.
    const history = createSimulatorHistory({
      sql,
      sources: configured.sources,
      intervals: market.candles.intervals,
    });
    if (history) services.push(history);
    const durable = (event: EventEnvelope) => publisher.publish(event);
    const live = deps.liveSink
      ? createMarketDelivery({
          sink: deps.liveSink,
          latest,
          feedLatest: false,
          tickerIntervalMs: market.tickerIntervalMs,
        })
      : undefined;
    const publish = live ? routeLiveOnly({ durable, live: (event) => live.deliver([event]) }) : durable;
    collector = createMarketCollector({
      sources: configured.sources,
      publish: () => publish,
      lane: () => deps.lane,
      latest,
      validation: {
        knownSymbols: configured.symbols,
        maxFutureMs: market.validation.maxFutureMs,
        maxPastMs: market.validation.maxPastMs,
      },
      candles: { intervals: market.candles.intervals, graceMs: market.candles.graceMs },
      candleUpdateIntervalMs: market.candles.updateIntervalMs,
      liveIndicatorIntervals: market.candles.liveIndicatorIntervals,
      congested: () => publisher.stats().queued > deps.config.publisher.maxQueuedEvents / 2,
      quarantine: { sink: async (rows) => void (await insertQuarantine(sql, rows)) },
      metrics,
    });
    services.push(collector);
  }

  const sourceViews = (): SourceView[] =>
    collector
      ? collector.sources()
      : [...seen.values()].map((s) => ({
          name: s.source,
          exchange: s.exchange,
          state: s.state,
          since: s.at,
          ...(s.detail === undefined ? {} : { detail: s.detail }),
        }));
  // No trade reaches a scaled gateway unless a client watches its symbol: read the log's newest.
  const remote =
    deps.liveState && !collector
      ? createRemoteMarketState(deps.liveState, market.tickerIntervalMs)
      : undefined;
  const view: MarketView = {
    sql,
    reads: deps.reads ?? createReadSql({ primary: sql }),
    cache,
    latest,
    jobs,
    archive,
    feedLatest: !collector,
    ticker: async (symbol) => latest.get(symbol) ?? (await remote?.ticker(symbol)),
    async tickers(symbols) {
      const held = latest.snapshot().tickers;
      const others = remote
        ? await Promise.all(symbols.filter((s) => !held.has(s)).map((s) => remote.ticker(s)))
        : [];
      return [...held.values(), ...others.filter((t) => t !== undefined)];
    },
    sources: async () => (remote ? remote.sources() : sourceViews()),
  };
  return {
    services,
    view,
    parts,
    symbols: collectedSymbols(market),
    auth: deps.identity?.auth,
    tickerIntervalMs: market.tickerIntervalMs,
    clock: deps.clock,
    corporateActions: corporateActionProvider(market.sources),
    noteSourceStatus(change) {
      seen.set(change.source, change);
      return sourceViews();
    },
  };
}

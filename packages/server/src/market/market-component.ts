/**
 * @module Market data as components of the process, by role: the collector (sources → publisher)
 * on `collector`; the trade and candle projections and the scheduled jobs (partition maintenance)
 * on `platform`; delivery to live channels and the routes' latest-value store on `gateway`; all
 * of them on `all`. The view is what the routes read.
 */
import type { Publisher } from '@tickline/eventlog';
import type { EventRegistry, Service } from '@tickline/kernel';
import {
  createCandleProjection,
  createJobScheduler,
  createMarketCollector,
  createTradeProjection,
  MarketCandleClosed,
  MarketCandleUpdated,
  MarketTrade,
  insertQuarantine,
  LatestStore,
  partitionMaintenanceJob,
  createSqlJobRunRecorder,
  MARKET_CANDLES_CONSUMER,
  MARKET_TRADES_CONSUMER,
  type JobScheduler,
  type MarketCollector,
  type SourceStatusChange,
} from '@tickline/market';
import type { Hub } from '@tickline/realtime';
import type { Sql } from '@tickline/store';
import type { ResolvedConfig } from '../config/load.ts';
import type { RoleName } from '../config/schema.ts';
import type { SharedServices } from '../process/runtime.ts';
import { createConsumerService } from '../wiring/consumer.ts';
import { onlyTypes } from '../wiring/only-types.ts';
import { createBackfillJobs } from './market-backfill-jobs.ts';
import { createMarketDelivery, MARKET_DELIVERY_CONSUMER } from './market-delivery.ts';
import type { MarketConfig } from './market-config-schema.ts';
import { createConfiguredSources } from './market-sources.ts';
import type { MarketView, SourceView } from './market-view.ts';

/** Which market parts a role runs. */
export interface MarketParts {
  collect: boolean;
  project: boolean;
  deliver: boolean;
}

export const MARKET_PARTS: Readonly<Record<RoleName, MarketParts>> = {
  all: { collect: true, project: true, deliver: true },
  gateway: { collect: false, project: false, deliver: true },
  collector: { collect: true, project: false, deliver: false },
  platform: { collect: false, project: true, deliver: false },
  game: { collect: false, project: false, deliver: false },
  strategy: { collect: false, project: false, deliver: false },
};

/** Options for {@link createMarketComponent}. */
export interface MarketComponentOptions {
  config: ResolvedConfig;
  shared: SharedServices;
  sql: () => Sql;
  publisher: () => Publisher;
  registry: EventRegistry;
  /** The started hub, where real-time delivery runs. */
  hub: (() => Hub) | undefined;
}

/** The services to start, in order, and the view for the routes. */
export interface MarketComponent {
  services: Service[];
  view: MarketView;
}

const retention = (ms: number): number | null => (ms === 0 ? null : ms);

export function createMarketComponent(options: MarketComponentOptions): MarketComponent {
  const { config, shared, sql } = options;
  const market = config.market;
  const parts = MARKET_PARTS[config.role];
  const latest = new LatestStore();
  const services: Service[] = [];
  let collector: MarketCollector | undefined;
  let jobs: JobScheduler | undefined;
  const seen = new Map<string, SourceStatusChange>();

  // One scheduler for the role's jobs: partition upkeep where projections run, backfills where
  // the sources run (both on `all`), so the job status API shows them together.
  const configured = parts.collect ? createConfiguredSources(market as MarketConfig, shared.metrics) : undefined;
  const jobDefinitions = [
    ...(parts.project
      ? [
          partitionMaintenanceJob({
            sql,
            schedule: market.jobs.partitionMaintenance,
            trades: { retentionMs: retention(market.retention.tradesMs) },
            candles: { retentionMs: retention(market.retention.candlesMs) },
          }),
        ]
      : []),
    ...(configured ? createBackfillJobs(configured.sources, market.jobs.backfill) : []),
  ];
  if (jobDefinitions.length > 0) {
    jobs = createJobScheduler({
      name: 'market-jobs',
      metrics: shared.metrics,
      recorder: createSqlJobRunRecorder(sql),
      jobs: jobDefinitions,
    });
    services.push(jobs);
  }

  if (parts.project) {
    services.push(
      createConsumerService(shared, {
        name: MARKET_TRADES_CONSUMER,
        registry: options.registry,
        handle: onlyTypes([MarketTrade.type], createTradeProjection({ sql }).handle),
      }),
      createConsumerService(shared, {
        name: MARKET_CANDLES_CONSUMER,
        registry: options.registry,
        handle: onlyTypes(
          [MarketCandleUpdated.type, MarketCandleClosed.type],
          createCandleProjection({ sql }).handle,
        ),
      }),
    );
  }

  if (configured) {
    collector = createMarketCollector({
      sources: configured.sources,
      publish: () => {
        const publisher = options.publisher();
        return (event) => publisher.publish(event);
      },
      latest,
      validation: {
        knownSymbols: configured.symbols,
        maxFutureMs: market.validation.maxFutureMs,
        maxPastMs: market.validation.maxPastMs,
      },
      candles: { intervals: market.candles.intervals, graceMs: market.candles.graceMs },
      candleUpdateIntervalMs: market.candles.updateIntervalMs,
      liveIndicatorIntervals: market.candles.liveIndicatorIntervals,
      congested: () => options.publisher().stats().queued > config.publisher.maxQueuedEvents / 2,
      quarantine: { sink: async (rows) => void (await insertQuarantine(sql(), rows)) },
      metrics: shared.metrics,
    });
    services.push(collector);
  }

  if (parts.deliver && options.hub) {
    const delivery = createMarketDelivery({
      hub: options.hub,
      latest,
      feedLatest: !collector,
      onSourceStatus: (change) => seen.set(change.source, change),
      tickerIntervalMs: market.tickerIntervalMs,
    });
    const consumer = createConsumerService(shared, {
      name: MARKET_DELIVERY_CONSUMER,
      start: { from: 'latest' },
      // Every gateway holds this durable and takes a share; the bridge fans channels out.
      shared: true,
      registry: options.registry,
      handle: delivery.handle,
    });
    services.push({
      name: consumer.name,
      async start(context) {
        await consumer.start(context);
        delivery.start();
      },
      async stop() {
        delivery.stop();
        await consumer.stop();
      },
      health: () => consumer.health(),
    });
  }

  const view: MarketView = {
    sql,
    latest,
    jobs,
    sources(): SourceView[] {
      if (collector) return collector.sources();
      return [...seen.values()].map((s) => ({
        name: s.source,
        exchange: s.exchange,
        state: s.state,
        since: s.at,
        ...(s.detail === undefined ? {} : { detail: s.detail }),
      }));
    },
  };
  return { services, view };
}

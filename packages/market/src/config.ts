/**
 * @module Market's config section `market`: the sources the collector runs, the symbols it accepts,
 * validation bounds, candle intervals, the ticker rate on live streams, the scheduled jobs and
 * partition retention. The defaults are defined here, where the config shows them, and the market
 * code imports them; this file stays light (zod only) so printing help loads no venue adapter.
 */
import type { DeepReadonly } from '@tickline/kernel';
import { fileURLToPath } from 'node:url';
import { SymbolSchema } from '@tickline/protocol';
import { z } from 'zod';

const DAY_MS = 86_400_000;

/** How far ahead of arrival an exchange time may be (clock skew). */
export const DEFAULT_MAX_FUTURE_MS = 5_000;
/** How far behind arrival an exchange time may be: one day. */
export const DEFAULT_MAX_PAST_MS = DAY_MS;
/** How long after its close a candle still accepts late trades. */
export const DEFAULT_CANDLE_GRACE_MS = 5_000;
/** How often forming candles are published. */
export const DEFAULT_CANDLE_UPDATE_INTERVAL_MS = 250;
/** Every candle interval, shortest first. */
export const CANDLE_INTERVALS = ['1s', '1m', '5m', '15m', '1h', '1d'] as const;
/** Trades older than this are dropped, a whole day partition at a time. 30 days. */
export const DEFAULT_TRADE_RETENTION_MS = 30 * DAY_MS;
/** Candles older than this are dropped, a whole month partition at a time. About two years. */
export const DEFAULT_CANDLE_RETENTION_MS = 730 * DAY_MS;
/** Ticker messages per symbol on `market:{symbol}:ticker`: at most one per 250 ms (4/s). */
export const TICKER_INTERVAL_MS = 250;
/** Partition maintenance at minute 7 of every hour. */
export const PARTITION_MAINTENANCE_CRON = '7 * * * *';
/** Hourly at minute 37: away from partition upkeep (minute 7) and the top of the hour. */
export const DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE = '37 * * * *';
/** One day: far above any acknowledgement delay (store's DEFAULT_REDELIVERY_WINDOW_MS). */
export const DEFAULT_REDELIVERY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Twice an hour, off the hour (venues see fewer requests then). */
export const BACKFILL_CRON = '17,47 * * * *';
/** Recorded candles of a month are archived once it ended this many days ago. */
export const DEFAULT_ARCHIVE_AFTER_DAYS = 90;

/**
 * Minutes of its past a simulator writes on a fresh store (its `historyMinutes`): an hour of 1 s
 * candles (and the 1 m to 1 h ones they make), so a first start's charts, backtests and research
 * have data at once rather than after the live feed closed enough candles. About half a second of
 * a start on PGlite; a market the store has seen before gets none.
 */
export const DEFAULT_SIMULATOR_HISTORY_MINUTES = 60;

/** What `tickline start` shows with no configuration: three simulated markets. */
export const DEFAULT_SIMULATED_MARKETS = [
  { symbol: 'BTC-USDT', startPrice: 60_000 },
  { symbol: 'ETH-USDT', startPrice: 3_000 },
  { symbol: 'SOL-USDT', startPrice: 150 },
] as const;

const SourceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a lower-case, path-safe name');

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** market `SourceKind` */
export const SOURCE_KINDS = ['simulator', 'csv', 'binance', 'upbit', 'coinbase', 'alpaca', 'kis'] as const;

/**
 * One configured source. Only `kind` (or its alias `type`) and `name` are checked here; the rest
 * is the market package's `SourceConfig` for that kind, checked when the process starts (loading
 * the venue adapters just to print help would cost a second).
 */
export const MarketSourceEntrySchema = z.looseObject({
  kind: z
    .enum(SOURCE_KINDS)
    .describe('simulator, csv, binance, upbit, coinbase, alpaca (US shares) or kis (KRX shares).'),
  name: SourceName.optional().describe('Name in status, metrics and /markets/sources; default the kind.'),
});

function sourceEntry(value: unknown): unknown {
  const parsed = parseJson(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return parsed;
  const { type, ...rest } = parsed as Record<string, unknown>;
  return 'kind' in rest || type === undefined ? parsed : { kind: type, ...rest };
}

export const MarketSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Run the market components (collector, projections, live streams) in roles that have them.'),
  symbols: z
    .array(SymbolSchema)
    .default(DEFAULT_SIMULATED_MARKETS.map((m) => m.symbol))
    .describe(
      'Canonical symbols collected, with those the sources name; trades for other symbols are rejected (symbol_unknown).',
    ),
  sources: z
    .array(z.preprocess(sourceEntry, MarketSourceEntrySchema))
    .default([{ kind: 'simulator', markets: DEFAULT_SIMULATED_MARKETS.map((m) => ({ ...m })) }])
    .describe(
      'Sources the collector runs concurrently: objects with kind (simulator, csv, binance, upbit, coinbase, alpaca, kis) and that kind\'s options, e.g. {"kind":"binance","symbols":["BTC-USDT"]} (in the environment: a JSON array). A source without symbols subscribes to what it offers (CSV: every row). A simulator writes its past on a fresh store, historyMinutes of it (default 60, 0 for none, at most 1440): the candles its random walk made before the live feed, which continues that walk.',
    ),
  validation: z
    .strictObject({
      maxFutureMs: z
        .int()
        .min(0)
        .default(DEFAULT_MAX_FUTURE_MS)
        .describe('How far ahead of arrival an exchange time may be.'),
      maxPastMs: z
        .int()
        .min(0)
        .default(DEFAULT_MAX_PAST_MS)
        .describe('How far behind arrival an exchange time may be.'),
    })
    .prefault({}),
  candles: z
    .strictObject({
      intervals: z
        .array(z.enum(CANDLE_INTERVALS))
        .min(1)
        .default([...CANDLE_INTERVALS])
        .describe('Candle intervals built from trades.'),
      graceMs: z
        .int()
        .min(0)
        .default(DEFAULT_CANDLE_GRACE_MS)
        .describe('How long after its close a candle still takes a late trade (a correction).'),
      updateIntervalMs: z
        .int()
        .positive()
        .default(DEFAULT_CANDLE_UPDATE_INTERVAL_MS)
        .describe('Forming candles are published at most this often per series.'),
      liveIndicatorIntervals: z
        .array(z.enum(CANDLE_INTERVALS))
        .default(['1m', '5m', '15m', '1h', '1d'])
        .describe(
          'Intervals whose candles also publish live indicator values (SMA 20, EMA 20, RSI 14, MACD 12/26/9, Bollinger 20/2) on market:{symbol}:indicators:{interval}; [] turns them off.',
        ),
    })
    .prefault({}),
  tickerIntervalMs: z
    .int()
    .positive()
    .default(TICKER_INTERVAL_MS)
    .describe('Least time between two messages on a market:{symbol}:ticker channel.'),
  jobs: z
    .strictObject({
      partitionMaintenance: z
        .string()
        .min(1)
        .default(PARTITION_MAINTENANCE_CRON)
        .describe('Cron expression: create partitions ahead, drop those past retention.'),
      pruneProcessedEvents: z
        .string()
        .min(1)
        .default(DEFAULT_PRUNE_PROCESSED_EVENTS_SCHEDULE)
        .describe(
          "Cron expression: drop consumers' processed event ids older than their checkpoint minus the redelivery window.",
        ),
      redeliveryWindowMs: z
        .int()
        .min(0)
        .default(DEFAULT_REDELIVERY_WINDOW_MS)
        .describe(
          'How long after a checkpoint an event may be delivered again; processed ids are kept this long for dedupe.',
        ),
      backfill: z
        .string()
        .default(BACKFILL_CRON)
        .describe(
          "Cron expression: each network source (binance, upbit, coinbase) fetches the closed 1m candles since its last run over REST; '' turns it off.",
        ),
    })
    .prefault({}),
  retention: z
    .strictObject({
      tradesMs: z
        .int()
        .min(0)
        .default(DEFAULT_TRADE_RETENTION_MS)
        .describe('Trades older than this are dropped (daily partitions); 0 keeps all.'),
      candlesMs: z
        .int()
        .min(0)
        .default(DEFAULT_CANDLE_RETENTION_MS)
        .describe(
          'Recorded candles older than this are dropped (monthly partitions); 0 keeps all. Imported history (uploads, `tickline market import`) is kept until its upload is deleted.',
        ),
    })
    .prefault({}),
  archive: z
    .strictObject({
      enabled: z
        .boolean()
        .default(false)
        .describe(
          'Move recorded candles of old months out of SQL into Parquet files (one per exchange, symbol, interval and month), read back transparently; runs with partition maintenance.',
        ),
      afterDays: z
        .int()
        .min(1)
        .default(DEFAULT_ARCHIVE_AFTER_DAYS)
        .describe(
          'A month is archived once it ended this many days ago; must be shorter than market.retention.candlesMs, which would drop it first.',
        ),
      dir: z
        .string()
        .default('')
        .describe(
          "Where the archive's files go; '' is <dataDir>/archive/market. Every process that reads candles must see it at the same path (a shared volume when scaled).",
        ),
    })
    .prefault({}),
});

export type MarketSettings = DeepReadonly<z.output<typeof MarketSchema>>;

/** The `market` section of the Tickline config. */
export const marketConfig = { key: 'market', schema: MarketSchema.prefault({}) } as const;

/** The market tables' migrations (versions unique across all modules). */
export const MARKET_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

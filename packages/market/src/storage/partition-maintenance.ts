/**
 * @module One maintenance pass over the market tables: partitions around now created, expired ones
 * dropped, and retention applied to what is not partitioned (1s candles, quarantine, job runs).
 * Run it once at start and then on a schedule (the `partition-maintenance` job); rows written
 * before it ran wait in the default partitions and move into the partitions it creates.
 * Imported history (`market_candle_history`, candle-history.ts) is left alone on purpose: the
 * retention bounds what recording keeps adding, not what a user imported, which stays until its
 * upload is deleted. The values corrections replaced (`market_candle_versions`) go with their
 * candle: once retention or the archive took it out of `market_candles`, nothing reads them.
 */
import {
  dropPartitionsBefore,
  ensurePartitions,
  partitionsAround,
  type PartitionedTable,
  type Sql,
} from '@tickline/store';
import { isCandleInterval } from '../candles/intervals.ts';
import type { CandleInterval } from '../port/market-message.ts';
import { MARKET_CANDLES_TABLE, MARKET_TRADES_TABLE } from './market-tables.ts';
import { DEFAULT_TRADE_RETENTION_MS, DEFAULT_CANDLE_RETENTION_MS } from '../config.ts';

export { DEFAULT_TRADE_RETENTION_MS, DEFAULT_CANDLE_RETENTION_MS };

const DAY_MS = 86_400_000;

/** Trade partitions (days) created after today's. */
export const DEFAULT_TRADE_PARTITIONS_AHEAD = 3;
/** Trades older than this are dropped, a whole day partition at a time. 30 days. */
/** Candle partitions (months) created after this month's. */
export const DEFAULT_CANDLE_PARTITIONS_AHEAD = 2;
/** Candles older than this are dropped, a whole month partition at a time. About two years. */
/** Partitions created before the current one, so a restart's backfill finds a home. */
export const DEFAULT_PARTITIONS_BEHIND = 1;
/**
 * Shorter retention for fine candles, which a monthly partition cannot express: 1s candles are
 * 86,400 rows a day per market, so they are kept for two days.
 */
export const DEFAULT_CANDLE_INTERVAL_RETENTION_MS: Readonly<Partial<Record<CandleInterval, number>>> =
  Object.freeze({ '1s': 2 * DAY_MS });
/** Quarantined messages are for inspection, not history: a week. */
export const DEFAULT_QUARANTINE_RETENTION_MS = 7 * DAY_MS;
/** Job run records: 30 days. */
export const DEFAULT_JOB_RUN_RETENTION_MS = 30 * DAY_MS;

/** How one table is kept. */
export interface PartitionPolicy {
  /** Partitions after the current one. */
  ahead?: number;
  /** Partitions before the current one. @default 1 */
  behind?: number;
  /** Age after which a partition (by its end) is dropped; `null` keeps everything. */
  retentionMs?: number | null;
}

/** Options for {@link maintainMarketPartitions}. */
export interface PartitionMaintenanceOptions {
  /** @default { ahead: 3, behind: 1, retentionMs: 30 days } (daily partitions) */
  trades?: PartitionPolicy;
  /** @default { ahead: 2, behind: 1, retentionMs: 730 days } (monthly partitions) */
  candles?: PartitionPolicy;
  /**
   * Candles of these intervals are deleted row by row once older than the given age (inside the
   * partitions the table-wide retention keeps). @default { '1s': 2 days }
   */
  candleIntervalRetentionMs?: Partial<Record<CandleInterval, number>>;
  /** Age after which quarantined messages are deleted; `null` keeps them. @default 7 days */
  quarantineRetentionMs?: number | null;
  /** Age after which `market_job_runs` rows are deleted; `null` keeps them. @default 30 days */
  jobRunRetentionMs?: number | null;
}

/** What one pass did: per table, and the fine candles deleted by interval retention. */
export interface MarketPartitionMaintenanceResult {
  trades: PartitionMaintenanceResult;
  candles: PartitionMaintenanceResult;
  /** Rows deleted by `candleIntervalRetentionMs`, `quarantineRetentionMs`, `jobRunRetentionMs`. */
  candleRowsDeleted: number;
  quarantineRowsDeleted: number;
  jobRunsDeleted: number;
  /** Kept values of corrected candles (`market_candle_versions`) whose candle is gone. */
  candleVersionsDeleted: number;
}

/** The options with every default applied. */
export interface ResolvedPartitionPolicy {
  ahead: number;
  behind: number;
  retentionMs: number | null;
}

/** What one pass did, per table. */
export interface PartitionMaintenanceResult {
  created: string[];
  dropped: string[];
  defaultRowsDeleted: number;
}

/** Applies the defaults; a negative count or retention is a programming error. */
export function resolvePartitionPolicies(
  options: PartitionMaintenanceOptions = {},
): Record<'trades' | 'candles', ResolvedPartitionPolicy> {
  const resolve = (policy: PartitionPolicy | undefined, ahead: number, retentionMs: number) => {
    const resolved = {
      ahead: policy?.ahead ?? ahead,
      behind: policy?.behind ?? DEFAULT_PARTITIONS_BEHIND,
      retentionMs: policy?.retentionMs === undefined ? retentionMs : policy.retentionMs,
    };
    if (resolved.ahead < 0 || resolved.behind < 0 || (resolved.retentionMs ?? 0) < 0) {
      throw new RangeError('partition ahead, behind and retentionMs must not be negative');
    }
    return resolved;
  };
  return {
    trades: resolve(options.trades, DEFAULT_TRADE_PARTITIONS_AHEAD, DEFAULT_TRADE_RETENTION_MS),
    candles: resolve(options.candles, DEFAULT_CANDLE_PARTITIONS_AHEAD, DEFAULT_CANDLE_RETENTION_MS),
  };
}

async function maintainTable(
  sql: Sql,
  target: PartitionedTable,
  policy: ResolvedPartitionPolicy,
  nowMs: number,
): Promise<PartitionMaintenanceResult> {
  const ranges = partitionsAround(target.table, target.period, nowMs, policy.behind, policy.ahead);
  const created = await ensurePartitions(sql, target, ranges);
  if (policy.retentionMs === null) return { created, dropped: [], defaultRowsDeleted: 0 };
  // Never drop what this pass keeps ahead or behind, whatever the retention says.
  const cutoffMs = Math.min(nowMs - policy.retentionMs, ranges[0]!.fromMs);
  return { created, ...(await dropPartitionsBefore(sql, target, cutoffMs)) };
}

/**
 * Creates the trade and candle partitions around `nowMs` and drops the expired ones.
 * @example
 * await maintainMarketPartitions(sql, Date.now(), { trades: { retentionMs: 7 * 86_400_000 } });
 */
export async function maintainMarketPartitions(
  sql: Sql,
  nowMs: number,
  options: PartitionMaintenanceOptions = {},
): Promise<MarketPartitionMaintenanceResult> {
  const policies = resolvePartitionPolicies(options);
  const trades = await maintainTable(sql, MARKET_TRADES_TABLE, policies.trades, nowMs);
  const candles = await maintainTable(sql, MARKET_CANDLES_TABLE, policies.candles, nowMs);
  const deleteOlder = async (table: string, column: string, retentionMs: number | null, filter = '') =>
    retentionMs === null
      ? 0
      : (
          await sql.query(`delete from ${table} where ${filter}${column} < $1`, [
            new Date(nowMs - retentionMs),
          ])
        ).rowCount;
  let candleRowsDeleted = 0;
  const byInterval = options.candleIntervalRetentionMs ?? DEFAULT_CANDLE_INTERVAL_RETENTION_MS;
  for (const [interval, retentionMs] of Object.entries(byInterval)) {
    if (!isCandleInterval(interval) || retentionMs === undefined) continue;
    candleRowsDeleted += await deleteOlder(
      'market_candles',
      'open_time',
      retentionMs,
      `interval = '${interval}' and `,
    );
  }
  return {
    trades,
    candles,
    candleRowsDeleted,
    quarantineRowsDeleted: await deleteOlder(
      'market_quarantine',
      'received_at',
      options.quarantineRetentionMs === undefined
        ? DEFAULT_QUARANTINE_RETENTION_MS
        : options.quarantineRetentionMs,
    ),
    jobRunsDeleted: await deleteOlder(
      'market_job_runs',
      'started_at',
      options.jobRunRetentionMs === undefined ? DEFAULT_JOB_RUN_RETENTION_MS : options.jobRunRetentionMs,
    ),
    candleVersionsDeleted: (await sql.query(DELETE_ORPHAN_CANDLE_VERSIONS)).rowCount,
  };
}

// A recorded candle's earlier values are read only beside the candle itself (storage/queries.ts).
const DELETE_ORPHAN_CANDLE_VERSIONS = `delete from market_candle_versions k where not exists (
  select 1 from market_candles m where m.exchange = k.exchange and m.symbol = k.symbol
    and m.interval = k.interval and m.open_time = k.open_time)`;

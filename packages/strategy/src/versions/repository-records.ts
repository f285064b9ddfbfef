/**
 * @module The records the strategy repository reads and writes — strategies, versions, backtest
 * runs and their results — and how each is read from its SQL row. A module of its own because the
 * strategy, version and run queries (strategy-repository.ts, version-queries.ts, run-queries.ts)
 * all return them.
 */
import { TicklineError } from '@tickline/kernel';
import type { ParamSpecs } from '../core/definition.ts';
import type { Metrics, PlotSeries, LogLine, Trade } from '../core/types.ts';
import type { SourceLanguage } from '../api/compile-strategy.ts';
import type { RunData } from '../module/run-data.ts';

/** What a strategy id looks like; anything else names none (and would fail the uuid cast). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StrategyRecord {
  id: string;
  userId: string;
  name: string;
  description: string;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionInfo {
  strategyId: string;
  version: number;
  language: SourceLanguage;
  params: ParamSpecs;
  keyId: string;
  sourceSha256: string;
  sizeBytes: number;
  createdAt: Date;
}

export interface VersionRecord extends VersionInfo {
  source: string;
  /** The compiled JavaScript the sandbox runs. */
  js: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunRecord {
  id: string;
  userId: string;
  strategyId: string;
  version: number;
  status: RunStatus;
  request: Record<string, unknown>;
  progress: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface StoredResult {
  metrics: Metrics;
  trades: Trade[];
  tradesTruncated: boolean;
  /** [time, equity] pairs, downsampled for charts. */
  equity: Array<[number, number]>;
  logs: LogLine[];
  plots: PlotSeries[];
  bars: number;
  /** CPU of the bar loop per candle, ms (absent: not measured, as for runs before the forecast). */
  cpuMsPerCandle?: number;
  /** What the run read, pinned (module/run-data.ts); absent for runs before data versions. */
  data?: RunData;
}

export type Row = Record<string, unknown>;

export const notFound = (what: string): TicklineError =>
  new TicklineError('STRATEGY_NOT_FOUND', `${what} not found`);

export function strategyFrom(r: Row): StrategyRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    name: r.name as string,
    description: r.description as string,
    latestVersion: Number(r.latest_version),
    createdAt: new Date(r.created_at as string | Date),
    updatedAt: new Date(r.updated_at as string | Date),
  };
}

export function versionFrom(r: Row): VersionInfo {
  return {
    strategyId: r.strategy_id as string,
    version: Number(r.version),
    language: r.language as SourceLanguage,
    params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as ParamSpecs,
    keyId: r.key_id as string,
    sourceSha256: r.source_sha256 as string,
    sizeBytes: Number(r.size_bytes),
    createdAt: new Date(r.created_at as string | Date),
  };
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const dateOrNull = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string | Date);

export function runFrom(r: Row): RunRecord {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    strategyId: r.strategy_id as string,
    version: Number(r.version),
    status: r.status as RunStatus,
    request: json(r.request) as Record<string, unknown>,
    progress: Number(r.progress),
    error:
      r.error_code === null ? null : { code: r.error_code as string, message: r.error_message as string },
    createdAt: new Date(r.created_at as string | Date),
    startedAt: dateOrNull(r.started_at),
    finishedAt: dateOrNull(r.finished_at),
  };
}

/** A `backtest_results` row as the result it stores. */
export function resultFrom(r: Row): StoredResult {
  return {
    metrics: json(r.metrics) as Metrics,
    trades: json(r.trades) as Trade[],
    tradesTruncated: r.trades_truncated as boolean,
    equity: json(r.equity) as Array<[number, number]>,
    logs: json(r.logs) as LogLine[],
    plots: json(r.plots) as PlotSeries[],
    bars: Number(r.bars),
    ...(r.cpu_ms_per_candle == null ? {} : { cpuMsPerCandle: Number(r.cpu_ms_per_candle) }),
    ...(r.data == null ? {} : { data: json(r.data) as RunData }),
  };
}

/**
 * @module Reads for the market API: the markets seen, candles and trades of a symbol over a time
 * range. Times are epoch milliseconds in and out; prices and sizes are numbers. Ranges are
 * `[from, to)`. Results are ascending by time; with `from` they start there, without it they are
 * the latest `limit` rows before `to` (what a chart loads first). Candles are read from the
 * recorded and the imported tables at once (the recorded candle wins a shared key), and from the
 * archive's files for months archived (archive/archive-reads.ts).
 */
import type { SqlQueryable, SqlValue } from '@tickline/store';
import type { Trade, TradeSide } from '../port/market-message.ts';
import { archivedCandles, mergeWithArchive } from '../archive/archive-reads.ts';
import { CANDLE_COLUMNS } from './candle-writes.ts';
import { storedCandleOf, type CandleQuery, type CandleRow, type StoredCandle } from './candle-types.ts';

export type { CandleQuery, StoredCandle } from './candle-types.ts';

/** Rows a query returns at most, whatever `limit` asks. */
export const MAX_QUERY_LIMIT = 5_000;
/** Rows a query returns when `limit` is not given. */
export const DEFAULT_QUERY_LIMIT = 500;

/** A market seen by the projections. */
export interface MarketSummary {
  exchange: string;
  symbol: string;
  firstSeenAt: number;
  /** Exchange time of the newest trade stored; null when only candles were seen. */
  lastTradeAt: number | null;
  lastPrice: number | null;
  /** Open time of the newest candle stored. */
  lastCandleAt: number | null;
}

/** Options for {@link queryTrades}. */
export interface TradeQuery {
  exchange?: string;
  symbol: string;
  /** Inclusive exchange time (ms). */
  from?: number;
  /** Exclusive exchange time (ms). */
  to?: number;
  /** @default 500, at most 5_000 */
  limit?: number;
}

/** `limit` clamped to `[1, MAX_QUERY_LIMIT]`. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_QUERY_LIMIT;
  return Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(limit)));
}

/** Every market, by exchange and symbol. */
export async function listMarkets(sql: SqlQueryable): Promise<MarketSummary[]> {
  const { rows } = await sql.query<{
    exchange: string;
    symbol: string;
    first_seen_at: Date;
    last_trade_at: Date | null;
    last_price: number | null;
    last_candle_at: Date | null;
  }>(
    `select exchange, symbol, first_seen_at, last_trade_at, last_price, last_candle_at
     from market_symbols order by symbol, exchange`,
  );
  return rows.map((r) => ({
    exchange: r.exchange,
    symbol: r.symbol,
    firstSeenAt: r.first_seen_at.getTime(),
    lastTradeAt: r.last_trade_at?.getTime() ?? null,
    lastPrice: r.last_price,
    lastCandleAt: r.last_candle_at?.getTime() ?? null,
  }));
}

/**
 * Builds `where … order by … limit` for a time-range read: ascending from `from`, or the latest
 * `limit` rows (descending in SQL, reversed by the caller) when `from` is absent.
 */
function timeRange(
  column: string,
  filters: Array<[string, SqlValue]>,
  query: { from?: number; to?: number; limit?: number },
): { where: string; order: string; params: SqlValue[]; latest: boolean } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const add = (condition: string, value: SqlValue) => {
    params.push(value);
    conditions.push(condition.replace('?', `$${params.length}`));
  };
  for (const [condition, value] of filters) add(condition, value);
  if (query.from !== undefined) add(`${column} >= ?`, new Date(query.from));
  if (query.to !== undefined) add(`${column} < ?`, new Date(query.to));
  const latest = query.from === undefined;
  params.push(clampLimit(query.limit));
  return {
    where: conditions.join(' and '),
    order: `${column} ${latest ? 'desc' : 'asc'}`,
    params,
    latest,
  };
}

interface RecordedOrImported extends CandleRow {
  /** From `market_candles` (else the imported history). */
  recorded: boolean;
}

/**
 * Candles of one symbol and interval, ascending by open time (ties by exchange): the recorded
 * ones (`market_candles`) and the imported history (`market_candle_history`), where a recorded
 * candle wins over an imported one with the same exchange, symbol, interval and open time.
 */
export async function queryCandles(sql: SqlQueryable, query: CandleQuery): Promise<StoredCandle[]> {
  const filters: Array<[string, SqlValue]> = [
    ['symbol = ?', query.symbol],
    ['interval = ?', query.interval],
  ];
  if (query.exchange !== undefined) filters.push(['exchange = ?', query.exchange]);
  const range = timeRange('open_time', filters, query);
  const page = `order by ${range.order}, exchange ${range.latest ? 'desc' : 'asc'} limit $${range.params.length}`;
  const asOf = query.asOfVersion === undefined ? undefined : versionParam(range.params, query.asOfVersion);
  const recorded =
    asOf === undefined ? 'market_candles' : tableAsOf('market_candles', 'market_candle_versions', asOf);
  const history =
    asOf === undefined
      ? 'market_candle_history'
      : tableAsOf('market_candle_history', 'market_candle_history_versions', asOf);
  // One statement over both tables: the recorded candles, and the imported ones whose key no
  // recorded candle holds (the recorded one wins). Each branch takes its own page in the read's
  // order, so each walks its index and stops; with one order over the union alone the planner
  // sorted every candle of the symbol (on PGlite 250 ms instead of 3 ms for the latest 500 of
  // 250,000). With no history the second branch reads an empty index. `range.where` names no
  // table, so inside the anti-join it reads the recorded row: that lookup stays within the same
  // symbol, interval and times (partitions pruned). Imported rows under recorded ones are walked
  // past, a lookup each; an import skips keys recorded already (candle-history.ts), so only keys
  // recorded after their import lie there.
  const { rows } = await sql.query<RecordedOrImported>(
    `select * from (
       (select ${CANDLE_COLUMNS}, true as recorded from ${recorded} rc where ${range.where} ${page})
       union all
       (select ${CANDLE_COLUMNS}, false as recorded from ${history} h where ${range.where}
         and not exists (select 1 from market_candles r where ${range.where} and r.exchange = h.exchange
           and r.symbol = h.symbol and r.interval = h.interval and r.open_time = h.open_time)
         ${page})
     ) as candles
     ${page}`,
    range.params,
  );
  if (range.latest) rows.reverse();
  const fromSql = rows.map((r) => ({ recorded: r.recorded, candle: storedCandleOf(r) }));
  // Months the archive tier moved out of market_candles are read back from their files.
  const limit = clampLimit(query.limit);
  return mergeWithArchive(fromSql, await archivedCandles(sql, query, limit), limit, range.latest);
}

/** Appends `version` to `params`; returns its placeholder. */
function versionParam(params: SqlValue[], version: number): string {
  params.push(version);
  return `$${params.length}::bigint`;
}

/**
 * A versioned table (the imported history, or the recorded candles and their corrections) as of
 * version `v`, as a table expression: per key, the current row when the version that wrote it is
 * not later, else the kept row that was current then (its version not later, replaced or deleted
 * only after).
 */
function tableAsOf(table: string, kept: string, v: string): string {
  return `(select ${CANDLE_COLUMNS} from ${table} where data_version <= ${v}
     union all
     select ${CANDLE_COLUMNS} from ${kept} where data_version <= ${v} and superseded_by > ${v})`;
}

interface TradeRow {
  exchange: string;
  symbol: string;
  trade_id: string;
  exchange_time: Date;
  price: number;
  size: number;
  side: TradeSide;
  received_at: Date;
  seq: number | null;
}

/** Trades of one symbol, ascending by exchange time (ties by exchange and trade id). */
export async function queryTrades(sql: SqlQueryable, query: TradeQuery): Promise<Trade[]> {
  const filters: Array<[string, SqlValue]> = [['symbol = ?', query.symbol]];
  if (query.exchange !== undefined) filters.push(['exchange = ?', query.exchange]);
  const range = timeRange('exchange_time', filters, query);
  const direction = range.latest ? 'desc' : 'asc';
  const { rows } = await sql.query<TradeRow>(
    `select * from market_trades where ${range.where}
     order by ${range.order}, exchange ${direction}, trade_id ${direction} limit $${range.params.length}`,
    range.params,
  );
  if (range.latest) rows.reverse();
  return rows.map((r) => ({
    exchange: r.exchange,
    symbol: r.symbol,
    tradeId: r.trade_id,
    price: r.price,
    size: r.size,
    side: r.side,
    exchangeTime: r.exchange_time.getTime(),
    receivedAt: r.received_at.getTime(),
    ...(r.seq === null ? {} : { seq: Number(r.seq) }),
  }));
}

/**
 * @module The market projections for the consumer runner: `market.trade` into `market_trades`,
 * `market.candle.updated` / `market.candle.closed` into `market_candles`, both keeping
 * `market_symbols` current; the candle projection also drops the read cache's series that a
 * `market.history.changed` names (imported history is written by its upload, not by the log).
 * A close that rewrites a stored closed candle with other values (a late trade's correction, a
 * backfill's bar) keeps the earlier values as a data version, one per batch and symbol
 * (candle-writes.ts). Each batch is one transaction with its event claims and checkpoint (`createSqlProjection`), and
 * the rows are keyed by the venue's identity, so a replay or redelivery changes nothing. The
 * candle projection claims each event (a stale update must not replace a newer one); the trade
 * projection needs no claims (see createTradeProjection). Other event types in a batch are ignored.
 */
import type { EventEnvelope } from '@tickline/kernel';
import {
  createSqlProjection,
  type ProjectionContext,
  type ProjectionResult,
  type Sql,
  type SqlProjection,
  type SqlTx,
} from '@tickline/store';
import {
  MarketCandleClosed,
  MarketCandleUpdated,
  MarketHistoryChanged,
  MarketTrade,
} from '../candles/events.ts';
import type { MarketReadCache } from '../cache/market-read-cache.ts';
import type { Candle, Trade } from '../port/market-message.ts';
import { upsertCandles, type CandleWrite } from './candle-writes.ts';
import { touchSymbols, touchSymbolsByCandles } from './symbol-writes.ts';
import { insertTrades } from './trade-writes.ts';

/** Durable consumer name of the trade projection. */
export const MARKET_TRADES_CONSUMER = 'market-trades';
/** Durable consumer name of the candle projection. */
export const MARKET_CANDLES_CONSUMER = 'market-candles';

/** Options for {@link createTradeProjection} and {@link createCandleProjection}. */
export interface MarketProjectionOptions {
  /** The open database. */
  sql: Sql;
  /** @default 'market-trades' / 'market-candles' */
  consumer?: string;
  /**
   * Candle projection: the read cache whose candle series it invalidates after each committed
   * batch — after, so a reader that misses then loads the committed rows, never the ones before.
   */
  cache?: Pick<MarketReadCache, 'invalidateCandles'>;
}

/** A projection whose `handle` goes to `createConsumerRunner({ name: consumer, handle })`. */
export interface MarketProjection {
  readonly consumer: string;
  /**
   * The event types it writes: give them to the runner (`types`) so the rest of the log is
   * skipped undecoded — the candle projection then reads a few events a second, not every trade.
   */
  readonly types: ReadonlySet<string>;
  /** The runner's handler (the runner's context carries `lastOffset` and `logger`). */
  readonly handle: (events: EventEnvelope[], context?: ProjectionContext) => Promise<void>;
  /** Projects a batch and reports what it did. */
  apply(events: readonly EventEnvelope[], context?: ProjectionContext): Promise<ProjectionResult>;
}

/** Writes the trades of `events` (other types ignored); returns the rows inserted. */
export async function projectTrades(tx: SqlTx, events: readonly EventEnvelope[]): Promise<number> {
  const trades = events.filter((e) => e.type === MarketTrade.type).map((e) => e.data as Trade);
  if (trades.length === 0) return 0;
  const inserted = await insertTrades(tx, trades);
  await touchSymbols(
    tx,
    trades.map((t) => ({ exchange: t.exchange, symbol: t.symbol, timeMs: t.exchangeTime, price: t.price })),
    'trade',
  );
  return inserted;
}

/** Writes the candles of `events` (other types ignored); returns the rows inserted or updated. */
export async function projectCandles(tx: SqlTx, events: readonly EventEnvelope[]): Promise<number> {
  const writes: CandleWrite[] = [];
  for (const event of events) {
    if (event.type === MarketCandleUpdated.type) writes.push({ candle: event.data as Candle, closed: false });
    else if (event.type === MarketCandleClosed.type) {
      const data = event.data as Candle & { backfill?: boolean };
      // A stored close this rewrites with other values is kept as a version naming its source.
      writes.push({
        candle: data,
        closed: true,
        ...(data.backfill ? { source: `backfill:${data.exchange}` } : {}),
      });
    }
  }
  if (writes.length === 0) return 0;
  const written = await upsertCandles(tx, writes);
  await touchSymbolsByCandles(
    tx,
    writes.map((w) => w.candle),
  );
  return written;
}

function marketProjection(
  options: MarketProjectionOptions,
  defaultConsumer: string,
  types: readonly string[],
  project: (tx: SqlTx, events: readonly EventEnvelope[]) => Promise<number>,
  afterCommit: (events: readonly EventEnvelope[]) => Promise<void> = async () => {},
  claims = true,
): MarketProjection {
  const consumer = options.consumer ?? defaultConsumer;
  const projection: SqlProjection = createSqlProjection({
    sql: options.sql,
    consumer,
    claims,
    project: async (tx, events) => {
      await project(tx, events);
    },
  });
  const apply = async (events: readonly EventEnvelope[], context?: ProjectionContext) => {
    const result = await projection.apply(events, context);
    await afterCommit(events);
    return result;
  };
  return {
    consumer,
    types: new Set(types),
    apply,
    handle: async (events, context) => {
      await apply(events, context);
    },
  };
}

/** What the candle projection reads: candles (updated and closed) and imported history's changes. */
const CANDLE_PROJECTION_TYPES = new Set<string>([
  MarketCandleUpdated.type,
  MarketCandleClosed.type,
  MarketHistoryChanged.type,
]);

/** The series `events` changed: each of those types names its symbol and interval. */
function seriesOf(events: readonly EventEnvelope[]): Array<Pick<Candle, 'symbol' | 'interval'>> {
  return events
    .filter((e) => CANDLE_PROJECTION_TYPES.has(e.type))
    .map((e) => e.data as Pick<Candle, 'symbol' | 'interval'>);
}

/**
 * The trade projection.
 * @example
 * const trades = createTradeProjection({ sql });
 * createConsumerRunner({ log, name: trades.consumer, types: trades.types, handle: trades.handle });
 */
export function createTradeProjection(options: MarketProjectionOptions): MarketProjection {
  // No claims: a trade's row is keyed by the venue's identity (a re-sent one inserts nothing) and
  // a market's last price moves only for a strictly newer trade, so a redelivery changes nothing
  // without them — and a claim per trade was a row a trade in `processed_events`, kept a day (~31
  // a second on the embedded default's simulator).
  return marketProjection(
    options,
    MARKET_TRADES_CONSUMER,
    [MarketTrade.type],
    projectTrades,
    undefined,
    false,
  );
}

/** The candle projection (same shape as {@link createTradeProjection}). */
export function createCandleProjection(options: MarketProjectionOptions): MarketProjection {
  const { cache } = options;
  return marketProjection(
    options,
    MARKET_CANDLES_CONSUMER,
    [...CANDLE_PROJECTION_TYPES],
    projectCandles,
    cache ? (events) => cache.invalidateCandles(seriesOf(events)) : undefined,
  );
}

/**
 * @module The conditional writes of the market projections: the candle upsert (a later state
 * replaces an earlier one, an older state never replaces a newer one) and the `market_symbols`
 * upkeep. Rows are merged per key in JS first, because one `INSERT … ON CONFLICT DO UPDATE` may
 * not touch a row twice, and sorted by key, so concurrent projections lock rows in one order.
 * Times travel as epoch-ms float8 arrays and become timestamptz in SQL (`to_timestamp`): parsing
 * timestamp text made the statement ~2.5× slower on PGlite. The imported history's upsert
 * (candle-history.ts) is built from the same pieces. A closed candle rewritten with other values
 * (a correction) keeps its earlier values as a data version, in the same statement.
 */
import { DEFAULT_INSERT_CHUNK_ROWS, type SqlQueryable, type SqlValue } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';
import { DataVersionKind } from '../versions/data-versions.ts';

/** A candle state to store: forming (`market.candle.updated`) or closed. */
export interface CandleWrite {
  candle: Candle;
  closed: boolean;
  /**
   * What the data version of a correction names, should this write replace a stored closed candle
   * with other values: `backfill:{venue}` for a REST backfill's bar. @default `collector:{exchange}`
   */
  source?: string;
}

/**
 * Whether `next` may replace `current` (same key). A forming candle follows the log order; a
 * closed one is only replaced by a close of the same or a later revision (a correction).
 */
export function supersedes(next: CandleWrite, current: CandleWrite): boolean {
  if (!current.closed) return true;
  return next.closed && next.candle.revision >= current.candle.revision;
}

/** The columns of a candle row, in the order {@link CANDLE_ROWS} yields them. */
export const CANDLE_COLUMNS = `exchange, symbol, interval, open_time, close_time,
  open, high, low, close, volume, quote_volume, trades, incomplete, closed, revision, updated_at`;

/** The fifteen arrays of {@link candleParams} ($1–$15), as `unnest` takes them. */
const CANDLE_ARRAYS = `$1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
  $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int4[], $13::bool[], $14::bool[], $15::int4[]`;
const CANDLE_ARRAY_NAMES = 'e, s, i, ot, ct, o, h, l, c, v, qv, n, inc, cl, rev';

/** The rows of {@link candleParams} ($1–$15) as a `select`, written now. */
export const CANDLE_ROWS = `select e, s, i, to_timestamp(ot / 1000.0), to_timestamp(ct / 1000.0), o, h, l, c, v, qv, n, inc, cl, rev, now()
from unnest(${CANDLE_ARRAYS}) as u(${CANDLE_ARRAY_NAMES})`;

// The values of a candle a rewrite may change (revision and write time are bookkeeping), and the
// names the rows of CANDLE_ROWS take for them once aliased `r(e, s, i, ot, ct, …)`.
const VALUES = [
  'close_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'quote_volume',
  'trades',
  'incomplete',
];
/** The value columns as a {@link CANDLE_ROWS} row aliased `(e, s, i, ot, ct, o, …)` names them. */
export const ROW_VALUE_NAMES = ['ct', 'o', 'h', 'l', 'c', 'v', 'qv', 'n', 'inc'];
/** SQL: row `a`'s values differ from `b`'s (`names`: b's columns, when named as in a row alias). */
export const valuesDiffer = (a: string, b: string, names: readonly string[] = VALUES): string =>
  `(${VALUES.map((v) => `${a}.${v}`).join(', ')}) is distinct from (${names.map((v) => `${b}.${v}`).join(', ')})`;

/** `on conflict … do update set` every column but the key: the new row (`excluded`) replaces the stored one. */
export const CANDLE_REPLACE = `close_time = excluded.close_time, open = excluded.open, high = excluded.high, low = excluded.low,
  close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume,
  trades = excluded.trades, incomplete = excluded.incomplete, closed = excluded.closed,
  revision = excluded.revision, updated_at = excluded.updated_at`;

const KEY_MATCH = (a: string) =>
  `${a}.exchange = r.e and ${a}.symbol = r.s and ${a}.interval = r.i and ${a}.open_time = r.ot`;
const columnsOf = (alias: string) =>
  CANDLE_COLUMNS.split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');

// The same rule as `supersedes`, for the stored row: c is the row, excluded the new state ($16:
// each row's correction source). A stored closed row the batch replaces with other values (`old`,
// read before the insert: every part of one statement sees the same snapshot) is a correction:
// one version per symbol and source is opened for the batch (per statement: a batch past 5,000
// keys is several; none when there is no correction, so the collector's usual batch pays a key
// probe per closed row and nothing more), the replaced
// values are kept under it, and the new row takes its id. An identical rewrite (a redelivered
// close, a backfill that agrees) changes nothing and makes no version. Rows go in key order
// (`k`), so concurrent writers lock them in one order.
const UPSERT_CANDLES = `with r as (
  select k, src, e, s, i, to_timestamp(ot / 1000.0) as ot, to_timestamp(ct / 1000.0) as ct, o, h, l, c, v, qv, n, inc, cl, rev
  from unnest(${CANDLE_ARRAYS}, $16::text[]) with ordinality as u(${CANDLE_ARRAY_NAMES}, src, k)
), old as (
  select m.*, r.src from r join market_candles m on ${KEY_MATCH('m')}
  where r.cl and m.closed and r.rev >= m.revision and ${valuesDiffer('m', 'r', ROW_VALUE_NAMES)}
), version as (
  insert into market_data_versions (exchange, symbol, interval, kind, source, first_open, last_open, changed)
  select case when count(distinct exchange) = 1 then min(exchange) end, symbol,
    case when count(distinct interval) = 1 then min(interval) end, '${DataVersionKind.Correction}', src,
    (extract(epoch from min(open_time)) * 1000)::bigint, (extract(epoch from max(open_time)) * 1000)::bigint, count(*)
  from old group by symbol, src
  returning id, symbol, source
), kept as (
  insert into market_candle_versions (${CANDLE_COLUMNS}, data_version, superseded_by)
  select ${columnsOf('o')}, o.data_version, v.id from old o join version v on v.symbol = o.symbol and v.source = o.src
)
insert into market_candles as c (${CANDLE_COLUMNS}, data_version)
select r.e, r.s, r.i, r.ot, r.ct, r.o, r.h, r.l, r.c, r.v, r.qv, r.n, r.inc, r.cl, r.rev, now(), coalesce(v.id, 0)
from r left join old o on ${KEY_MATCH('o')} left join version v on v.symbol = o.symbol and v.source = o.src
order by r.k
on conflict (exchange, symbol, interval, open_time) do update set ${CANDLE_REPLACE},
  data_version = case when excluded.data_version > 0 then excluded.data_version else c.data_version end
where not c.closed or (excluded.closed and excluded.revision >= c.revision)`;

export function byKey<T>(items: Iterable<[string, T]>): T[] {
  return [...items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/** One candle state per key (the one `supersedes` keeps, in batch order), sorted by key. */
function latestByKey(writes: readonly CandleWrite[]): CandleWrite[] {
  const latest = new Map<string, CandleWrite>();
  for (const write of writes) {
    const c = write.candle;
    const key = `${c.exchange}\u0000${c.symbol}\u0000${c.interval}\u0000${c.openTime}`;
    const current = latest.get(key);
    if (!current || supersedes(write, current)) latest.set(key, write);
  }
  return byKey(latest.entries());
}

/** The fifteen column arrays of {@link CANDLE_ROWS}. */
function candleParams(chunk: readonly CandleWrite[]): SqlValue[] {
  const column = <T>(pick: (w: CandleWrite) => T): T[] => chunk.map(pick);
  return [
    column((w) => w.candle.exchange),
    column((w) => w.candle.symbol),
    column((w) => w.candle.interval),
    column((w) => w.candle.openTime),
    column((w) => w.candle.closeTime),
    column((w) => w.candle.open),
    column((w) => w.candle.high),
    column((w) => w.candle.low),
    column((w) => w.candle.close),
    column((w) => w.candle.volume),
    column((w) => w.candle.quoteVolume),
    column((w) => w.candle.trades),
    column((w) => w.candle.incomplete),
    column((w) => w.closed),
    column((w) => w.candle.revision),
  ];
}

/**
 * Runs `statement` (an upsert over {@link CANDLE_ROWS}; then the arrays `perRow` makes of each
 * chunk, then `extra`, from $16 on) over the writes merged per key, a chunk of rows at a time;
 * returns the rows inserted or replaced.
 */
export async function writeCandleRows(
  tx: SqlQueryable,
  statement: string,
  writes: readonly CandleWrite[],
  extra: readonly SqlValue[] = [],
  perRow: (chunk: readonly CandleWrite[]) => SqlValue[] = () => [],
): Promise<number> {
  const merged = latestByKey(writes);
  let written = 0;
  for (let start = 0; start < merged.length; start += DEFAULT_INSERT_CHUNK_ROWS) {
    const chunk = merged.slice(start, start + DEFAULT_INSERT_CHUNK_ROWS);
    written += (await tx.query(statement, [...candleParams(chunk), ...perRow(chunk), ...extra])).rowCount;
  }
  return written;
}

/**
 * Upserts candle states in batch order, keeping the values of a closed candle a correction
 * replaces as a data version (kind `correction`); returns the rows inserted or replaced.
 */
export async function upsertCandles(tx: SqlQueryable, writes: readonly CandleWrite[]): Promise<number> {
  return writeCandleRows(tx, UPSERT_CANDLES, writes, [], (chunk) => [
    chunk.map((w) => w.source ?? `collector:${w.candle.exchange}`),
  ]);
}

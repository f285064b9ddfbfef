/**
 * @module Imported candle history (`market_candle_history`, migration 0062): what a user imports —
 * a kline CSV upload, `tickline market import` or `backfill` into the data directory — kept apart
 * from the candles the collectors record in `market_candles`. Partition maintenance never touches
 * it: `market.retention.candlesMs` bounds what recording keeps adding, while imported history is
 * mostly older than that retention and was put there on purpose, so it stays until its upload is
 * deleted. `queryCandles` reads both; on the same key the recorded candle wins. Every import and
 * deletion is a data version (versions/data-versions.ts): the values a change replaces or deletes
 * are kept in `market_candle_history_versions`, so a read as of an earlier version still sees them.
 */
import type { SqlQueryable } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';
import {
  CANDLE_COLUMNS,
  CANDLE_REPLACE,
  CANDLE_ROWS,
  ROW_VALUE_NAMES,
  valuesDiffer as differs,
  writeCandleRows,
} from './candle-writes.ts';
import { touchSymbolsByCandles } from './symbol-writes.ts';
import {
  closeDataVersion,
  DataVersionKind,
  openDataVersion,
} from '../versions/data-versions.ts';


// The last import of a key wins whatever its revision: history is replaced by importing it again,
// and the row then belongs to that upload ($16; null for an import into the data directory). A key
// the collectors recorded already is not imported: the read would skip it anyway (the recorded
// candle wins), and each such row costs the merged read a probe per call — a backfill of a gap in
// recorded candles would otherwise leave thousands under them.
// A row whose values change takes the import's version ($17); one imported again with the same
// values keeps the version that wrote them (only its upload changes).
const UPSERT_HISTORY = `insert into market_candle_history as c (${CANDLE_COLUMNS}, upload_id, data_version)
select r.*, $16::text, $17::bigint
from (${CANDLE_ROWS}) as r(e, s, i, ot, ct, o, h, l, c, v, qv, n, inc, cl, rev, at)
where not exists (select 1 from market_candles m
  where m.exchange = r.e and m.symbol = r.s and m.interval = r.i and m.open_time = r.ot)
on conflict (exchange, symbol, interval, open_time) do update set ${CANDLE_REPLACE}, upload_id = excluded.upload_id,
  data_version = case when ${differs('c', 'excluded')} then excluded.data_version else c.data_version end`;

// Before the upsert: the stored rows whose values the import changes are kept with the version
// that replaces them ($16), so a read as of an earlier version still finds them.
const KEEP_REPLACED = `insert into market_candle_history_versions
select old.*, $16::bigint
from (${CANDLE_ROWS}) as r(e, s, i, ot, ct, o, h, l, c, v, qv, n, inc, cl, rev, at)
join market_candle_history old
  on old.exchange = r.e and old.symbol = r.s and old.interval = r.i and old.open_time = r.ot
where ${differs('old', 'r', ROW_VALUE_NAMES)} and not exists (select 1 from market_candles m
  where m.exchange = r.e and m.symbol = r.s and m.interval = r.i and m.open_time = r.ot)`;

/** How an import is recorded as a data version. */
export interface ImportCandlesOptions {
  /** @default 'upload' with an upload id, else 'import' */
  kind?: DataVersionKind;
  /** @default `upload:{id}`, else the kind */
  source?: string;
}

/**
 * Stores imported closed candles as history, and keeps `market_symbols` current so the market
 * lists the symbol and backtests find it. Importing the same candles again replaces them, so a
 * chunk sent twice changes nothing. Run it in the caller's transaction (an upload stores and
 * counts at once). Returns the rows inserted or replaced.
 * @example
 * await sql.transaction((tx) => importCandles(tx, candles, upload.id));
 */
export async function importCandles(
  tx: SqlQueryable,
  candles: readonly Candle[],
  uploadId: string | null,
  options: ImportCandlesOptions = {},
): Promise<number> {
  if (candles.length === 0) return 0;
  const kind = options.kind ?? (uploadId === null ? DataVersionKind.Import : DataVersionKind.Upload);
  const source = options.source ?? (uploadId === null ? kind : `upload:${uploadId}`);
  let written = 0;
  // One version per symbol: its list (GET /markets/{symbol}/versions) names only its own changes.
  for (const group of groupBy(candles, (c) => c.symbol)) {
    const one = (pick: (c: Candle) => string) => (new Set(group.map(pick)).size === 1 ? pick(group[0]!) : null);
    const version = await openDataVersion(tx, {
      symbol: group[0]!.symbol,
      exchange: one((c) => c.exchange),
      interval: one((c) => c.interval),
      kind,
      source,
    });
    const writes = group.map((candle) => ({ candle, closed: true }));
    await writeCandleRows(tx, KEEP_REPLACED, writes, [version]);
    written += await writeCandleRows(tx, UPSERT_HISTORY, writes, [uploadId, version]);
    await closeDataVersion(tx, version);
  }
  await touchSymbolsByCandles(tx, candles);
  return written;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/**
 * Deletes the history rows `uploadId` wrote last (a row another upload wrote again since is that
 * upload's); recorded candles stay. A market the upload alone made (no candle of either table and
 * no trade of its exchange and symbol left) goes from `market_symbols` too: deleting an upload
 * under a mistyped symbol leaves no empty market in `GET /markets`. Returns the rows deleted.
 */
export async function deleteUploadedCandles(tx: SqlQueryable, uploadId: string): Promise<number> {
  const { rows: symbols } = await tx.query<{ symbol: string }>(
    'select distinct symbol from market_candle_history where upload_id = $1',
    [uploadId],
  );
  let deleted = 0;
  for (const { symbol } of symbols) {
    // The deleted rows are kept with the deletion's version: a read as of before it still sees them.
    const version = await openDataVersion(tx, {
      symbol,
      kind: DataVersionKind.Delete,
      source: `upload:${uploadId}`,
    });
    const { rows } = await tx.query<{ exchange: string; n: number; first: Date; last: Date }>(
      `with kept as (insert into market_candle_history_versions
         select h.*, $3::bigint from market_candle_history h where h.upload_id = $1 and h.symbol = $2
         returning exchange, open_time),
       gone as (delete from market_candle_history where upload_id = $1 and symbol = $2)
       select exchange, count(*)::int as n, min(open_time) as first, max(open_time) as last
         from kept group by exchange`,
      [uploadId, symbol, version],
    );
    const n = rows.reduce((sum, r) => sum + r.n, 0);
    const times = rows.flatMap((r) => [r.first.getTime(), r.last.getTime()]);
    await closeDataVersion(tx, version, {
      count: n,
      firstOpen: times.length ? Math.min(...times) : null,
      lastOpen: times.length ? Math.max(...times) : null,
    });
    for (const { exchange } of rows) await forgetEmptyMarket(tx, exchange, symbol);
    deleted += n;
  }
  return deleted;
}

/** Takes (exchange, symbol) out of `market_symbols` when nothing of it is stored any more. */
async function forgetEmptyMarket(tx: SqlQueryable, exchange: string, symbol: string): Promise<void> {
  await tx.query(
    `delete from market_symbols s where s.exchange = $1 and s.symbol = $2
       and not exists (select 1 from market_candle_history h where h.exchange = $1 and h.symbol = $2)
       and not exists (select 1 from market_candles c where c.exchange = $1 and c.symbol = $2)
       and not exists (select 1 from market_trades t where t.exchange = $1 and t.symbol = $2)`,
    [exchange, symbol],
  );
}

/**
 * @module Imported candle history (`market_candle_history`, migration 0062): what a user imports —
 * a kline CSV upload, `tickline market import` or `backfill` into the data directory — kept apart
 * from the candles the collectors record in `market_candles`. Partition maintenance never touches
 * it: `market.retention.candlesMs` bounds what recording keeps adding, while imported history is
 * mostly older than that retention and was put there on purpose, so it stays until its upload is
 * deleted. `queryCandles` reads both; on the same key the recorded candle wins.
 */
import type { SqlQueryable } from '@tickline/store';
import type { Candle } from '../port/market-message.ts';
import { CANDLE_COLUMNS, CANDLE_REPLACE, CANDLE_ROWS, writeCandleRows } from './candle-writes.ts';
import { touchSymbolsByCandles } from './symbol-writes.ts';

// The last import of a key wins whatever its revision: history is replaced by importing it again,
// and the row then belongs to that upload ($16; null for an import into the data directory). A key
// the collectors recorded already is not imported: the read would skip it anyway (the recorded
// candle wins), and each such row costs the merged read a probe per call — a backfill of a gap in
// recorded candles would otherwise leave thousands under them.
const UPSERT_HISTORY = `insert into market_candle_history as c (${CANDLE_COLUMNS}, upload_id)
select r.*, $16::text
from (${CANDLE_ROWS}) as r(e, s, i, ot, ct, o, h, l, c, v, qv, n, inc, cl, rev, at)
where not exists (select 1 from market_candles m
  where m.exchange = r.e and m.symbol = r.s and m.interval = r.i and m.open_time = r.ot)
on conflict (exchange, symbol, interval, open_time) do update set ${CANDLE_REPLACE}, upload_id = excluded.upload_id`;

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
): Promise<number> {
  if (candles.length === 0) return 0;
  const written = await writeCandleRows(
    tx,
    UPSERT_HISTORY,
    candles.map((candle) => ({ candle, closed: true })),
    [uploadId],
  );
  await touchSymbolsByCandles(tx, candles);
  return written;
}

/**
 * Deletes the history rows `uploadId` wrote last (a row another upload wrote again since is that
 * upload's); recorded candles stay. A market the upload alone made (no candle of either table and
 * no trade of its exchange and symbol left) goes from `market_symbols` too: deleting an upload
 * under a mistyped symbol leaves no empty market in `GET /markets`. Returns the rows deleted.
 */
export async function deleteUploadedCandles(tx: SqlQueryable, uploadId: string): Promise<number> {
  const { rows } = await tx.query<{ exchange: string; symbol: string; deleted: number }>(
    `with gone as (delete from market_candle_history where upload_id = $1 returning exchange, symbol)
     select exchange, symbol, count(*)::int as deleted from gone group by exchange, symbol`,
    [uploadId],
  );
  for (const { exchange, symbol } of rows) await forgetEmptyMarket(tx, exchange, symbol);
  return rows.reduce((sum, r) => sum + r.deleted, 0);
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

/**
 * @module Reading the archive back: which archived files a candle query reaches, their candles
 * (each file checked against the sha256 the catalogue recorded before a single row is trusted), and
 * the merge with what SQL still holds. `queryCandles` calls it, so charts, the candles API,
 * backtests and live warm-ups read archived months without knowing they are archived.
 */
import { readFile, stat } from 'node:fs/promises';
import type { SqlQueryable } from '@tickline/store';
import { MarketError } from '../port/errors.ts';
import type { CandleQuery, StoredCandle } from '../storage/candle-types.ts';
import { listArchivedFiles, type ArchivedFile } from './archive-catalogue.ts';
import { decodeArchiveFile, sha256Hex } from './archive-file.ts';

/**
 * Decoded files kept, by content (sha256) and modification time: a backtest pages through a month
 * 5,000 candles at a time and would otherwise parse the same file for each page. The key is the
 * content's hash, so an entry can never serve other bytes than those it was checked against; a
 * file rewritten in place has a new mtime and is read and checked again.
 */
const MAX_CACHED_ROWS = 250_000;
const decoded = new Map<string, StoredCandle[]>();

function remember(key: string, rows: StoredCandle[]): void {
  decoded.set(key, rows);
  let held = 0;
  for (const r of decoded.values()) held += r.length;
  // Oldest first (a Map iterates in insertion order); the newest entry always stays.
  for (const [k, r] of decoded) {
    if (held <= MAX_CACHED_ROWS || k === key) break;
    decoded.delete(k);
    held -= r.length;
  }
}

/**
 * The candles of one archived file, after checking it is there and its bytes are those recorded.
 * @throws MarketError MARKET_ARCHIVE_FILE_MISSING, MARKET_ARCHIVE_FILE_CORRUPT
 */
export async function readArchivedFile(f: ArchivedFile): Promise<StoredCandle[]> {
  const details = {
    file: f.file,
    exchange: f.exchange,
    symbol: f.symbol,
    interval: f.interval,
    rangeFrom: f.rangeFrom,
  };
  let mtimeMs: number;
  try {
    const info = await stat(f.file);
    mtimeMs = info.mtimeMs;
    if (info.size !== f.fileBytes) {
      throw new MarketError(
        'MARKET_ARCHIVE_FILE_CORRUPT',
        `archived candles ${f.file}: ${info.size} bytes, ${f.fileBytes} recorded`,
        {
          details: { ...details, expectedBytes: f.fileBytes, actualBytes: info.size },
        },
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new MarketError('MARKET_ARCHIVE_FILE_MISSING', `archived candles ${f.file} are missing`, {
      details,
      cause: error,
    });
  }
  const key = `${f.fileSha256}:${mtimeMs}`;
  const cached = decoded.get(key);
  if (cached) return cached;
  const bytes = await readFile(f.file);
  const actual = sha256Hex(bytes);
  if (actual !== f.fileSha256) {
    throw new MarketError(
      'MARKET_ARCHIVE_FILE_CORRUPT',
      `archived candles ${f.file} do not match their checksum`,
      {
        details: { ...details, expected: f.fileSha256, actual },
      },
    );
  }
  let rows: StoredCandle[];
  try {
    rows = await decodeArchiveFile(bytes);
  } catch (error) {
    // Bytes that match their hash but do not parse were written wrong: still never half-read.
    throw new MarketError(
      'MARKET_ARCHIVE_FILE_CORRUPT',
      `archived candles ${f.file} do not parse: ${(error as Error).message}`,
      {
        details,
        cause: error,
      },
    );
  }
  remember(key, rows);
  return rows;
}

const inRange = (query: CandleQuery) => (c: StoredCandle) =>
  (query.from === undefined || c.openTime >= query.from) && (query.to === undefined || c.openTime < query.to);

/**
 * The archived candles a read of `limit` rows may need: whole months, nearest first in the read's
 * direction (ascending from `from`, or back from `to` for the latest rows), until `limit` candles
 * in range are held. Months are disjoint, so a month not read holds only candles past those.
 * Ascending by open time, then exchange. Empty (one catalogue lookup) when nothing is archived.
 */
export async function archivedCandles(
  sql: SqlQueryable,
  query: CandleQuery,
  limit: number,
): Promise<StoredCandle[]> {
  const latest = query.from === undefined;
  const files = await listArchivedFiles(sql, {
    symbol: query.symbol,
    interval: query.interval,
    ...(query.exchange === undefined ? {} : { exchange: query.exchange }),
    ...(query.from === undefined ? {} : { from: query.from }),
    ...(query.to === undefined ? {} : { to: query.to }),
    newestFirst: latest,
  });
  const held: StoredCandle[] = [];
  let month: number | undefined;
  for (const f of files) {
    // Stop only between months: every exchange's file of a month is read or none.
    if (f.rangeFrom !== month && held.length >= limit) break;
    month = f.rangeFrom;
    held.push(...(await readArchivedFile(f)).filter(inRange(query)));
  }
  return held.sort(byOpenThenExchange);
}

function byOpenThenExchange(a: StoredCandle, b: StoredCandle): number {
  return a.openTime - b.openTime || (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0);
}

/** A candle of SQL's page, and whether it is a recorded one (`market_candles`) or imported history. */
export interface SqlPageCandle {
  candle: StoredCandle;
  recorded: boolean;
}

const keyOf = (c: StoredCandle) => `${c.exchange}\u0000${c.openTime}`;

/**
 * One page from SQL's page and the archive's candles, as a read before archiving gave it: the
 * archive holds recorded candles, so on a shared key a recorded candle still in SQL wins (written
 * after its month was archived, it is the newer state) and an archived one wins over imported
 * history (as the recorded candle did while in SQL). Then the first `limit` (from `from`) or the
 * last `limit` (the latest), ascending. Each input holds the `limit` best candidates of its own
 * source, so the page is the one a single table would give.
 */
export function mergeWithArchive(
  fromSql: readonly SqlPageCandle[],
  archived: readonly StoredCandle[],
  limit: number,
  latest: boolean,
): StoredCandle[] {
  if (archived.length === 0) return fromSql.map((c) => c.candle);
  const recorded = new Set(fromSql.filter((c) => c.recorded).map((c) => keyOf(c.candle)));
  const kept = archived.filter((c) => !recorded.has(keyOf(c)));
  const archivedKeys = new Set(kept.map(keyOf));
  const fromSqlKept = fromSql
    .filter((c) => c.recorded || !archivedKeys.has(keyOf(c.candle)))
    .map((c) => c.candle);
  const merged = [...fromSqlKept, ...kept].sort(byOpenThenExchange);
  return latest ? merged.slice(Math.max(0, merged.length - limit)) : merged.slice(0, limit);
}

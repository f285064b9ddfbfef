/**
 * @module One archived month of candles as a Parquet file (hyparquet-writer, snappy): the columns
 * of `market_candles`, one row per candle, times as TIMESTAMP_MILLIS, so any Parquet reader (DuckDB,
 * pandas, Spark) opens it too. Encoding and decoding are pure; the checksums are what the archiver
 * compares after reading a file back and what every read checks before trusting one.
 */
import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { CandleInterval } from '../port/market-message.ts';
import { storedCandleOf, type CandleRow, type StoredCandle } from '../storage/candle-types.ts';

/** Written into each file's key-value metadata: what it holds and in which layout. */
export const ARCHIVE_FORMAT = 'tickline.market_candles.v1';

/** What a file says about itself, beside its rows. */
export interface ArchiveFileLabel {
  exchange: string;
  symbol: string;
  interval: CandleInterval;
  /** The month: open times in `[rangeFrom, rangeTo)`, epoch ms. */
  rangeFrom: number;
  rangeTo: number;
}

const strings = (rows: readonly StoredCandle[], pick: (c: StoredCandle) => string) => rows.map(pick);
const numbers = (rows: readonly StoredCandle[], pick: (c: StoredCandle) => number) => rows.map(pick);
const dates = (rows: readonly StoredCandle[], pick: (c: StoredCandle) => number) =>
  rows.map((c) => new Date(pick(c)));

/** The candles (one exchange, symbol, interval; ascending open time) as Parquet bytes. */
export function encodeArchiveFile(rows: readonly StoredCandle[], label: ArchiveFileLabel): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'exchange', data: strings(rows, (c) => c.exchange), type: 'STRING', nullable: false },
      { name: 'symbol', data: strings(rows, (c) => c.symbol), type: 'STRING', nullable: false },
      { name: 'interval', data: strings(rows, (c) => c.interval), type: 'STRING', nullable: false },
      { name: 'open_time', data: dates(rows, (c) => c.openTime), type: 'TIMESTAMP', nullable: false },
      { name: 'close_time', data: dates(rows, (c) => c.closeTime), type: 'TIMESTAMP', nullable: false },
      { name: 'open', data: numbers(rows, (c) => c.open), type: 'DOUBLE', nullable: false },
      { name: 'high', data: numbers(rows, (c) => c.high), type: 'DOUBLE', nullable: false },
      { name: 'low', data: numbers(rows, (c) => c.low), type: 'DOUBLE', nullable: false },
      { name: 'close', data: numbers(rows, (c) => c.close), type: 'DOUBLE', nullable: false },
      { name: 'volume', data: numbers(rows, (c) => c.volume), type: 'DOUBLE', nullable: false },
      { name: 'quote_volume', data: numbers(rows, (c) => c.quoteVolume), type: 'DOUBLE', nullable: false },
      { name: 'trades', data: numbers(rows, (c) => c.trades), type: 'INT32', nullable: false },
      { name: 'incomplete', data: rows.map((c) => c.incomplete), type: 'BOOLEAN', nullable: false },
      { name: 'closed', data: rows.map((c) => c.closed), type: 'BOOLEAN', nullable: false },
      { name: 'revision', data: numbers(rows, (c) => c.revision), type: 'INT32', nullable: false },
      { name: 'updated_at', data: dates(rows, (c) => c.updatedAt), type: 'TIMESTAMP', nullable: false },
    ],
    codec: 'SNAPPY',
    kvMetadata: [
      { key: 'tickline.format', value: ARCHIVE_FORMAT },
      { key: 'tickline.range', value: JSON.stringify(label) },
    ],
    createdBy: 'tickline market archive',
  });
  return new Uint8Array(buffer);
}

/** The candles of a file {@link encodeArchiveFile} wrote, in file order. Throws on bytes that are not Parquet. */
export async function decodeArchiveFile(bytes: Uint8Array): Promise<StoredCandle[]> {
  // hyparquet reads an ArrayBuffer: copy out exactly this view's bytes (a Buffer may share a pool).
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file })) as unknown as CandleRow[];
  return rows.map(storedCandleOf);
}

/** sha256 (hex) of bytes: a file's identity in the catalogue. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * sha256 (hex) of the candles' values in order, independent of the file's encoding: what SQL held
 * and what the file gives back must hash alike. `String(number)` is exact for a double (it is the
 * shortest text that reads back as the same number).
 */
export function rowsSha256(rows: readonly StoredCandle[]): string {
  const hash = createHash('sha256');
  for (const c of rows) {
    hash.update(
      [
        c.exchange,
        c.symbol,
        c.interval,
        c.openTime,
        c.closeTime,
        c.open,
        c.high,
        c.low,
        c.close,
        c.volume,
        c.quoteVolume,
        c.trades,
        c.incomplete,
        c.closed,
        c.revision,
        c.updatedAt,
      ].join('\u0001') + '\n',
    );
  }
  return hash.digest('hex');
}

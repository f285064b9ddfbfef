/**
 * @module Kline CSV uploads (`candle_uploads`): history sent through the API in line-aligned
 * chunks while the server runs, so nobody stops the server to import. Each chunk names the CSV
 * line it starts at; the upload remembers how many lines it applied, which is where a client
 * that lost its connection resumes. A chunk is parsed whole before anything is written (a bad
 * line stores nothing), and its candles and the counters move in one transaction; a chunk sent
 * twice writes the same candles again, which the history upsert makes harmless. The candles go to
 * the market's imported history (`importCandles`), which retention never drops, so history of
 * any age gets in; deleting the upload deletes the candles it wrote. After each commit that
 * changed candles a `market.history.changed` goes on the log, so the market's read cache — in
 * this process or in Redis behind every gateway — drops the series instead of serving the latest
 * candles from before the change until its entries expire.
 */
import { createEventSource, TicklineError, type EventEnvelope } from '@tickline/kernel';
import {
  deleteUploadedCandles,
  importCandles,
  MarketHistoryChanged,
  parseKlineLine,
  type Candle,
  type CandleInterval,
} from '@tickline/market';
import type { Sql, SqlTx } from '@tickline/store';

export type UploadStatus = 'receiving' | 'complete';

export interface CandleUpload {
  id: string;
  userId: string;
  symbol: string;
  interval: CandleInterval;
  exchange: string;
  name: string | null;
  totalBytes: number | null;
  receivedBytes: number;
  /** CSV lines applied: the `offset` the next chunk starts at. */
  rows: number;
  candles: number;
  firstOpen: number | null;
  lastOpen: number | null;
  status: UploadStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUpload {
  id: string;
  userId: string;
  symbol: string;
  interval: CandleInterval;
  exchange: string;
  name?: string | undefined;
  totalBytes?: number | undefined;
  now: Date;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function uploadFrom(r: Row): CandleUpload {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    symbol: r.symbol as string,
    interval: r.interval as CandleInterval,
    exchange: r.exchange as string,
    name: (r.name as string | null) ?? null,
    totalBytes: num(r.total_bytes),
    receivedBytes: Number(r.received_bytes),
    rows: Number(r.rows),
    candles: Number(r.candles),
    firstOpen: num(r.first_open),
    lastOpen: num(r.last_open),
    status: r.status as UploadStatus,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

const notFound = (id: string): TicklineError =>
  new TicklineError('STRATEGY_UPLOAD_NOT_FOUND', 'no such upload', { details: { id } });

/** The caller's upload, locked for the transaction (chunks and a delete of one upload queue up). */
async function lockedUpload(tx: SqlTx, userId: string, id: string): Promise<CandleUpload> {
  const { rows } = await tx.query<Row>('select * from candle_uploads where id = $1 and user_id = $2 for update', [id, userId]);
  if (rows.length === 0) throw notFound(id);
  return uploadFrom(rows[0]!);
}

/** The lines of a chunk: a trailing newline ends the last line rather than opening an empty one. */
export function chunkLines(csv: string): string[] {
  const lines = csv.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const events = createEventSource({ source: 'strategy/history-uploads' });

export class CandleUploads {
  readonly #sql: Sql;
  readonly #publish: (event: EventEnvelope) => void;

  /** `publish` takes the `market.history.changed` of each change (the process's publisher). */
  constructor(sql: Sql, publish: (event: EventEnvelope) => void = () => {}) {
    this.#sql = sql;
    this.#publish = publish;
  }

  #changed(upload: CandleUpload, change: 'imported' | 'deleted'): void {
    const { exchange, symbol, interval, id: uploadId } = upload;
    this.#publish(
      events.create(MarketHistoryChanged, {
        subject: symbol,
        data: { exchange, symbol, interval, uploadId, change },
      }),
    );
  }

  async create(input: NewUpload): Promise<CandleUpload> {
    const { rows } = await this.#sql.query<Row>(
      `insert into candle_uploads (id, user_id, symbol, interval, exchange, name, total_bytes, status, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'receiving', $8, $8) returning *`,
      [input.id, input.userId, input.symbol, input.interval, input.exchange, input.name ?? null, input.totalBytes ?? null, input.now],
    );
    return uploadFrom(rows[0]!);
  }

  /** The caller's upload; STRATEGY_UPLOAD_NOT_FOUND for an unknown one or another user's. */
  async get(userId: string, id: string): Promise<CandleUpload> {
    const { rows } = await this.#sql.query<Row>('select * from candle_uploads where id = $1 and user_id = $2', [id, userId]);
    if (rows.length === 0) throw notFound(id);
    return uploadFrom(rows[0]!);
  }

  async list(userId: string, limit: number): Promise<CandleUpload[]> {
    const { rows } = await this.#sql.query<Row>(
      'select * from candle_uploads where user_id = $1 order by created_at desc limit $2',
      [userId, limit],
    );
    return rows.map(uploadFrom);
  }

  /**
   * Applies the CSV lines starting at line `offset` (0-based). STRATEGY_UPLOAD_OFFSET when the
   * chunk would leave a gap (the details name the offset to resume at), STRATEGY_UPLOAD_COMPLETE
   * after `complete`, MARKET_CSV_ROW_INVALID naming the first bad line (nothing stored either way).
   */
  async applyChunk(userId: string, id: string, offset: number, csv: string, now: Date): Promise<CandleUpload> {
    const lines = chunkLines(csv);
    let stored = 0;
    const upload = await this.#sql.transaction(async (tx) => {
      const upload = await lockedUpload(tx, userId, id);
      if (upload.status === 'complete') {
        throw new TicklineError('STRATEGY_UPLOAD_COMPLETE', 'the upload is complete; start a new one', { details: { id } });
      }
      if (offset > upload.rows) {
        throw new TicklineError('STRATEGY_UPLOAD_OFFSET', `the chunk starts at line ${offset}, the upload holds ${upload.rows}`, {
          details: { offset, rows: upload.rows },
        });
      }
      const target = { symbol: upload.symbol, interval: upload.interval, exchange: upload.exchange };
      const candles: Candle[] = [];
      // Only lines past what the upload already holds count as new (a resent chunk adds nothing).
      let newBytes = 0;
      let newCandles = 0;
      lines.forEach((line, i) => {
        const candle = parseKlineLine(line, offset + i + 1, target);
        const isNew = offset + i >= upload.rows;
        if (isNew) newBytes += Buffer.byteLength(line) + 1;
        if (candle === null) return;
        candles.push(candle);
        if (isNew) newCandles++;
      });
      stored = await importCandles(tx, candles, id);
      const opens = candles.map((c) => c.openTime);
      const { rows: updated } = await tx.query<Row>(
        `update candle_uploads set
           rows = greatest(rows, $2), received_bytes = received_bytes + $3, candles = candles + $4,
           first_open = least(first_open, $5), last_open = greatest(last_open, $6), updated_at = $7
         where id = $1 returning *`,
        [
          id,
          offset + lines.length,
          newBytes,
          newCandles,
          opens.length ? Math.min(...opens) : null,
          opens.length ? Math.max(...opens) : null,
          now,
        ],
      );
      return uploadFrom(updated[0]!);
    });
    if (stored > 0) this.#changed(upload, 'imported');
    return upload;
  }

  async complete(userId: string, id: string, now: Date): Promise<CandleUpload> {
    const { rows } = await this.#sql.query<Row>(
      `update candle_uploads set status = 'complete', updated_at = $3 where id = $1 and user_id = $2 returning *`,
      [id, userId, now],
    );
    if (rows.length === 0) throw notFound(id);
    return uploadFrom(rows[0]!);
  }

  /**
   * Deletes the upload and the candles it wrote (the history rows no later upload wrote again) in
   * one transaction; recorded candles stay. STRATEGY_UPLOAD_NOT_FOUND for an unknown upload or
   * another user's, which changes nothing. Returns the candles deleted.
   */
  async delete(userId: string, id: string): Promise<number> {
    const { upload, candles } = await this.#sql.transaction(async (tx) => {
      const upload = await lockedUpload(tx, userId, id);
      const candles = await deleteUploadedCandles(tx, id);
      await tx.query('delete from candle_uploads where id = $1', [id]);
      return { upload, candles };
    });
    if (candles > 0) this.#changed(upload, 'deleted');
    return candles;
  }
}

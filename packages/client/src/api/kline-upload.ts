/**
 * @module Sends a venue kline CSV to `/api/v1/history/uploads` as the server takes it: read as a
 * stream, cut at line ends into chunks under the route's cap, each sent with the line it starts
 * at. A failed chunk is sent again (the server's candle write is idempotent); `resume` continues
 * an upload from the lines the server already holds. The CLI and the dashboard share it, and the
 * dashboard lists uploads and deletes one (its candles go with it) through the same call.
 */

/** An upload as the server reports it (`GET /history/uploads/{id}`). */
export interface KlineUpload {
  id: string;
  symbol: string;
  interval: string;
  exchange: string;
  /** The file's name, as the upload was started with. */
  name: string | null;
  totalBytes: number | null;
  receivedBytes: number;
  rows: number;
  candles: number;
  from: string | null;
  to: string | null;
  status: 'receiving' | 'complete';
  createdAt: string;
}

/** One call to the API, relative to `/api/v1`; rejects with the server's coded error. */
export type UploadCall = <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => Promise<T>;

export interface KlineUploadOptions {
  call: UploadCall;
  /** The file's text in pieces of any size (a stream decoded as UTF-8). */
  text: AsyncIterable<string>;
  symbol: string;
  interval: string;
  exchange?: string;
  name?: string;
  /** The file's size, so progress is a fraction. */
  totalBytes?: number;
  /** Continue this upload from the lines the server holds. */
  resume?: string;
  /** Called after every chunk the server accepted. */
  onProgress?: (upload: KlineUpload) => void;
  /** Whether a failed chunk is worth sending again (a lost connection, a 503). @default never */
  retryable?: (error: unknown) => boolean;
  /** @default 3 */
  retries?: number;
  /** @default 256 KiB (the route takes 512 KiB) */
  chunkChars?: number;
}

/** Pieces of text → whole lines (a final line without its newline included). */
async function* linesOf(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const piece of text) {
    rest += piece;
    let at = rest.indexOf('\n');
    while (at >= 0) {
      yield rest.slice(0, at).replace(/\r$/, '');
      rest = rest.slice(at + 1);
      at = rest.indexOf('\n');
    }
  }
  if (rest !== '') yield rest.replace(/\r$/, '');
}

/** Uploads the whole text and marks the upload complete; returns it as the server last said. */
export async function uploadKlineCsv(o: KlineUploadOptions): Promise<KlineUpload> {
  const limit = o.chunkChars ?? 256 * 1024;
  const retries = o.retries ?? 3;
  let upload = o.resume
    ? (await o.call<{ upload: KlineUpload }>('GET', `/history/uploads/${encodeURIComponent(o.resume)}`)).upload
    : (
        await o.call<{ upload: KlineUpload }>('POST', '/history/uploads', {
          symbol: o.symbol,
          interval: o.interval,
          ...(o.exchange ? { exchange: o.exchange } : {}),
          ...(o.name ? { name: o.name.slice(0, 200) } : {}),
          ...(o.totalBytes === undefined ? {} : { totalBytes: o.totalBytes }),
        })
      ).upload;
  const path = `/history/uploads/${encodeURIComponent(upload.id)}`;
  const send = async (offset: number, lines: string[]): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        upload = (await o.call<{ upload: KlineUpload }>('POST', `${path}/chunks`, { offset, csv: `${lines.join('\n')}\n` })).upload;
        o.onProgress?.(upload);
        return;
      } catch (error) {
        if (attempt >= retries || !(o.retryable?.(error) ?? false)) throw error;
        await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
      }
    }
  };
  const skip = upload.rows;
  let line = 0;
  let offset = skip;
  let chunk: string[] = [];
  let chars = 0;
  for await (const text of linesOf(o.text)) {
    if (line++ < skip) continue;
    if (chunk.length > 0 && chars + text.length + 1 > limit) {
      await send(offset, chunk);
      offset += chunk.length;
      chunk = [];
      chars = 0;
    }
    chunk.push(text);
    chars += text.length + 1;
  }
  if (chunk.length > 0) await send(offset, chunk);
  upload = (await o.call<{ upload: KlineUpload }>('POST', `${path}/complete`)).upload;
  o.onProgress?.(upload);
  return upload;
}

/** The caller's uploads, newest first (`GET /history/uploads`, at most `limit`: 1–200). */
export async function listKlineUploads(call: UploadCall, limit = 50): Promise<KlineUpload[]> {
  return (await call<{ uploads: KlineUpload[] }>('GET', `/history/uploads?limit=${limit}`)).uploads;
}

/**
 * Deletes an upload and the candles it stored (`DELETE /history/uploads/{id}`); recorded candles
 * stay. Rejects with STRATEGY_UPLOAD_NOT_FOUND for an unknown upload or another admin's.
 */
export async function deleteKlineUpload(call: UploadCall, id: string): Promise<void> {
  await call<unknown>('DELETE', `/history/uploads/${encodeURIComponent(id)}`);
}

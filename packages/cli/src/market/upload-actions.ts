/**
 * @module `tickline market uploads` and `tickline market uploads delete ID`: the imported history a
 * server holds, by upload, and taking one out again. Imported candles stay until their upload is
 * deleted (retention drops recorded candles only), so the CLI that puts history in also lists and
 * removes it. Both go through the server's API with an admin's credential, as imports do.
 */
import { deleteKlineUpload, listKlineUploads, type KlineUpload, type UploadCall } from '@tickline/client';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { apiClient, type ApiOptions } from '../api/api-client.ts';
import { serverApi } from './history-over-api.ts';

export interface UploadsOptions extends ApiOptions {
  config?: string;
  json?: boolean;
  limit?: string;
}

function call(io: CliIo, o: UploadsOptions, fetchFn?: typeof fetch): UploadCall {
  return apiClient(io, serverApi(io, o.config, o), fetchFn);
}

const minute = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 16).replace('T', ' '));

/** The uploads as aligned columns, newest first. */
export function formatUploads(uploads: readonly KlineUpload[]): string {
  if (uploads.length === 0) return 'no uploads\n';
  const head = ['id', 'market', 'candles', 'from', 'to', 'status', 'file'];
  const rows = uploads.map((u) => [
    u.id,
    `${u.symbol} ${u.interval} (${u.exchange})`,
    u.candles.toLocaleString('en-US'),
    minute(u.from),
    minute(u.to),
    u.status === 'complete' ? 'complete' : `receiving, line ${u.rows}`,
    u.name ?? '',
  ]);
  return `${alignColumns(head, rows).join('\n')}\n`;
}

/** `market uploads`: the caller's uploads on the server. */
export async function listUploadsCommand(
  io: CliIo,
  o: UploadsOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  const limit = o.limit === undefined ? 50 : Number(o.limit);
  const uploads = await listKlineUploads(call(io, o, fetchFn), limit);
  io.out(o.json ? `${JSON.stringify({ uploads })}\n` : formatUploads(uploads));
}

/** `market uploads delete ID`: the upload and the candles it stored; recorded candles stay. */
export async function deleteUploadCommand(
  io: CliIo,
  id: string,
  o: UploadsOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  await deleteKlineUpload(call(io, o, fetchFn), id);
  io.out(
    o.json ? `${JSON.stringify({ deleted: id })}\n` : `deleted upload ${id} and the candles it stored\n`,
  );
}

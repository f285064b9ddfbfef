/**
 * @module A venue kline CSV file as text (for `tickline market import`): plain, or gzip-compressed (`.gz`), as the
 * sample history in `data/history/` is kept. Progress is counted in text bytes, so the size is
 * the uncompressed one.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface KlineText {
  /** UTF-8 text of the CSV. */
  stream: Readable;
  /** Bytes of text the stream will give (for a progress bar). */
  size: number;
}

/**
 * gzip keeps the uncompressed length modulo 2³² in its last four bytes (RFC 1952, ISIZE): exact
 * for the files this reads, which are far below 4 GiB.
 */
async function gzipTextSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, Math.max(0, size - 4));
    return tail.readUInt32LE(0);
  } finally {
    await handle.close();
  }
}

/** Opens `file` as text, decompressing a `.gz` one on the way. */
export async function openKlineText(file: string): Promise<KlineText> {
  if (!file.endsWith('.gz')) {
    return { stream: createReadStream(file, { encoding: 'utf8' }), size: (await stat(file)).size };
  }
  const size = await gzipTextSize(file);
  const stream = createReadStream(file).pipe(createGunzip());
  stream.setEncoding('utf8');
  return { stream, size };
}

/**
 * @module How a run's candle columns enter its isolate: shared memory read in place, a packed copy
 * transferred in, or, for a batch of trials, the shared buffers copied in once and each trial's
 * columns named as offsets in them.
 */
import { isMainThread } from 'node:worker_threads';
import type ivm from 'isolated-vm';
import type { Feed } from '../core/types.ts';
import type { IsolateInput } from './isolate-entry.ts';
import { PACKED_COLUMNS } from './packed-feeds.ts';

/**
 * Shared memory crosses into isolates only from the main thread. isolated-vm takes over a
 * SharedArrayBuffer's memory the first time one is copied into an isolate; a 1M-bar walk-forward
 * whose two worker threads did so with the same feed died once with SIGILL, so runs on worker
 * threads keep the copy in and out (their feeds are shared between threads all the same).
 */
export const IN_PLACE = isMainThread;

/** True when every column lives in shared memory (see {@link shareFeeds}): the isolate reads it in place. */
export function allShared(feeds: readonly Feed[]): boolean {
  return feeds.every((f) => PACKED_COLUMNS.every((k) => f.columns[k].buffer instanceof SharedArrayBuffer));
}

/** What the isolate is told of each feed besides its columns. */
export function metaOf(feeds: readonly Feed[]): IsolateInput['feeds'] {
  return feeds.map((f) => ({ symbol: f.symbol, interval: f.interval, length: f.columns.closeTime.length }));
}

/**
 * How the feeds travel into the isolate. Shared columns go as they are: isolated-vm hands the
 * isolate the same memory, so nothing is copied (the engine only reads them, and no API gives a
 * strategy the arrays themselves). Other columns are packed into one buffer — one copy here —
 * that is transferred in without another. Shared memory only goes in: the equity curve comes back
 * as a copy. The isolate used to write it to a SharedArrayBuffer for the host to read in place,
 * and under load that crashed the process (SIGSEGV in V8's ArrayBufferSweeper freeing a
 * BackingStore, heap corruption elsewhere: 6 of 14 runs of the strategy unit tests with both
 * cores busy; none in 6 runs with the copy).
 */
export function feedsForIsolate(
  feeds: readonly Feed[],
  inPlace: boolean,
): Pick<IsolateInput, 'feeds' | 'columns' | 'shared'> {
  const meta = metaOf(feeds);
  if (inPlace && allShared(feeds)) return { feeds: meta, columns: null, shared: feeds.map((f) => f.columns) };
  let total = 0;
  for (const f of feeds) total += f.columns.closeTime.length * PACKED_COLUMNS.length;
  const columns = new Float64Array(total);
  let offset = 0;
  for (const f of feeds) {
    for (const name of PACKED_COLUMNS) {
      columns.set(f.columns[name], offset);
      offset += f.columns.closeTime.length;
    }
  }
  return { feeds: meta, columns, shared: null };
}

/** Shared buffers a batch's feeds read, copied into its isolate once, and where each trial's columns start. */
export interface HeldFeeds {
  ref: ivm.Reference;
  /** The buffers by identity: their index in the isolate's list. */
  index: Map<ArrayBufferLike, number>;
}

/**
 * The shared buffers under every trial's columns, when all of them are shared and on this thread
 * (see IN_PLACE); undefined otherwise (each trial's feeds are then packed and copied in).
 */
export function heldBuffers(trials: ReadonlyArray<readonly Feed[]>): Float64Array[] | undefined {
  if (!IN_PLACE) return undefined;
  const buffers = new Map<ArrayBufferLike, Float64Array>();
  for (const feeds of trials) {
    if (!allShared(feeds)) return undefined;
    for (const f of feeds)
      for (const name of PACKED_COLUMNS) {
        const column = f.columns[name];
        if (column.byteOffset % Float64Array.BYTES_PER_ELEMENT !== 0) return undefined;
        if (!buffers.has(column.buffer))
          buffers.set(column.buffer, new Float64Array(column.buffer, 0, Math.floor(column.buffer.byteLength / 8)));
      }
  }
  return [...buffers.values()];
}

/** Where each of `feeds`' columns starts in the held buffers (IsolateInput.held). */
export function heldWindows(feeds: readonly Feed[], held: HeldFeeds): number[][] {
  return feeds.map((f) =>
    PACKED_COLUMNS.flatMap((name) => {
      const column = f.columns[name];
      return [held.index.get(column.buffer)!, column.byteOffset / Float64Array.BYTES_PER_ELEMENT];
    }),
  );
}

/**
 * @module How candle feeds reach a sandbox process. A feed travels as content of the call
 * (`CallOptions.data` of `@tickline/sandbox`): named by a SHA-256 of its columns, sent to a
 * process once and kept there, so a research job's thousand trials, or a second backtest over the
 * same candles, send a name and a bar range instead of the bars. The pool decides what each
 * process holds and counts it in the process's memory allowance; a call reads only the feeds it
 * was given (the host names them, never the code that runs).
 *
 * A feed's columns are often views of longer columns (research windows cut with `sliceFeeds`):
 * then the longer columns are the content, hashed once per set of columns (the hash is kept beside
 * them), and the call names the window as a range of it. In the process the columns are views on
 * memory it keeps, which the isolate reads in place.
 */
import { createHash } from 'node:crypto';
import type { CallData } from '@tickline/sandbox';
import type { CandleColumns, Feed } from '../core/types.ts';
import { PACKED_COLUMNS } from './packed-feeds.ts';

/** A feed as a call names it: its content, and the bars of it the call reads. */
export interface FeedRef {
  key: string;
  symbol: string;
  interval: string;
  /** Bars of the content (each column). */
  length: number;
  /** The bars read: [from, to). */
  from: number;
  to: number;
}

const BYTES = Float64Array.BYTES_PER_ELEMENT;

/** The bytes of a column as they are (no copy). */
const bytesOf = (column: Float64Array): Uint8Array =>
  new Uint8Array(column.buffer, column.byteOffset, column.byteLength);

/** Content: whole columns, in PACKED_COLUMNS order, and the hash naming them (made once). */
interface Content {
  columns: Float64Array[];
  length: number;
  key: Promise<string>;
}

/** Content by its close-time column's memory (or the view itself when it is not a whole column). */
const contents = new WeakMap<object, Content>();

/** Hashed in pieces of this size, the event loop turning between them (56 MB take ~40 ms). */
const HASH_CHUNK = 4 * 1024 * 1024;

async function hashColumns(columns: readonly Float64Array[], length: number): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`tickline-feed-v1 ${columns.length}×${length}\n`);
  for (const column of columns) {
    const bytes = bytesOf(column);
    for (let at = 0; at < bytes.byteLength; at += HASH_CHUNK) {
      hash.update(bytes.subarray(at, at + HASH_CHUNK));
      if (bytes.byteLength > HASH_CHUNK) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return hash.digest('base64url');
}

/**
 * The content a feed is read from and the range it reads: the whole columns its columns view when
 * each lives alone in memory of its own at the same offset (as `sliceFeeds` leaves them), else
 * the feed's columns themselves.
 */
function contentOf(feed: Feed): { content: Content; from: number; to: number } {
  const views = PACKED_COLUMNS.map((k) => feed.columns[k]);
  const first = views[0]!;
  const whole = first.buffer.byteLength / BYTES;
  const from = first.byteOffset / BYTES;
  const own =
    Number.isInteger(whole) &&
    new Set(views.map((v) => v.buffer)).size === views.length &&
    views.every(
      (v) =>
        v.buffer.byteLength === first.buffer.byteLength &&
        v.byteOffset === first.byteOffset &&
        v.length === first.length,
    );
  const anchor: object = own ? first.buffer : first;
  const known = contents.get(anchor);
  const columns = own ? views.map((v) => new Float64Array(v.buffer, 0, whole)) : views;
  const range = own ? { from, to: from + first.length } : { from: 0, to: first.length };
  // Known only if every column is the same memory as when it was hashed.
  if (
    known !== undefined &&
    known.columns.every((c, i) => c.buffer === columns[i]!.buffer && c.length === columns[i]!.length)
  )
    return { content: known, ...range };
  const length = columns[0]!.length;
  const content: Content = { columns, length, key: hashColumns(columns, length) };
  contents.set(anchor, content);
  return { content, ...range };
}

/**
 * The name of a feed's content (hashing it the first time). Feeds are immutable once built: the
 * name is kept with the columns' memory and not made again. Call it where a feed is loaded, so a
 * run does not pay for it.
 */
export function feedKey(feed: Feed): Promise<string> {
  return contentOf(feed).content.key;
}

/** What a call carries for `feeds`: their content (sent where missing) and how the call names them. */
export async function sendFeeds(feeds: readonly Feed[]): Promise<{ data: CallData[]; refs: FeedRef[] }> {
  const data: CallData[] = [];
  const refs: FeedRef[] = [];
  for (const feed of feeds) {
    const { content, from, to } = contentOf(feed);
    const key = await content.key;
    data.push({
      key,
      byteLength: content.columns.length * content.length * BYTES,
      parts: () => content.columns.map(bytesOf),
    });
    refs.push({ key, symbol: feed.symbol, interval: feed.interval, length: content.length, from, to });
  }
  return { data, refs };
}

/**
 * In the sandbox process: the feeds of a call as views on the content it was given (`data`, the
 * call context's), valid until the call ends.
 */
export function receiveFeeds(refs: readonly FeedRef[], data: (key: string) => Uint8Array): Feed[] {
  return refs.map((ref) => {
    const bytes = data(ref.key);
    const { length, from, to } = ref;
    if (
      !(Number.isInteger(length) && Number.isInteger(from) && Number.isInteger(to)) ||
      !(0 <= from && from <= to && to <= length) ||
      bytes.byteLength !== PACKED_COLUMNS.length * length * BYTES
    )
      throw new Error(
        `feed ${ref.key} holds ${bytes.byteLength} bytes, not ${length} bars with [${from}, ${to})`,
      );
    const columns = {} as CandleColumns;
    PACKED_COLUMNS.forEach((name, i) => {
      columns[name] = new Float64Array(
        bytes.buffer,
        bytes.byteOffset + (i * length + from) * BYTES,
        to - from,
      );
    });
    return { symbol: ref.symbol, interval: ref.interval, columns };
  });
}

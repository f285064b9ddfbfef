/**
 * @module A bounded window of the most recently committed records, so live consumers are served
 * from memory and never re-read what was just written. Records arrive in contiguous runs (one per
 * group commit) and leave oldest run first. Each run's payloads live in one buffer the cache owns.
 */
import type { LogRecord } from '../port/event-log.ts';

// What a cached record costs beyond its payload: the object, its strings' share, array slots.
const RECORD_OVERHEAD_BYTES = 160;

interface Run {
  first: number;
  records: LogRecord[];
  bytes: number;
}

/**
 * Moves the payloads of a run into one buffer of their own. They arrive as views into memory the
 * cache does not own: `encodeEvent`'s bytes come from `Buffer.allocUnsafe`, i.e. slices of Node's
 * shared 64 KiB pool slabs, and a follower's come from its segment read buffer. A cached view
 * keeps its whole slab alive: ~27 cached payloads held each 64 KiB slab of the default simulator
 * after 18 minutes, 92 MB of slabs for ~16 MB of records, and the byte bound below counted only
 * the 16. One allocation and copy per group commit makes the bound the memory actually held.
 */
function ownPayloads(records: LogRecord[]): void {
  let total = 0;
  for (const record of records) total += record.payload.byteLength;
  // Allocated outside the pool: a pooled buffer would be one more shared slab.
  const owned = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const record of records) {
    const size = record.payload.byteLength;
    owned.set(record.payload, at);
    record.payload = owned.subarray(at, at + size);
    at += size;
  }
}

export class RecordCache {
  readonly #maxBytes: number;
  readonly #maxRecords: number;
  // Evicted slots before #head are cleared, so evicted records are garbage at once.
  #runs: Array<Run | undefined> = [];
  #head = 0;
  #bytes = 0;
  #count = 0;

  constructor(maxBytes: number, maxRecords: number) {
    this.#maxBytes = maxBytes;
    this.#maxRecords = maxRecords;
  }

  /** First cached offset, or undefined when empty. */
  get first(): number | undefined {
    return this.#runs[this.#head]?.first;
  }

  /** Adds records whose offsets follow the last cached one without a hole (else the cache restarts). */
  push(records: LogRecord[], payloadBytes: number): void {
    if (records.length === 0) return;
    const tail = this.#runs.length > this.#head ? this.#runs.at(-1) : undefined;
    if (tail && tail.first + tail.records.length !== records[0]!.offset) this.clear();
    ownPayloads(records);
    const bytes = payloadBytes + records.length * RECORD_OVERHEAD_BYTES;
    this.#runs.push({ first: records[0]!.offset, records, bytes });
    this.#bytes += bytes;
    this.#count += records.length;
    while (
      this.#head < this.#runs.length - 1 &&
      (this.#bytes > this.#maxBytes || this.#count > this.#maxRecords)
    ) {
      const old = this.#runs[this.#head]!;
      this.#runs[this.#head++] = undefined;
      this.#bytes -= old.bytes;
      this.#count -= old.records.length;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#runs.length) {
      this.#runs = this.#runs.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Up to `limit` records from `from` on, or undefined when `from` is not cached. */
  read(from: number, limit: number): LogRecord[] | undefined {
    const first = this.first;
    if (first === undefined || from < first) return undefined;
    let lo = this.#head;
    let hi = this.#runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#runs[mid]!.first <= from) lo = mid;
      else hi = mid - 1;
    }
    let run = this.#runs[lo]!;
    if (from >= run.first + run.records.length) return undefined;
    const out = run.records.slice(from - run.first, from - run.first + limit);
    for (let i = lo + 1; out.length < limit && i < this.#runs.length; i++) {
      run = this.#runs[i]!;
      const need = limit - out.length;
      if (need >= run.records.length) for (const r of run.records) out.push(r);
      else for (let j = 0; j < need; j++) out.push(run.records[j]!);
    }
    return out;
  }

  clear(): void {
    this.#runs = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#count = 0;
  }
}

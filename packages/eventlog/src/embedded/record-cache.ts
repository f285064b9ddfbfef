/**
 * @module A bounded window of the most recently committed records, so live consumers are served
 * from memory and never re-read what was just written. Records arrive in contiguous runs (one per
 * group commit) and leave oldest run first.
 */
import type { LogRecord } from '../port/event-log.ts';

// What a cached record costs beyond its payload: the object, its strings' share, array slots.
const RECORD_OVERHEAD_BYTES = 160;

interface Run {
  first: number;
  records: LogRecord[];
  bytes: number;
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

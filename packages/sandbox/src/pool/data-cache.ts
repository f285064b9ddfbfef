/**
 * @module What a sandbox process holds between calls: content a call needs (a backtest's candle
 * columns), named by a hash of it, in memory buffers the process keeps. This is the host's side,
 * and the host decides everything: which buffer each piece of content goes into, which buffers are
 * reused, freed or kept, when content is evicted. The process only does what each call's message
 * says (serve.ts), so the host always knows how many bytes the process holds, and the supervisor
 * bounds its resident memory by its idle size plus those bytes plus the call's own allowance.
 *
 * Buffers outlive their content: memory a process has touched once is reused for the next
 * content (first touching fresh memory cost ~3–4 ms of page faults per MB on the development VM,
 * refilling touched memory ~0.15 ms). A buffer is freed only when the cache would exceed its
 * bound; content larger than the bound travels all the same and is freed after its call.
 */

import type { WireData } from './protocol.ts';

/** Content a call needs in its process, named by what it is. */
export interface CallData {
  /** A hash of the bytes: equal keys mean equal bytes (the caller's promise). */
  key: string;
  byteLength: number;
  /** The bytes, in order; read only when the process lacks them. */
  parts: () => readonly Uint8Array[];
}

/**
 * Buffers are sized up to a step of 1/16 of their size's power of two (at least 64 KiB), so content
 * of a similar size reuses one and at most ~6 % of a buffer is never written (memory the process
 * is allowed but does not touch).
 */
export function bufferSize(bytes: number): number {
  const step = Math.max(64 * 1024, 2 ** Math.floor(Math.log2(Math.max(1, bytes))) / 16);
  return Math.ceil(Math.max(1, bytes) / step) * step;
}

/** What the process does around one call (as the host planned it). */
export interface DataPlan {
  /** Buffers the process frees before the call. */
  drop: number[];
  /** Content the process reads into buffers before the call; `size` when the buffer is new. */
  put: Array<{ data: CallData; buffer: number; size?: number }>;
  /** Every content the call may read, with the buffer that holds it. */
  uses: Array<{ key: string; buffer: number; byteLength: number }>;
  /** Buffers the process frees after the call (the content did not fit the bound). */
  after: number[];
}

interface Buffer {
  id: number;
  size: number;
  /** The content it holds; none: kept for reuse. */
  key?: string;
  byteLength: number;
  lastUse: number;
}

/** The content and buffers of one sandbox process, as the host tracks them. */
export class DataCache {
  readonly #maxBytes: number;
  readonly #buffers = new Map<number, Buffer>();
  readonly #byKey = new Map<string, Buffer>();
  #bytes = 0;
  #nextId = 1;
  #clock = 0;

  /** @param maxBytes bytes of buffers kept between calls. */
  constructor(maxBytes: number) {
    this.#maxBytes = Math.max(0, maxBytes);
  }

  /** Bytes of every buffer the process holds (touched or about to be). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes of `data` the process already holds (to send a call where its content is). */
  heldBytes(data: readonly CallData[]): number {
    let n = 0;
    for (const d of data) if (this.#byKey.has(d.key)) n += d.byteLength;
    return n;
  }

  /** Plans the process's side of a call that reads `data`; the model is updated as if it ran. */
  plan(data: readonly CallData[]): DataPlan {
    const now = ++this.#clock;
    const wanted = new Map<string, CallData>();
    for (const d of data) if (!wanted.has(d.key)) wanted.set(d.key, d);
    const plan: DataPlan = { drop: [], put: [], uses: [], after: [] };
    const pinned = new Set<number>();
    for (const d of wanted.values()) {
      const held = this.#byKey.get(d.key);
      if (held === undefined) continue;
      held.lastUse = now;
      pinned.add(held.id);
    }
    const missing = [...wanted.values()].filter((d) => !this.#byKey.has(d.key));
    // Largest first: it has the fewest buffers it fits in.
    missing.sort((a, b) => b.byteLength - a.byteLength);
    const fresh: Buffer[] = [];
    for (const d of missing) {
      let buffer = this.#freeBuffer(d.byteLength, pinned);
      // No room for a new buffer: empty ones (all too small, or one would have been found) go
      // first, then the least recently used content, whose buffer may fit.
      while (buffer === undefined && this.#bytes + bufferSize(d.byteLength) > this.#maxBytes) {
        const empty = [...this.#buffers.values()].find((x) => x.key === undefined && !pinned.has(x.id));
        if (empty !== undefined) {
          this.#free(empty);
          plan.drop.push(empty.id);
          continue;
        }
        if (this.#evictOldest(pinned) === undefined) break;
        buffer = this.#freeBuffer(d.byteLength, pinned);
      }
      let size: number | undefined;
      if (buffer === undefined) {
        size = bufferSize(d.byteLength);
        buffer = { id: this.#nextId++, size, byteLength: 0, lastUse: now };
        this.#buffers.set(buffer.id, buffer);
        this.#bytes += size;
        fresh.push(buffer);
      }
      buffer.key = d.key;
      buffer.byteLength = d.byteLength;
      buffer.lastUse = now;
      this.#byKey.set(d.key, buffer);
      pinned.add(buffer.id);
      plan.put.push(
        size === undefined ? { data: d, buffer: buffer.id } : { data: d, buffer: buffer.id, size },
      );
    }
    // Back under the bound: empty buffers first (largest first), then the least recently used content.
    const empty = [...this.#buffers.values()]
      .filter((b) => b.key === undefined && !pinned.has(b.id))
      .sort((a, b) => b.size - a.size);
    for (const b of empty) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#free(b);
      plan.drop.push(b.id);
    }
    while (this.#bytes > this.#maxBytes) {
      const b = this.#evictOldest(pinned);
      if (b === undefined) break;
      this.#free(b);
      plan.drop.push(b.id);
    }
    // Still over: this call's own new content is too large to keep; it is freed after the call.
    let over = this.#bytes - this.#maxBytes;
    for (const b of fresh.sort((x, y) => y.size - x.size)) {
      if (over <= 0) break;
      plan.after.push(b.id);
      over -= b.size;
    }
    for (const d of wanted.values()) {
      const b = this.#byKey.get(d.key)!;
      plan.uses.push({ key: d.key, buffer: b.id, byteLength: b.byteLength });
    }
    return plan;
  }

  /** The call planned with `plan` ended: its `after` buffers are gone. */
  settle(plan: DataPlan): void {
    for (const id of plan.after) {
      const b = this.#buffers.get(id);
      if (b !== undefined) this.#free(b);
    }
  }

  /** The smallest empty buffer that fits `byteLength` and no call of this plan uses. */
  #freeBuffer(byteLength: number, pinned: ReadonlySet<number>): Buffer | undefined {
    let best: Buffer | undefined;
    for (const b of this.#buffers.values()) {
      if (b.key !== undefined || pinned.has(b.id) || b.size < byteLength) continue;
      if (best === undefined || b.size < best.size) best = b;
    }
    return best;
  }

  /** Empties the buffer of the least recently used content this plan does not read; undefined when none. */
  #evictOldest(pinned: ReadonlySet<number>): Buffer | undefined {
    let oldest: Buffer | undefined;
    for (const b of this.#buffers.values()) {
      if (b.key === undefined || pinned.has(b.id)) continue;
      if (oldest === undefined || b.lastUse < oldest.lastUse) oldest = b;
    }
    if (oldest === undefined) return undefined;
    this.#byKey.delete(oldest.key!);
    delete oldest.key;
    oldest.byteLength = 0;
    return oldest;
  }

  #free(b: Buffer): void {
    if (b.key !== undefined) this.#byKey.delete(b.key);
    this.#buffers.delete(b.id);
    this.#bytes -= b.size;
  }
}

/** The message side of `plan`, and the bytes to write for it in the order its offsets say. */
export function wireOf(plan: DataPlan): { wire: WireData; parts: Uint8Array[] } {
  const parts: Uint8Array[] = [];
  const put: WireData['put'] = [];
  let offset = 0;
  for (const p of plan.put) {
    const bytes = p.data.parts();
    const byteLength = bytes.reduce((n, b) => n + b.byteLength, 0);
    if (byteLength !== p.data.byteLength)
      throw new Error(`content ${p.data.key} has ${byteLength} bytes, not ${p.data.byteLength}`);
    parts.push(...bytes);
    put.push({ buffer: p.buffer, ...(p.size === undefined ? {} : { size: p.size }), offset, byteLength });
    offset += byteLength;
  }
  return { wire: { drop: plan.drop, put, uses: plan.uses, after: plan.after }, parts };
}

/** The free process holding most of `data` (the first when none holds any). */
export function closest<S extends { cache: DataCache }>(
  free: readonly S[],
  data: readonly CallData[] | undefined,
): S {
  let best = free[0]!;
  if (data === undefined || data.length === 0) return best;
  let most = best.cache.heldBytes(data);
  for (const slot of free) {
    const held = slot.cache.heldBytes(data);
    if (held > most) [best, most] = [slot, held];
  }
  return best;
}

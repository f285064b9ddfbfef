/** @module Where the load generator keeps (seq, latency) pairs: typed arrays, no per-message objects. */

export class Recorder {
  #seqs: Int32Array;
  #latencies: Float32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#seqs = new Int32Array(capacity);
    this.#latencies = new Float32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  record(seq: number, latencyMs: number): void {
    if (this.#size === this.#seqs.length) this.#grow();
    this.#seqs[this.#size] = seq;
    this.#latencies[this.#size] = latencyMs;
    this.#size++;
  }

  /** Latencies of messages with `first ≤ seq ≤ last`. */
  window(first: number, last: number): Float64Array {
    const out: number[] = [];
    for (let i = 0; i < this.#size; i++) {
      const seq = this.#seqs[i]!;
      if (seq >= first && seq <= last) out.push(this.#latencies[i]!);
    }
    return Float64Array.from(out);
  }

  #grow(): void {
    const seqs = new Int32Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    const latencies = new Float32Array(this.#latencies.length * 2);
    latencies.set(this.#latencies);
    this.#seqs = seqs;
    this.#latencies = latencies;
  }
}

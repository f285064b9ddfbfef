/**
 * @module Where the load generator keeps what it saw, in typed arrays (no per-message objects):
 * (seq, latency) pairs from the measuring clients, and a delivery count per seq from every client.
 */

export class Recorder {
  #seqs: Int32Array;
  #latencies: Float32Array;
  #size = 0;
  /** Deliveries per seq, measured or only counted. */
  #counts = new Uint32Array(1024);
  #delivered = 0;

  constructor(capacity: number) {
    this.#seqs = new Int32Array(capacity);
    this.#latencies = new Float32Array(capacity);
  }

  /** Latency samples so far. */
  get size(): number {
    return this.#size;
  }

  /** Deliveries so far, every seq and client. */
  get delivered(): number {
    return this.#delivered;
  }

  record(seq: number, latencyMs: number): void {
    if (this.#size === this.#seqs.length) this.#grow();
    this.#seqs[this.#size] = seq;
    this.#latencies[this.#size] = latencyMs;
    this.#size++;
    this.count(seq);
  }

  /** A delivery whose latency was not measured. */
  count(seq: number): void {
    if (seq >= this.#counts.length) {
      const counts = new Uint32Array(Math.max(seq + 1, this.#counts.length * 2));
      counts.set(this.#counts);
      this.#counts = counts;
    }
    this.#counts[seq]!++;
    this.#delivered++;
  }

  /** Deliveries of messages with `first ≤ seq ≤ last`. */
  deliveredIn(first: number, last: number): number {
    let sum = 0;
    for (let seq = first; seq <= last && seq < this.#counts.length; seq++) sum += this.#counts[seq]!;
    return sum;
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

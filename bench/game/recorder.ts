/** @module Load-generator counters shared by both peers: moves sent, answered, latencies. */
import { percentile } from '../lib/report.ts';

/** Counts for one measured window. */
export class Recorder {
  recording = false;
  sent = 0;
  hacks = 0;
  acks = 0;
  rejects = 0;
  /** Honest moves the server rejected (should be 0: the rules leave them margin). */
  honestRejects = 0;
  bytesIn = 0;
  closed = 0;
  #latencies: number[] = [];

  start(): void {
    this.recording = true;
    this.sent = this.hacks = this.acks = this.rejects = this.honestRejects = this.bytesIn = 0;
    this.#latencies = [];
  }

  stop(): { p50Ms: number; p99Ms: number; samples: number } {
    this.recording = false;
    return {
      p50Ms: percentile(this.#latencies, 50),
      p99Ms: percentile(this.#latencies, 99),
      samples: this.#latencies.length,
    };
  }

  /** A move → authoritative-state latency sample. */
  latency(ms: number): void {
    if (this.recording) this.#latencies.push(ms);
  }
}

/** One simulated player as the driver sees it. */
export interface LoadClient {
  /** Sends the next move (honest or, when `hack`, a speed hack). */
  move(hack: boolean): void;
  close(): Promise<void>;
}

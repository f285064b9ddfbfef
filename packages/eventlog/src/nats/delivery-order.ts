/**
 * @module Keeps a JetStream pull consumer's deliveries in stream order when some are lost in
 * transit. JetStream numbers every delivery of a consumer (the consumer sequence in the ack
 * subject, redeliveries included). When a consumer leader changes — a node dies, or an election
 * under CPU pressure — deliveries the old leader sent may never reach us; the new leader carries
 * on with later records and redelivers the lost ones only after `ack_wait`. Handing the later
 * records out at once would break order per key, so a jump in the consumer sequence holds
 * delivery until the lost records have had time to come back, then releases everything sorted by
 * stream sequence with duplicates dropped. Observed in CI: records 1–305 arrived after 306+.
 *
 * The same loss hides from the consumer sequence when the consumer is opened again after it: the
 * durable's `delivered.consumer_seq` already counts the deliveries that never arrived. What the
 * durable still waits acknowledgements for (`num_ack_pending`, all at or before
 * `delivered.stream_seq`) comes back as redeliveries, so a consumer opened with some outstanding
 * holds until that many of them have arrived, or the hold time has passed. Observed in CI: after a
 * stream leader died, records 2004–2022 of one key arrived after 2028–2094.
 */

/** What the guard needs to know about one delivery. */
export interface OrderedDelivery {
  /** Stream sequence. */
  seq: number;
  /** Consumer (delivery) sequence: +1 for every message the consumer sends, redeliveries too. */
  consumerSeq: number;
}

/**
 * Redeliveries after `ack_wait` are found by the server's own pending check, which runs on an
 * `ack_wait` period: a lost delivery comes back within two periods of the gap being seen.
 */
const HOLD_ACK_WAITS = 2;

/** Where a durable stands when it is opened, from its consumer info. */
export interface DurablePosition {
  /** `delivered.consumer_seq`: the last delivery it numbered. */
  consumerSeq: number;
  /** `config.ack_wait` in ms (0 when the server does not say). */
  ackWaitMs: number;
  /** `delivered.stream_seq`: the last record it delivered. */
  streamSeq: number;
  /** `num_ack_pending`: delivered records not yet acknowledged, each to come back. */
  ackPending: number;
}

export class DeliveryOrder<T extends OrderedDelivery> {
  #holdMs: number;
  readonly #now: () => number;
  #nextConsumerSeq = 1;
  #holdUntil = 0;
  #gaps = 0;
  /** Opened with deliveries outstanding: stream sequences up to `upTo`, `count` of them. */
  #outstanding: { until: number; upTo: number; count: number; back: Set<number> } | undefined;

  /**
   * @param ackWaitMs the consumer's `ack_wait` until {@link resumeAfter} tells the server's own.
   * @param now injectable clock (ms).
   */
  constructor(ackWaitMs: number, now: () => number = Date.now) {
    this.#holdMs = HOLD_ACK_WAITS * ackWaitMs;
    this.#now = now;
  }

  /**
   * Sets where the durable stands before the first fetch (and again when this process takes the
   * durable over from another holder): its info's `delivered.consumer_seq`, and its `ack_wait`
   * as the server has it (a durable made earlier keeps its own).
   */
  resumeAfter(position: DurablePosition): void {
    this.#nextConsumerSeq = position.consumerSeq + 1;
    // A hold from before belongs to deliveries numbered before this position.
    this.#holdUntil = 0;
    if (position.ackWaitMs > 0) this.#holdMs = HOLD_ACK_WAITS * position.ackWaitMs;
    this.#outstanding =
      position.ackPending > 0
        ? { until: this.#now() + this.#holdMs, upTo: position.streamSeq, count: position.ackPending, back: new Set() }
        : undefined;
    if (this.#outstanding) this.#gaps++;
  }

  /** Records one arrival; a jump past the expected consumer sequence starts (or extends) a hold. */
  observe(delivery: T): void {
    if (delivery.consumerSeq > this.#nextConsumerSeq) {
      this.#gaps++;
      this.#holdUntil = this.#now() + this.#holdMs;
    }
    this.#nextConsumerSeq = Math.max(this.#nextConsumerSeq, delivery.consumerSeq + 1);
    const outstanding = this.#outstanding;
    if (outstanding && delivery.seq <= outstanding.upTo) {
      outstanding.back.add(delivery.seq);
      if (outstanding.back.size >= outstanding.count) this.#outstanding = undefined;
    }
  }

  /** Milliseconds until a hold ends; 0 when deliveries may be handed out. */
  holdRemainingMs(): number {
    const now = this.#now();
    if (this.#outstanding && this.#outstanding.until <= now) this.#outstanding = undefined;
    return Math.max(0, this.#holdUntil - now, (this.#outstanding?.until ?? 0) - now);
  }

  /** Gaps seen since the consumer opened (an opening with deliveries outstanding counts as one). */
  get gaps(): number {
    return this.#gaps;
  }

  /**
   * The buffer as it may be handed out after a hold: by stream sequence, and for a record that
   * arrived more than once only its latest delivery (the one whose ack the server expects).
   */
  release(buffer: readonly T[]): T[] {
    const latest = new Map<number, T>();
    for (const d of buffer) {
      const seen = latest.get(d.seq);
      if (!seen || seen.consumerSeq < d.consumerSeq) latest.set(d.seq, d);
    }
    return [...latest.values()].sort((a, b) => a.seq - b.seq);
  }
}

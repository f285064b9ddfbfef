/**
 * @module A channel's bounded history (by count and by age) for resume. It also remembers the
 * newest id it had to drop (`floorId`): a client whose last event id is older than that may have
 * missed events, and gets an explicit reset instead of a silent gap.
 */
import type { HubMessage } from './hub-message.ts';

/**
 * The smallest UUIDv7 of millisecond `ms`: every id made at or after `ms` sorts above it. A floor
 * for "may miss events before this time" (`uuidv7(ms)` is monotonic per process, not this).
 */
export function floorIdAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

export class ChannelHistory {
  readonly #capacity: number;
  readonly #maxAgeMs: number;
  readonly #ring: Array<HubMessage | undefined>;
  readonly #byId = new Map<string, HubMessage>();
  #head = 0;
  #size = 0;
  /** Events with ids at or below this may be missing from the history. */
  floorId: string;

  constructor(capacity: number, maxAgeMs: number, floorId: string) {
    this.#capacity = capacity;
    this.#maxAgeMs = maxAgeMs;
    // Grown on push, not sized up front: anyone may subscribe to an invented channel name
    // (`market:NOPE:trades`) that no producer will ever publish on, and it must cost nothing.
    // Until the first wrap, writes land at index === length, so the array stays dense.
    this.#ring = [];
    this.floorId = floorId;
  }

  get size(): number {
    return this.#size;
  }

  /** Ring slots allocated so far (at most the capacity). */
  get allocatedSlots(): number {
    return this.#ring.length;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): HubMessage | undefined {
    return this.#byId.get(id);
  }

  /** The newest message still held. */
  newest(): HubMessage | undefined {
    return this.#size === 0 ? undefined : this.#ring[(this.#head + this.#size - 1) % this.#capacity];
  }

  push(message: HubMessage): void {
    if (this.#capacity === 0) {
      this.#raiseFloor(message.id);
      return;
    }
    if (this.#size === this.#capacity) this.#dropOldest();
    this.#ring[(this.#head + this.#size) % this.#capacity] = message;
    this.#size++;
    this.#byId.set(message.id, message);
  }

  /** Drops messages older than the age limit. */
  expire(now: number): void {
    const cutoff = now - this.#maxAgeMs;
    while (this.#size > 0 && this.#ring[this.#head]!.receivedAt < cutoff) this.#dropOldest();
  }

  /** Messages published after hub position `seq`, oldest first. */
  afterSeq(seq: number): HubMessage[] {
    return this.#collect((m) => m.seq > seq);
  }

  /** Messages whose (time-ordered) id sorts after `id`, oldest first. */
  afterId(id: string): HubMessage[] {
    return this.#collect((m) => m.id > id);
  }

  #collect(keep: (message: HubMessage) => boolean): HubMessage[] {
    const out: HubMessage[] = [];
    for (let i = 0; i < this.#size; i++) {
      const message = this.#ring[(this.#head + i) % this.#capacity]!;
      if (keep(message)) out.push(message);
    }
    return out;
  }

  #dropOldest(): void {
    const oldest = this.#ring[this.#head]!;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#size--;
    if (this.#byId.get(oldest.id) === oldest) this.#byId.delete(oldest.id);
    this.#raiseFloor(oldest.id);
  }

  #raiseFloor(id: string): void {
    if (id > this.floorId) this.floorId = id;
  }
}

/**
 * @module One frame prefix among a {@link SharedExecution}'s subscribers, and the frame built
 * around it. A `next` frame is `{"type":"next","id":"…"` + the share's `,"payload":{…}}`: only the
 * id differs per subscriber, and clients that number their subscriptions (the bench's load
 * generator, subscriptions-transport-ws clients, many hand-written ones) pick the same ids. The
 * subscribers of one share with the same prefix hold one `FramePrefix`, which builds the frame
 * once per event and hands every one of them the same Buffer, as the WebSocket API writes one
 * shared frame to every socket: identical bytes on the wire, no allocation and copy per
 * subscriber. A prefix held by one subscriber alone (graphql-ws's own client picks random ids)
 * keeps nothing: its frame is built for each delivery and left to the socket.
 */
import { encodeWsTextFrame } from '@tickline/realtime';

export class FramePrefix {
  /** The prefix's text: its key among the share's prefixes. */
  readonly key: string;
  readonly bytes: Buffer;
  readonly #prefixes: Map<string, FramePrefix>;
  #holders = 0;
  /** The last body framed while shared, and its frame. */
  #body: Buffer | undefined;
  #frame: Buffer | undefined;

  constructor(prefixes: Map<string, FramePrefix>, key: string, bytes: Buffer) {
    this.#prefixes = prefixes;
    this.key = key;
    this.bytes = bytes;
  }

  /** How many subscriptions hold this prefix. */
  get holders(): number {
    return this.#holders;
  }

  /**
   * The complete WebSocket text frame of this prefix followed by `body` (the share hands every
   * subscriber the same body Buffer for one event, so its identity says which event it is).
   */
  frameOf(body: Buffer): Buffer {
    if (this.#holders < 2) return encodeWsTextFrame(this.bytes, body);
    if (body !== this.#body) {
      this.#frame = encodeWsTextFrame(this.bytes, body);
      this.#body = body;
    }
    return this.#frame!;
  }

  /** @internal */
  held(): this {
    this.#holders++;
    return this;
  }

  /** A subscription holding this prefix ended; the last one removes it. */
  release(): void {
    if (--this.#holders > 0) return;
    this.#body = this.#frame = undefined;
    if (this.#prefixes.get(this.key) === this) this.#prefixes.delete(this.key);
  }
}

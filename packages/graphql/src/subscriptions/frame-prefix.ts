/**
 * @module One frame prefix among a {@link SharedExecution}'s subscribers, and the frame written
 * around it. A `next` frame is `{"type":"next","id":"…"` + the share's `,"payload":{…}}`: only the
 * id differs per subscriber. Clients that number their subscriptions (subscriptions-transport-ws
 * clients, many hand-written ones) pick the same ids: the subscribers of one share with the same
 * prefix hold one `FramePrefix`, which builds the frame once per event and writes every one of
 * them the same Buffer, as the WebSocket API writes one shared frame to every socket. A prefix
 * held by one subscriber alone (graphql-ws's own client picks random ids) gets a frame of its own
 * per delivery: a copy of the payload joined to the prefix while the payload is small, and past
 * {@link CHUNKED_BODY_MIN_BYTES} the header and prefix as one chunk then the shared payload Buffer
 * itself, corked into one vectored write, so a large payload is not copied per subscriber.
 */
import { encodeWsTextFrame, encodeWsTextFrameHead, type ByteSink } from '@tickline/realtime';

/** A socket that can gather several writes into one (`net.Socket`). */
export interface FrameSink extends ByteSink {
  cork(): void;
  uncork(): void;
}

/**
 * The payload size from which a frame of its own is written in two chunks instead of copied
 * whole: `npm run bench:ws-chunks` measured the corked write 1.1× the copy's cost at 128 bytes,
 * 0.89× at 1 KiB, 0.66× at 16 KiB, 0.51× at 64 KiB (docs/benchmarks.md, 2026-11-25).
 */
export const CHUNKED_BODY_MIN_BYTES = 1024;

export class FramePrefix {
  /** The prefix's text: its key among the share's prefixes. */
  readonly key: string;
  readonly bytes: Buffer;
  readonly #prefixes: Map<string, FramePrefix>;
  #holders = 0;
  /** The last body framed while shared, and its frame. */
  #body: Buffer | undefined;
  #frame: Buffer | undefined;
  /** Header and prefix for bodies of `#headFor` bytes (payload sizes repeat; never mutated). */
  #head: Buffer | undefined;
  #headFor = -1;

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

  /**
   * Writes the frame of `body` to `sink`: the shared frame, a frame of its own, or (a large body
   * held alone) header and prefix then `body`, corked so they leave in one write. What
   * `sink.write` answered for the last chunk: false once the socket's buffer is past its mark.
   */
  writeFrame(sink: FrameSink, body: Buffer): boolean {
    if (this.#holders > 1 || body.length < CHUNKED_BODY_MIN_BYTES) return sink.write(this.frameOf(body));
    if (body.length !== this.#headFor) {
      this.#head = encodeWsTextFrameHead(this.bytes, body.length);
      this.#headFor = body.length;
    }
    sink.cork();
    sink.write(this.#head!);
    const accepted = sink.write(body);
    sink.uncork();
    return accepted;
  }

  /** @internal */
  held(): this {
    this.#holders++;
    return this;
  }

  /** A subscription holding this prefix ended; the last one removes it. */
  release(): void {
    if (--this.#holders > 0) return;
    this.#body = this.#frame = this.#head = undefined;
    this.#headFor = -1;
    if (this.#prefixes.get(this.key) === this) this.#prefixes.delete(this.key);
  }
}

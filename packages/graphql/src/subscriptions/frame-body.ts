/**
 * @module One event's encoded payload for a {@link SharedExecution}, and the whole graphql-ws
 * frames built from it. A `next` frame is `{"type":"next","id":"…"` + `,"payload":{…}}`: only the
 * id differs per subscriber, and most clients pick the same ids (Apollo-style clients and the
 * bench's start at "1"), so the frame for one prefix is built once per event and the same Buffer
 * written to every socket that asks for it, as the WebSocket API writes one shared frame. The
 * bytes are identical, so sharing them changes nothing on the wire; it saves an allocation and a
 * copy per subscriber per event.
 */
import { encodeWsTextFrame } from '@tickline/realtime';

/**
 * Distinct prefixes kept per event. Clients that number their subscriptions share a handful;
 * clients that pick random ids (graphql-ws's default UUIDs) share none, and past this many the
 * frame is built for the asker alone instead of filling a map nobody reads again.
 */
export const MAX_SHARED_FRAMES = 32;

export class FrameBody {
  /** The frame after its id: `,"payload":{…}}`. */
  readonly tail: Buffer;
  readonly #frames = new Map<string, Buffer>();

  constructor(tail: Buffer) {
    this.tail = tail;
  }

  /**
   * The complete WebSocket text frame `prefix` + {@link tail}; `key` is the prefix's text (read
   * once per subscription), by which the frame is shared with every asker of this event.
   */
  frameFor(key: string, prefix: Buffer): Buffer {
    let frame = this.#frames.get(key);
    if (frame === undefined) {
      frame = encodeWsTextFrame(prefix, this.tail);
      if (this.#frames.size < MAX_SHARED_FRAMES) this.#frames.set(key, frame);
    }
    return frame;
  }
}

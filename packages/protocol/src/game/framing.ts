/**
 * @module Length-prefixed framing for TCP: each frame is a 4-byte big-endian length, then that
 * many bytes. The decoder takes chunks as they arrive (split or coalesced) and yields whole
 * frames. Plain `Uint8Array`s, so the same code runs in Node and in a browser.
 */
import { DecodeFailure, GameProtocolError } from './errors.ts';

/** Bytes in the length prefix. */
export const FRAME_HEADER_BYTES = 4;
/** The largest frame payload accepted. @default 64 KiB */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

const EMPTY = new Uint8Array(0);
// A Node `Buffer`'s own `slice` returns a view; the typed-array one copies, whatever the chunk is.
const copy = (bytes: Uint8Array, start: number, end?: number): Uint8Array =>
  Uint8Array.prototype.slice.call(bytes, start, end);

/** Prefixes a payload with its length. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Reassembles frames from a byte stream. One instance per connection. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #buffer: Uint8Array = EMPTY;

  /** @param maxFrameBytes @default DEFAULT_MAX_FRAME_BYTES */
  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.#buffer.length;
  }

  /**
   * Adds a chunk and returns every frame it completes, in order. A frame is a copy: it never
   * aliases the chunk, whose memory a socket may reuse.
   * @throws GameProtocolError `GAME_PROTOCOL_TOO_LARGE` as soon as a header announces an oversized
   * frame (before buffering it); the stream is unusable afterwards — close the connection.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    let buffer = chunk;
    if (this.#buffer.length > 0) {
      buffer = new Uint8Array(this.#buffer.length + chunk.length);
      buffer.set(this.#buffer, 0);
      buffer.set(chunk, this.#buffer.length);
    }
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (buffer.length - offset >= FRAME_HEADER_BYTES) {
      const length = view.getUint32(offset);
      if (length > this.maxFrameBytes) {
        throw new GameProtocolError(
          'GAME_PROTOCOL_TOO_LARGE',
          `frame of ${length} bytes exceeds ${this.maxFrameBytes}`,
          { reason: DecodeFailure.MessageTooLarge, bytes: length, maxBytes: this.maxFrameBytes },
        );
      }
      const start = offset + FRAME_HEADER_BYTES;
      if (buffer.length - start < length) break;
      frames.push(copy(buffer, start, start + length));
      offset = start + length;
    }
    this.#buffer = offset === buffer.length ? EMPTY : copy(buffer, offset);
    return frames;
  }
}

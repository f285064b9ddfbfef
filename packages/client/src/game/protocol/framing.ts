/**
 * @module Length-prefixed framing for the TCP connector (the client's copy of the server's): each
 * frame is a 4-byte big-endian length, then that many bytes. Plain `Uint8Array`s, no `Buffer`.
 */
import { TicklineApiError } from '../../errors.ts';

/** Bytes in the length prefix. */
export const FRAME_HEADER_BYTES = 4;
/** The largest frame payload accepted. @default 64 KiB */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** Prefixes a payload with its length. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Reassembles frames from a byte stream (split or coalesced chunks). One per connection. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #buffer = new Uint8Array(0);

  /** @param maxFrameBytes @default DEFAULT_MAX_FRAME_BYTES */
  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Adds a chunk and returns every frame it completes, in order.
   * @throws TicklineApiError `GAME_PROTOCOL_TOO_LARGE` when a header announces an oversized frame.
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
      if (length > this.maxFrameBytes)
        throw new TicklineApiError(
          'GAME_PROTOCOL_TOO_LARGE',
          `frame of ${length} bytes exceeds ${this.maxFrameBytes}`,
        );
      const start = offset + FRAME_HEADER_BYTES;
      if (buffer.length - start < length) break;
      // A view is enough: the frame is decoded before the next chunk arrives.
      frames.push(buffer.subarray(start, start + length));
      offset = start + length;
    }
    // Copy the remainder: the chunk's memory may be reused by the socket.
    this.#buffer = offset === buffer.length ? new Uint8Array(0) : buffer.slice(offset);
    return frames;
  }
}

/**
 * @module Length-prefixed framing for TCP: each frame is a 4-byte big-endian length, then that
 * many bytes. The decoder takes chunks as they arrive (split or coalesced) and yields whole frames.
 */
import { GameProtocolError } from './errors.ts';

/** Bytes in the length prefix. */
export const FRAME_HEADER_BYTES = 4;
/** The largest frame payload accepted. @default 64 KiB */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

/** Prefixes a payload with its length. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** Reassembles frames from a byte stream. One instance per connection. */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #buffer: Buffer = Buffer.alloc(0);

  /** @param maxFrameBytes @default DEFAULT_MAX_FRAME_BYTES */
  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.#buffer.length;
  }

  /**
   * Adds a chunk and returns every frame it completes, in order.
   * @throws GameProtocolError `GAME_PROTOCOL_TOO_LARGE` as soon as a header announces an oversized
   * frame (before buffering it); the stream is unusable afterwards — close the connection.
   */
  push(chunk: Uint8Array): Buffer[] {
    this.#buffer =
      this.#buffer.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([this.#buffer, chunk]);
    const frames: Buffer[] = [];
    let offset = 0;
    while (this.#buffer.length - offset >= FRAME_HEADER_BYTES) {
      const length = this.#buffer.readUInt32BE(offset);
      if (length > this.maxFrameBytes) {
        throw new GameProtocolError(
          'GAME_PROTOCOL_TOO_LARGE',
          `frame of ${length} bytes exceeds ${this.maxFrameBytes}`,
          { bytes: length, maxBytes: this.maxFrameBytes },
        );
      }
      if (this.#buffer.length - offset - FRAME_HEADER_BYTES < length) break;
      const start = offset + FRAME_HEADER_BYTES;
      // Copy so a returned frame never aliases a buffer the caller may reuse.
      frames.push(Buffer.from(this.#buffer.subarray(start, start + length)));
      offset = start + length;
    }
    this.#buffer =
      offset === this.#buffer.length ? Buffer.alloc(0) : Buffer.from(this.#buffer.subarray(offset));
    return frames;
  }
}

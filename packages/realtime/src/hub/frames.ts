/**
 * @module Wire framing done once per broadcast: a complete WebSocket text frame (server frames are
 * unmasked, RFC 6455 §5.1, so every subscriber can get the same bytes) and an HTTP/1.1 chunk
 * (RFC 9112 §7.1) around an SSE frame, so a broadcast is one `socket.write` per subscriber.
 */

/** The length of a frame header (FIN, opcode and the 7-, 16- or 64-bit payload length). */
const headerLengthOf = (payloadLength: number) =>
  payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;

/** Writes a text frame's header for `payloadLength` at the start of `frame`; the header's length. */
function writeTextHeader(frame: Buffer, payloadLength: number): number {
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (payloadLength < 126) {
    frame[1] = payloadLength;
  } else if (payloadLength < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(payloadLength, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(payloadLength / 0x1_0000_0000), 2);
    frame.writeUInt32BE(payloadLength >>> 0, 6);
  }
  return headerLengthOf(payloadLength);
}

/** The bytes on the wire of a text frame carrying `payloadLength` bytes. */
export const wsTextFrameLength = (payloadLength: number): number =>
  headerLengthOf(payloadLength) + payloadLength;

/**
 * A complete, unfragmented WebSocket text frame carrying `parts` one after the other (a transport
 * whose frames differ per subscriber by a few bytes joins a shared part to its own, in one copy).
 */
export function encodeWsTextFrame(...parts: Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const frame = Buffer.allocUnsafe(wsTextFrameLength(length));
  let at = writeTextHeader(frame, length);
  for (const part of parts) at += part.copy(frame, at);
  return frame;
}

/**
 * The first chunk of a text frame whose payload is `head` then `tailLength` more bytes: the header
 * and `head`. Written before the tail, it makes the same bytes as `encodeWsTextFrame(head, tail)`
 * without copying the tail (a large payload shared by subscribers whose `head` differs).
 */
export function encodeWsTextFrameHead(head: Buffer, tailLength: number): Buffer {
  const length = head.length + tailLength;
  const chunk = Buffer.allocUnsafe(headerLengthOf(length) + head.length);
  head.copy(chunk, writeTextHeader(chunk, length));
  return chunk;
}

/** `bytes` as one chunk of a chunked HTTP/1.1 body. */
export function encodeHttpChunk(bytes: Buffer): Buffer {
  const head = Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1');
  const chunk = Buffer.allocUnsafe(head.length + bytes.length + 2);
  head.copy(chunk, 0);
  bytes.copy(chunk, head.length);
  chunk[chunk.length - 2] = 0x0d;
  chunk[chunk.length - 1] = 0x0a;
  return chunk;
}

/** An SSE frame with `id:`, `event:` and one `data:` line (`data` must hold no newline). */
export function sseFrame(fields: { id?: string; event?: string; data: string; retryMs?: number }): Buffer {
  let text = '';
  if (fields.retryMs !== undefined) text += `retry: ${fields.retryMs}\n`;
  if (fields.id !== undefined) text += `id: ${fields.id}\n`;
  if (fields.event !== undefined) text += `event: ${fields.event}\n`;
  text += `data: ${fields.data}\n\n`;
  return Buffer.from(text, 'utf8');
}

/** An SSE comment line: ignored by EventSource, keeps proxies from closing an idle stream. */
export const SSE_KEEP_ALIVE = Buffer.from(':\n\n', 'latin1');

/**
 * @module Wire framing done once per broadcast: a complete WebSocket text frame (server frames are
 * unmasked, RFC 6455 §5.1, so every subscriber can get the same bytes) and an HTTP/1.1 chunk
 * (RFC 9112 §7.1) around an SSE frame, so a broadcast is one `socket.write` per subscriber.
 */

/**
 * A complete, unfragmented WebSocket text frame carrying `parts` one after the other (a transport
 * whose frames differ per subscriber by a few bytes joins a shared part to its own, in one copy).
 */
export function encodeWsTextFrame(...parts: Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  let at = headerLength;
  for (const part of parts) at += part.copy(frame, at);
  return frame;
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

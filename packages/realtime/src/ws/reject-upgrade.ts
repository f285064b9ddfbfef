/** @module Refusing a WebSocket upgrade with a plain HTTP response, in the API's error shape. */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Writes `status` with a JSON body on the raw socket and closes it. */
export function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  if (socket.destroyed) return;
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n` +
      json,
  );
}

/**
 * @module Answers for requests Node refuses before Fastify sees them (an oversized head, a
 * malformed request line, a client that takes too long), in the one error shape.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ServerErrorCodes, type ServerErrorCode } from '../../../errors.ts';

const BY_NODE_CODE: Record<string, [ServerErrorCode, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    'HTTP_HEADERS_TOO_LARGE',
    'request headers too large',
    'Request Header Fields Too Large',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: ['HTTP_REQUEST_TIMEOUT', 'request timeout', 'Request Timeout'],
};
const MALFORMED: [ServerErrorCode, string, string] = ['HTTP_BAD_REQUEST', 'malformed request', 'Bad Request'];

/** Raw response bytes for a parser error; exported for tests. */
export function clientErrorResponse(nodeCode: string | undefined): string {
  const [code, message, reason] = BY_NODE_CODE[nodeCode ?? ''] ?? MALFORMED;
  const status = ServerErrorCodes[code].httpStatus;
  const body = JSON.stringify({ error: { code, message } });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** The `clientErrorHandler` option of Fastify. */
export function handleClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset or an already-closed socket has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code }, 'client error');
  if (socket.writable) socket.write(clientErrorResponse(error.code));
  socket.destroy(error);
}

/**
 * @module Hands an SSE stream's socket back from Node's HTTP server: its request parser is freed,
 * as Node itself does for an upgrade.
 *
 * A `node:http` server keeps each connection's native request parser (llhttp with its header
 * tables, ~6 KB of malloc) until the connection closes, waiting for the next keep-alive request.
 * An event stream's response never ends while the stream lives, so no further request can be
 * answered on it: the parser is dead weight, and with 5,000 streams it was ~30 MB of a gateway's
 * resident set (docs/capacity.md, "Memory per connection"). Node frees it this way on an upgrade
 * (`_http_server.js`, `onParserExecuteCommon`): the server's `data` and `end` listeners come off
 * the socket, then `freeParser` unhooks the parser from the socket and returns it to the pool.
 * Bytes a client sends after its request are read and dropped (a pipelined request behind a
 * stream would never be answered anyway); its half-close ends the socket, as the server did.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

type FreeParser = (parser: unknown, request: IncomingMessage | null, socket: Socket | null) => void;

/** Node's own parser release (`_http_common` is a public legacy module); undefined if it moved. */
const freeParser = ((): FreeParser | undefined => {
  try {
    const common = createRequire(import.meta.url)('_http_common') as { freeParser?: unknown };
    return typeof common.freeParser === 'function' ? (common.freeParser as FreeParser) : undefined;
  } catch {
    return undefined;
  }
})();

/** The names of the HTTP server's own listeners (functions bound in `_http_server.js`). */
const SERVER_ON_DATA = 'bound socketOnData';
const SERVER_ON_END = 'bound socketOnEnd';
const SERVER_ON_CLOSE = 'bound socketOnClose';
const SERVER_ON_DRAIN = 'bound socketOnDrain';

function discard(): void {}
function endOnHalfClose(this: Socket): void {
  this.end();
}

/**
 * Frees the request parser of `socket` once `request` (the stream's) is fully read. Returns
 * whether it did: not when Node's internals differ from what is expected, when the request is not
 * complete, or when the socket holds a request queued behind this one (pipelining).
 */
export function releaseRequestParser(request: IncomingMessage, socket: Socket): boolean {
  const parser = (socket as Socket & { parser?: unknown }).parser;
  if (freeParser === undefined || !parser || !request.complete) return false;
  if ((socket as Socket & { _paused?: boolean })._paused) return false;
  const onData = socket.listeners('data').find((listener) => listener.name === SERVER_ON_DATA);
  const onEnd = socket.listeners('end').find((listener) => listener.name === SERVER_ON_END);
  if (!onData || !onEnd) return false;
  socket.off('data', onData as (...args: unknown[]) => void);
  socket.off('end', onEnd as (...args: unknown[]) => void);
  freeParser(parser, request, socket);
  socket.on('data', discard);
  socket.on('end', endOnHalfClose);
  return true;
}

/**
 * After {@link releaseRequestParser}: lets go of the stream's request and response, so that only
 * the socket stays. The response is detached from the socket (`detachSocket`), and the server's
 * `close` and `drain` listeners come off it, as Node does on an upgrade: they are bound to the
 * connection's state, whose list of requests in progress would otherwise hold the request (and
 * through the listeners Fastify put on it, the reply and the response) until the socket closes.
 * The caller then ends the response itself (the last chunk) and the socket. Returns whether it did.
 */
export function detachStream(response: ServerResponse, socket: Socket): boolean {
  if (response.socket !== socket || (socket as Socket & { parser?: unknown }).parser) return false;
  const onClose = socket.listeners('close').find((listener) => listener.name === SERVER_ON_CLOSE);
  const onDrain = socket.listeners('drain').find((listener) => listener.name === SERVER_ON_DRAIN);
  if (!onClose || !onDrain) return false;
  response.detachSocket(socket);
  socket.off('close', onClose as (...args: unknown[]) => void);
  socket.off('drain', onDrain as (...args: unknown[]) => void);
  return true;
}

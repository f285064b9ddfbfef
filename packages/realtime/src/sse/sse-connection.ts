/**
 * @module One SSE stream. Under HTTP/1.1 the response is chunked and every frame is written to the
 * socket as a pre-built chunk (one `write` per event, the chunk shared by all subscribers);
 * under HTTP/2 frames go through the response.
 *
 * Under HTTP/1.x, once the head is out and the request parser freed (release-parser.ts), the
 * stream keeps only its socket: the response is detached from it (`detachStream`, as Node does
 * for an upgrade) and nothing here holds the request or the response, so they — and the hijacked
 * Fastify request and reply, which only they reach — are collected. That was ~1.6 KB of heap per
 * stream (docs/capacity.md, "Memory per connection"). The stream then ends itself: the last
 * chunk, then the socket; `onEnd` tells the route, which logs the stream as its request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamResetReason } from '@tickline/protocol';
import type { Socket } from 'node:net';
import { encodeHttpChunk, SSE_KEEP_ALIVE, sseFrame } from '../hub/frames.ts';
import type { HubMessage } from '../hub/hub-message.ts';
import type { ResumePlan } from '../hub/resume.ts';
import { Connection, type CloseReason, type ConnectionHost } from '../connection/connection.ts';
import { Transport, type TransportCounters } from '../connection/counters.ts';
import { detachStream, releaseRequestParser } from './release-parser.ts';

const KEEP_ALIVE_CHUNK = encodeHttpChunk(SSE_KEEP_ALIVE);

/** Response headers of a stream. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
} as const;

export interface SseConnectionInit<P> {
  request: IncomingMessage;
  response: ServerResponse;
  principal: P;
  host: ConnectionHost;
  counters: TransportCounters;
  maxBufferedBytes: number;
  /** The events of its channels the principal may receive (see Connection). @default all */
  receives?: ((message: HubMessage) => boolean) | undefined;
  expiresAt: number;
  closeGraceMs: number;
  /** Extra response headers (e.g. the request id Fastify set before the hijack). */
  headers?: Record<string, string | number | readonly string[]>;
  /**
   * Called once when a stream that let go of its response has ended (its socket closed): the
   * response's own `close` listeners (the HTTP framework's access log) then never run.
   */
  onEnd?: () => void;
}

/** The last chunk of a chunked response. */
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

// One `close` listener for every stream, instead of a closure (and `once`'s wrapper) per stream.
const kStream = Symbol('tickline.realtime.sseStream');
type TaggedEmitter = (Socket | ServerResponse) & { [kStream]?: SseConnection<unknown> };
function onClose(this: TaggedEmitter): void {
  const stream = this[kStream];
  this[kStream] = undefined;
  stream?.ended();
}

export class SseConnection<P = unknown> extends Connection<P> {
  readonly transport = Transport.sse;
  /** HTTP/2, or HTTP/1.x when the parser could not be freed: the response carries the stream. */
  readonly #response: ServerResponse | undefined;
  readonly #chunked: boolean;
  /** Under HTTP/1.x, the connection to close once the stream ended (it is never reused). */
  readonly #socket: Socket | undefined;
  readonly #closeGraceMs: number;
  readonly #onEnd: (() => void) | undefined;

  constructor(init: SseConnectionInit<P>) {
    const { request, response } = init;
    response.writeHead(200, {
      ...init.headers,
      ...SSE_HEADERS,
      ...(request.httpVersionMajor === 1 ? { connection: 'keep-alive' } : {}),
    });
    response.flushHeaders();
    const socket = response.socket ?? request.socket;
    // HTTP/1.x: write to the socket ourselves (chunk-framed when the response is chunked).
    const direct = request.httpVersionMajor === 1;
    super({ ...init, sink: direct ? socket : response });
    this.#chunked = direct && response.chunkedEncoding;
    this.#socket = direct ? socket : undefined;
    this.#closeGraceMs = init.closeGraceMs;
    // Small frames must leave at once, whatever the server's default.
    if (direct) socket.setNoDelay(true);
    // No other request will be answered on this connection: its parser is freed, and the stream
    // lets go of the request and response (see the module comment).
    const detached = direct && releaseRequestParser(request, socket) && detachStream(response, socket);
    this.#response = detached ? undefined : response;
    this.#onEnd = detached ? init.onEnd : undefined;
    const closes: TaggedEmitter = detached ? socket : response;
    closes[kStream] = this;
    closes.on('close', onClose);
  }

  /** The stream's socket (or, not detached, its response) closed: either side ended it. */
  ended(): void {
    this.peerClosed();
    this.#onEnd?.();
  }

  protected frameOf(message: HubMessage): Buffer {
    return this.#chunked ? message.sseChunk : message.sse;
  }

  /** Sends `subscribed` (carrying a resume position and the reconnect delay), any reset, then the replay. */
  start(channels: readonly string[], plan: ResumePlan, retryMs: number): void {
    const data = JSON.stringify({ channels, resumed: plan.resumed, recovered: plan.recovered });
    this.#control(sseFrame({ retryMs, id: plan.position, event: 'subscribed', data }));
    if (plan.resetChannels.length > 0) {
      const reset = JSON.stringify({
        channels: plan.resetChannels,
        reason: StreamResetReason.HistoryExceeded,
      });
      this.#control(sseFrame({ id: plan.position, event: 'reset', data: reset }));
    }
    this.sendReplay(plan);
  }

  /** Writes the keep-alive comment unless the client is already behind. */
  keepAlive(): void {
    if (this.closed || this.congested) return;
    this.write(this.#chunked ? KEEP_ALIVE_CHUNK : SSE_KEEP_ALIVE);
  }

  protected end(reason: CloseReason, message: string): void {
    if (reason !== 'normal') {
      this.#control(sseFrame({ event: 'error', data: JSON.stringify({ code: reason, message }) }));
    }
    const response = this.#response;
    const socket = this.#socket;
    if (response === undefined) {
      // Detached: the stream ends its response itself, then its connection.
      if (socket === undefined || socket.destroyed) return;
      if (this.#chunked) socket.write(LAST_CHUNK);
      const timer = setTimeout(() => socket.destroy(), this.#closeGraceMs);
      timer.unref();
      socket.end(() => clearTimeout(timer));
      return;
    }
    if (!response.writableEnded) response.end();
    // A client that does not read would hold the buffer forever: give it a grace period, then cut.
    const timer = setTimeout(() => response.destroy(), this.#closeGraceMs);
    timer.unref();
    const finished = () => {
      clearTimeout(timer);
      socket?.end();
    };
    if (response.writableFinished) finished();
    else response.once('finish', finished);
  }

  #control(frame: Buffer): void {
    this.write(this.#chunked ? encodeHttpChunk(frame) : frame);
  }
}

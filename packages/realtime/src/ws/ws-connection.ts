/**
 * @module One WebSocket connection on `ws`. `ws` reads frames and answers control frames; text
 * frames out are written to the socket directly: events as the hub's shared frame, replies framed
 * here. (Safe because permessage-deflate is off, so `ws` itself never holds frames back.)
 */
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { isTicklineError } from '@tickline/kernel';
import { StreamResetReason } from '@tickline/protocol';
import { normalizeChannelList } from '../channels/channel-name.ts';
import { Connection, type CloseReason, type ConnectionHost } from '../connection/connection.ts';
import { Transport, type TransportCounters } from '../connection/counters.ts';
import { RealtimeError } from '../errors.ts';
import { encodeWsTextFrame } from '../hub/frames.ts';
import { compactListenerTable, dropFrameMask } from './ws-footprint.ts';
import type { HubMessage } from '../hub/hub-message.ts';
import type { ResumePlan } from '../hub/resume.ts';
import { parseClientMessage, type ClientMessage } from '../protocol/client-messages.ts';
import { closeCodeFor, CloseCode } from '../protocol/close-codes.ts';
import { errorMessage, type ServerMessage } from '../protocol/server-messages.ts';

/** What a WebSocket connection asks of its gateway besides the shared host duties. */
export interface WsHost<P> extends ConnectionHost {
  readonly maxChannels: number;
  /** Resolves to the first refused channel's error, or undefined when all are allowed. */
  authorizeAll(principal: P, channels: readonly string[]): Promise<RealtimeError | undefined>;
  /** Makes the channels ready to subscribe to (interest in them taken from the delivery log). */
  prepare(channels: readonly string[]): Promise<void>;
  subscribe(
    connection: Connection<P>,
    channels: readonly string[],
    lastEventId: string | undefined,
  ): ResumePlan;
  unsubscribeFrom(connection: Connection<P>, channels: readonly string[]): void;
  reportError(error: unknown, connection: Connection<P>): void;
}

export interface WsConnectionInit<P> {
  ws: WebSocket;
  socket: Socket;
  principal: P;
  host: WsHost<P>;
  counters: TransportCounters;
  maxBufferedBytes: number;
  /** The events of its channels the principal may receive (see Connection). @default all */
  receives?: ((message: HubMessage) => boolean) | undefined;
  expiresAt: number;
  closeGraceMs: number;
}

// One set of listener functions for every socket, instead of four closures per connection.
const kConnection = Symbol('tickline.realtime.connection');
type TaggedSocket = WebSocket & { [kConnection]: WsConnection<unknown> };
const connectionOf = (ws: WebSocket) => (ws as TaggedSocket)[kConnection];
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  dropFrameMask(this);
  connectionOf(this).receive(data as Buffer, isBinary);
}
function onPong(this: WebSocket): void {
  dropFrameMask(this);
  connectionOf(this).alive = true;
}

function onClose(this: WebSocket): void {
  connectionOf(this).socketClosed();
}
// Socket errors end in 'close'; without a listener `ws` would rethrow them.
function ignoreError(): void {}

/** Node's symbol for a socket's timer (not exported: found by its description). */
let timerSymbol: symbol | undefined;
/**
 * Lets go of the timer `ws` cleared on open (the server's upgrade deadline or idle timeout): Node
 * keeps a socket's last Timeout, with its bound listener, after `clearTimeout`, ~0.2 KB per
 * WebSocket for its life (issue 50). Only a cleared one (`_destroyed`): a live timer stays.
 */
function dropClearedTimer(socket: Socket): void {
  timerSymbol ??= Object.getOwnPropertySymbols(socket).find((s) => s.description === 'timeout');
  if (timerSymbol === undefined) return;
  const held = socket as unknown as Record<symbol, { _destroyed?: boolean } | null | undefined>;
  if (held[timerSymbol]?._destroyed === true) held[timerSymbol] = null;
}

export class WsConnection<P = unknown> extends Connection<P> {
  readonly transport = Transport.ws;
  readonly #ws: WebSocket;
  readonly #wsHost: WsHost<P>;
  readonly #closeGraceMs: number;
  /** Cleared by each ping; set by the pong (or any message). Still clear at the next ping = dead. */
  alive = true;

  constructor(init: WsConnectionInit<P>) {
    super({ ...init, sink: init.socket });
    this.#ws = init.ws;
    this.#wsHost = init.host;
    this.#closeGraceMs = init.closeGraceMs;
    (init.ws as TaggedSocket)[kConnection] = this;
    init.ws.on('message', onMessage);
    init.ws.on('pong', onPong);
    init.ws.on('close', onClose);
    init.ws.on('error', ignoreError);
    compactListenerTable(init.ws);
    dropClearedTimer(init.socket);
  }

  /** The socket closed (either side). */
  socketClosed(): void {
    this.peerClosed();
  }

  protected frameOf(message: HubMessage): Buffer {
    return message.ws;
  }

  /** Sends a ping; a peer that has not answered the previous one is terminated. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.peerClosed();
      this.#ws.terminate();
      return;
    }
    this.alive = false;
    this.#ws.ping();
  }

  send(message: ServerMessage): void {
    if (!this.closed) this.write(encodeWsTextFrame(Buffer.from(JSON.stringify(message), 'utf8')));
  }

  protected end(reason: CloseReason, message: string): void {
    const ws = this.#ws;
    if (reason !== 'normal')
      this.write(encodeWsTextFrame(Buffer.from(JSON.stringify({ type: 'error', code: reason, message }))));
    ws.close(
      reason === 'normal' ? CloseCode.Normal : (closeCodeFor[reason] ?? CloseCode.InternalError),
      reason === 'normal' ? '' : reason,
    );
    // `ws` waits 30 s for the peer's close frame; a stalled peer should not hold its buffer that long.
    const timer = setTimeout(() => ws.terminate(), this.#closeGraceMs);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
  }

  /** A message from the client. */
  receive(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.closed) return;
    let message: ClientMessage;
    try {
      if (isBinary)
        throw new RealtimeError('RT_BAD_MESSAGE', 'binary frames are not accepted; send JSON text');
      message = parseClientMessage(data.toString('utf8'));
    } catch (error) {
      this.#sendError(error);
      return;
    }
    switch (message.type) {
      case 'ping':
        this.send({ type: 'pong', ...(message.ref !== undefined ? { ref: message.ref } : {}) });
        return;
      case 'unsubscribe':
        this.#wsHost.unsubscribeFrom(this, message.channels);
        this.send({ type: 'unsubscribed', channels: message.channels, ...withRef(message.ref) });
        return;
      case 'subscribe':
        this.#subscribe(message).catch((error: unknown) => this.#sendError(error, message.ref));
        return;
    }
  }

  async #subscribe(message: Extract<ClientMessage, { type: 'subscribe' }>): Promise<void> {
    const requested = normalizeChannelList(message.channels, this.#wsHost.maxChannels);
    const added = requested.filter((c) => !this.channels.has(c));
    this.#assertRoom(added.length);
    const refused = await this.#wsHost.authorizeAll(this.principal, added);
    if (refused) throw refused;
    await this.#wsHost.prepare(added);
    if (this.closed) return;
    this.#assertRoom(added.filter((c) => !this.channels.has(c)).length);
    const plan = this.#wsHost.subscribe(this, added, message.lastEventId);
    this.send({
      type: 'subscribed',
      channels: requested,
      resumed: plan.resumed,
      recovered: plan.recovered,
      position: plan.position,
      ...withRef(message.ref),
    });
    if (plan.resetChannels.length > 0) {
      this.send({
        type: 'reset',
        channels: plan.resetChannels,
        reason: StreamResetReason.HistoryExceeded,
        position: plan.position,
      });
    }
    this.sendReplay(plan);
  }

  #assertRoom(adding: number): void {
    const max = this.#wsHost.maxChannels;
    if (this.channels.size + adding > max) {
      throw new RealtimeError('RT_TOO_MANY_CHANNELS', `at most ${max} channels per connection`, {
        details: { subscribed: this.channels.size, adding, max },
      });
    }
  }

  #sendError(error: unknown, ref?: string | number): void {
    if (isTicklineError(error)) {
      this.send(errorMessage(error, ref));
      return;
    }
    this.#wsHost.reportError(error, this);
    this.send({
      type: 'error',
      code: 'RT_AUTH_UNAVAILABLE',
      message: 'the request could not be checked',
      ...withRef(ref),
    });
  }
}

function withRef(ref: string | number | undefined): { ref?: string | number } {
  return ref === undefined ? {} : { ref };
}

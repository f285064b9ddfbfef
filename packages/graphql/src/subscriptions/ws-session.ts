/**
 * @module One graphql-ws connection under the WebSocket API's rules. Its credential arrives in the
 * `connection_init` payload (laid over the upgrade request's headers, ws-operations.ts speaks the
 * protocol), so the connection is admitted at its first subscription: authenticated as REST does, then
 * admitted by the realtime gateway like a stream — the gateway's cap, the user's stream limit
 * (counted with their SSE and WebSocket streams), revocation, age and shutdown. Each subscription
 * is one channel, authorized by the gateway's channel rules and capped at its channels per
 * connection. Ended with the stream close codes, so clients treat both APIs alike.
 */
import type { Caller } from '@tickline/kernel';
import {
  closeCodeFor,
  CloseCode,
  compactListenerTable,
  dropFrameMask,
  RealtimeError,
  SmallSet,
  type ExternalConnection,
  type HubMessage,
  type RealtimeErrorCode,
  type StreamPrincipal,
} from '@tickline/realtime';
import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { LivePort } from '../schema/services.ts';
import type { FrameSink } from './frame-prefix.ts';
import { readClientMessage, GraphqlWsClose, type GraphqlWsTypes } from './graphql-ws-messages.ts';
import { HubStream } from './hub-stream.ts';
import type { SharedExecution } from './shared-execution.ts';
import { handleClientMessage, stopAll, type Operations, type OperationsHost } from './ws-operations.ts';

/** What a subscription asks of the hub. */
export interface StreamSpec {
  channel: string;
  after?: string | undefined;
  filter?: ((message: HubMessage) => boolean) | undefined;
}

/** Where a subscription's frames come from: its graphql-ws id and the share of its document. */
export interface Delivery {
  id: string;
  share: SharedExecution;
}

let nextSessionId = 1;

/** What every session of one endpoint shares: the protocol's host, the live port, the registry. */
export interface SessionHost extends OperationsHost {
  live: LivePort;
  /** The session ended (either side). */
  closed(session: GraphqlWsSession): void;
}

// One set of listener functions for every socket, instead of closures per connection.
const kSession = Symbol('tickline.graphql.session');
type TaggedSocket = WebSocket & { [kSession]: GraphqlWsSession };
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  dropFrameMask(this); // else the read of the last client message stays with the socket
  (this as TaggedSocket)[kSession].receive(data as Buffer, isBinary);
}
function onPong(this: WebSocket): void {
  dropFrameMask(this);
  (this as TaggedSocket)[kSession].alive = true;
}
function onClose(this: WebSocket): void {
  (this as TaggedSocket)[kSession].socketClosed();
}
// Socket errors end in 'close'; without a listener `ws` would rethrow them.
function ignoreError(): void {}

/** The stream principal of a caller authenticated as on REST (the claims a stream ticket carries). */
export function streamPrincipalOf(caller: Caller): StreamPrincipal {
  const maxStreams = caller.limits?.maxStreamConnections;
  return {
    userId: caller.userId,
    role: caller.role,
    sv: caller.sessionVersion ?? 0,
    ...(maxStreams === undefined ? {} : { maxStreams }),
    ...(caller.scopes ? { scopes: [...caller.scopes] } : {}),
  };
}

export class GraphqlWsSession {
  /** Unique in this process: the audience of a selection that reads the caller. */
  readonly key = `session-${nextSessionId++}`;
  readonly types: GraphqlWsTypes;
  /** When the socket opened (`Date.now()`), until `connection_init`: then undefined. */
  openedAt: number | undefined = Date.now();
  readonly #socket: WebSocket;
  readonly #sink: FrameSink;
  readonly #host: SessionHost;
  /** The upgrade request, then (from the first {@link request}) its copy with the credentials. */
  #request: FastifyRequest;
  readonly #streams = new SmallSet<HubStream>();
  readonly #operations: Operations = new Map();
  #initHeaders: Record<string, unknown> | undefined;
  #admission: Promise<ExternalConnection<StreamPrincipal>> | undefined;
  #credentials = false;
  #connection: ExternalConnection<StreamPrincipal> | undefined;
  #closed = false;
  /** Cleared by each ping; set by the pong. Still clear at the next ping: the peer is gone. */
  alive = true;

  /**
   * @param socket a socket of a subprotocol {@link graphqlWsTypesOf} knows (`types`)
   * @param sink the socket under `socket`: subscriptions write their frames to it directly (`ws`
   * holds no frame back, permessage-deflate being off), as the WebSocket API's connections do.
   * @param upgrade the upgrade request: what the connection's operations authenticate and count with
   */
  constructor(
    socket: WebSocket,
    sink: FrameSink,
    types: GraphqlWsTypes,
    upgrade: FastifyRequest,
    host: SessionHost,
  ) {
    this.#socket = socket;
    this.#sink = sink;
    this.types = types;
    this.#request = upgrade;
    this.#host = host;
    (socket as TaggedSocket)[kSession] = this;
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('close', onClose); // not `once`: its wrapper would be a closure per socket
    socket.on('error', ignoreError);
    compactListenerTable(socket); // a hash table of listeners per socket otherwise (~0.3 KB)
  }

  get closed(): boolean {
    return this.#closed;
  }

  get initialised(): boolean {
    return this.openedAt === undefined;
  }

  /**
   * The request the connection's operations authenticate and count with: the upgrade request
   * with the `connection_init` credentials over its headers (a header the upgrade carried is
   * kept). A fresh object, because the upgrade request itself was already authenticated without
   * them (the rate limiter looks at every request) and identity keeps that answer per request.
   * A copy (same prototype, same own fields), not `Object.create(upgrade)`: an object made a
   * prototype gets hidden classes of its own, ~0.6 KB per connection (issue 50); and the upgrade
   * request itself is then let go. Its `raw` is {@link slimRaw}: what Fastify's getters read.
   */
  get request(): FastifyRequest {
    if (this.#credentials) return this.#request;
    const upgrade = this.#request;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(upgrade) as object) as object, upgrade);
    Object.defineProperty(copy, 'headers', {
      value: { ...this.#initHeaders, ...upgrade.headers },
      enumerable: true,
    });
    // Fastify also keeps the message as the body's stream (a symbol): no body to read here.
    const held = copy as Record<string | symbol, unknown>;
    for (const key of Object.getOwnPropertySymbols(copy)) if (held[key] === upgrade.raw) held[key] = undefined;
    held['raw'] = slimRaw(upgrade.raw);
    this.#credentials = true;
    this.#initHeaders = undefined;
    return (this.#request = copy as FastifyRequest);
  }

  /** `connection_init`: its payload (or its `headers`) are the connection's credentials. */
  initialise(payload: Record<string, unknown> | undefined): void {
    this.openedAt = undefined;
    const headers = payload?.['headers'];
    this.#initHeaders =
      typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : payload;
  }

  /** What the resolvers of the subscription `id` see (Mercurius's context, as far as they read it). */
  contextOf(id: string): object {
    const request = this.request;
    return { app: request.server, reply: { request, log: request.log }, id, graphqlWs: this };
  }

  /** A message from the client. */
  receive(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    if (this.#closed) return;
    const message = isBinary ? undefined : readClientMessage(data);
    if (message === undefined) return this.closeWith(GraphqlWsClose.BadRequest, 'Invalid message received');
    handleClientMessage(this.#host, this, this.#operations, message);
  }

  send(message: object): void {
    if (!this.#closed) this.#socket.send(JSON.stringify(message));
  }

  /** Ends the connection with a graphql-ws close code. */
  closeWith(code: number, reason: string): void {
    if (this.#closed) return;
    this.#finish();
    this.#connection?.release();
    this.#socket.close(code, reason);
  }

  /**
   * The admitted principal: authenticated with `authenticate` (REST's credential check) and
   * admitted by the gateway, once per connection. A refusal ends the connection after its error
   * reached the client, with the code's close code.
   * @throws AUTH_*, RT_TOO_MANY_CONNECTIONS, RT_USER_CONNECTION_LIMIT, RT_SESSION_REVOKED, RT_SHUTTING_DOWN
   */
  async admit(authenticate: () => Promise<Caller>): Promise<StreamPrincipal> {
    this.#admission ??= (async () => {
      const principal = streamPrincipalOf(await authenticate());
      const connection = await this.#host.live.gateway.admitConnection(principal, endOf(this));
      if (this.#closed) connection.release();
      return (this.#connection = connection);
    })();
    try {
      return (await this.#admission).principal;
    } catch (error) {
      // Sent first (as the subscription's error), closed right after.
      setImmediate(() => this.end(refusalOf(error), 'the connection was refused'));
      throw error;
    }
  }

  /**
   * Opens one subscription on `spec.channel` for the admitted principal, its events framed with
   * `delivery`'s id and payloads.
   * @throws RT_FORBIDDEN (the channel's rule refuses), RT_TOO_MANY_CHANNELS, RT_INVALID_CHANNEL
   */
  async open(principal: StreamPrincipal, spec: StreamSpec, delivery: Delivery): Promise<HubStream> {
    const { gateway, hub, maxBufferedBytes } = this.#host.live;
    const refused = await gateway.authorizeAll(principal, [spec.channel]);
    if (refused) throw refused;
    if (this.#streams.size >= gateway.maxChannels)
      throw new RealtimeError(
        'RT_TOO_MANY_CHANNELS',
        `at most ${gateway.maxChannels} subscriptions per connection`,
        {
          details: { subscribed: this.#streams.size, max: gateway.maxChannels },
        },
      );
    // A gateway that takes only its clients' channels from the delivery log starts this one (and
    // seeds its history for the resume) before the stream subscribes, as a WebSocket client's does.
    await gateway.prepare([spec.channel]);
    if (this.#closed) throw new RealtimeError('RT_SHUTTING_DOWN', 'the connection is closing');
    const stream = new HubStream({
      hub,
      channel: spec.channel,
      filter: spec.filter,
      maxBufferedBytes,
      sink: this.#sink,
      framePrefix: Buffer.from(`{"type":"${this.types.data}","id":${JSON.stringify(delivery.id)}`, 'utf8'),
      share: delivery.share,
      onSlowConsumer: () =>
        this.end(
          'RT_SLOW_CONSUMER',
          'the client did not read fast enough; resubscribe with the last event id',
        ),
      counters: this.#connection?.counters ?? UNCOUNTED,
      onEnd: (ended) => this.#streams.delete(ended),
    });
    this.#streams.add(stream);
    gateway.countResume(stream.start(spec.after));
    return stream;
  }

  /** Pings the peer; one that did not answer the previous ping is terminated. */
  heartbeat(): void {
    if (this.#closed) return;
    if (!this.alive) {
      this.#socket.terminate();
      return;
    }
    this.alive = false;
    this.#socket.ping();
  }

  /** Ends every subscription and closes the socket with the reason's close code. */
  end(reason: RealtimeErrorCode, message: string): void {
    if (this.#closed) return;
    this.#finish();
    this.#connection?.close(reason, message);
    this.#socket.close(closeCodeFor[reason] ?? CloseCode.InternalError, reason);
  }

  /** The socket closed (either side). */
  socketClosed(): void {
    if (this.#closed) return;
    this.#finish();
    this.#connection?.release();
  }

  #finish(): void {
    this.#closed = true;
    stopAll(this.#operations);
    for (const stream of [...this.#streams]) stream.end();
    this.#host.closed(this);
  }
}

/**
 * What the credentials view keeps of the upgrade's `IncomingMessage`: the fields Fastify's request
 * getters read (`ip`, `ips`, `socket`, `host`, `protocol`, `url`, `method`), not the message itself
 * (its raw header strings, stream state and listeners, ~0.7 KB per connection, issue 50).
 */
function slimRaw(raw: FastifyRequest['raw']): object {
  const { headers, socket, url, method, httpVersion, httpVersionMajor, httpVersionMinor } = raw;
  return { headers, socket, connection: socket, url, method, httpVersion, httpVersionMajor, httpVersionMinor };
}

/**
 * How the gateway ends `session`: made out here, since a closure made in `admit` would hold the
 * whole scope of its call (the `authenticate` function and what it reads) for the socket's life.
 */
function endOf(session: GraphqlWsSession): (reason: RealtimeErrorCode, message: string) => void {
  return (reason, message) => session.end(reason, message);
}

/** Counters for a stream opened before admission finished (never: admission comes first). */
const UNCOUNTED = { messages: 0, bytes: 0, slowConsumerDisconnects: 0, coalesced: 0 };

/** Why an admission was refused, as the stream close code's error: a bad credential is RT_UNAUTHENTICATED. */
function refusalOf(error: unknown): RealtimeErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('RT_')) return code as RealtimeErrorCode;
  if (typeof code === 'string' && code.startsWith('AUTH_')) return 'RT_UNAUTHENTICATED';
  return 'RT_AUTH_UNAVAILABLE';
}

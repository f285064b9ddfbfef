/**
 * @module The real-time gateway: admits SSE streams and WebSocket upgrades (authenticate, then
 * authorize every channel), owns the connections and the two shared timers (SSE keep-alive,
 * WebSocket ping), and closes everything on shutdown. One timer per kind, not per connection,
 * keeps idle connections cheap.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { claimUpgrade, isUpgradeClaimed } from '@tickline/kernel';
import type { Connection } from '../connection/connection.ts';
import { createGatewayCounters, type GatewayCounters } from '../connection/counters.ts';
import { RealtimeError, type RealtimeErrorCode } from '../errors.ts';
import type { Hub } from '../hub/hub.ts';
import type { ResumePlan } from '../hub/resume.ts';
import { parseStreamRequest, refuseTokensInUrl, requestQuery } from '../sse/sse-request.ts';
import { SseConnection } from '../sse/sse-connection.ts';
import { WsConnection, type WsHost } from '../ws/ws-connection.ts';
import { rejectUpgrade } from '../ws/reject-upgrade.ts';
import { authenticateRequest, authorizeChannels, toRealtimeError } from './admission.ts';
import {
  ExternalConnection,
  type EndExternalConnection,
  type ExternalConnectionHost,
} from './external-connection.ts';
import { registerGatewayMetrics } from './gateway-metrics.ts';
import { PrincipalPolicy } from './principal-policy.ts';
import type { ConnectionLease } from '../limits/connection-counter.ts';
import {
  CONNECTION_AGE_JITTER,
  resolveGatewayOptions,
  type RealtimeGatewayOptions,
  type ResolvedGatewayOptions,
} from './gateway-options.ts';

/** An admitted stream request, ready to be opened. */
export interface StreamAdmission<P> {
  principal: P;
  channels: string[];
  lastEventId: string | undefined;
  /** The stream slot taken for the principal; released if the stream is never opened. */
  lease?: ConnectionLease;
}

/** Connection counts and totals. */
export interface GatewayStats {
  sse: {
    connections: number;
    messages: number;
    bytes: number;
    slowConsumerDisconnects: number;
    coalesced: number;
  };
  ws: {
    connections: number;
    messages: number;
    bytes: number;
    slowConsumerDisconnects: number;
    coalesced: number;
  };
  /** GraphQL subscriptions over graphql-ws (see {@link RealtimeGateway.admitConnection}). */
  graphql: {
    connections: number;
    messages: number;
    bytes: number;
    slowConsumerDisconnects: number;
    coalesced: number;
  };
  resumeHits: number;
  resumeMisses: number;
  subscriptions: number;
}

/** Keep-alive and ping periods are served in this many slices. */
const HEARTBEAT_SLICES = 8;

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Creates a gateway; mount it with `realtimeRoutes` (Fastify) or its handlers. */
export function createRealtimeGateway<P>(options: RealtimeGatewayOptions<P>): RealtimeGateway<P> {
  return new RealtimeGateway(options);
}

export class RealtimeGateway<P> implements WsHost<P>, ExternalConnectionHost {
  readonly hub: Hub;
  readonly #options: ResolvedGatewayOptions<P>;
  readonly #counters: GatewayCounters = createGatewayCounters();
  readonly #sse = new Set<SseConnection<P>>();
  readonly #ws = new Set<WsConnection<P>>();
  readonly #external = new Set<ExternalConnection<P>>();
  readonly #wss: WebSocketServer;
  readonly #keepAlive: NodeJS.Timeout;
  readonly #ping: NodeJS.Timeout;
  readonly #policy: PrincipalPolicy<P>;
  readonly #leases = new Map<Connection<P> | ExternalConnection<P>, ConnectionLease>();
  readonly #recheck: NodeJS.Timeout | undefined;
  #closing = false;
  #sseTick = 0;
  #wsTick = 0;

  constructor(options: RealtimeGatewayOptions<P>) {
    this.#options = resolveGatewayOptions(options);
    this.hub = this.#options.hub;
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: this.#options.maxClientMessageBytes,
    });
    // Each tick serves one slice of the connections, so 5,000 pings (and their pongs) or
    // keep-alives never land in one burst between two broadcasts.
    const slice = (periodMs: number) => Math.max(1, Math.floor(periodMs / HEARTBEAT_SLICES));
    this.#keepAlive = setInterval(() => this.#sweepSse(), slice(this.#options.keepAliveMs));
    this.#keepAlive.unref();
    this.#ping = setInterval(() => this.#sweepWs(), slice(this.#options.pingIntervalMs));
    this.#ping.unref();
    registerGatewayMetrics(this.#options.metrics, this.#counters, this.hub);
    this.#policy = new PrincipalPolicy(this.#options.principals, this.#options.metrics, this.#options.logger);
    if (this.#policy.checksPrincipals) {
      this.#recheck = setInterval(() => void this.#recheckPrincipals(), this.#policy.recheckIntervalMs);
      this.#recheck.unref();
    }
  }

  get maxChannels(): number {
    return this.#options.maxChannelsPerConnection;
  }

  /**
   * Checks a stream request: no credential in the URL, valid channels, an authenticated
   * principal allowed on every channel.
   * @throws RealtimeError with the code (and so the HTTP status) to answer with.
   */
  async admitStream(request: IncomingMessage): Promise<StreamAdmission<P>> {
    this.#assertAccepting();
    const parsed = parseStreamRequest(request, {
      maxChannels: this.#options.maxChannelsPerConnection,
      forbiddenQueryParams: this.#options.forbiddenQueryParams,
    });
    const principal = await authenticateRequest(this.#options.authenticate, request, this.#options.logger);
    const refused = await this.authorizeAll(principal, parsed.channels);
    if (refused) throw refused;
    const lease = await this.#policy.admit(principal);
    try {
      await this.prepare(parsed.channels);
    } catch (error) {
      if (lease) this.#policy.release(lease);
      throw error;
    }
    return { principal, ...parsed, ...(lease ? { lease } : {}) };
  }

  /** Starts an admitted stream on a response nobody else will write to (Fastify: after `reply.hijack()`). */
  openStream(
    request: IncomingMessage,
    response: ServerResponse,
    admission: StreamAdmission<P>,
    options: {
      /** Headers hooks set before the hijack (request id, CORS). */
      headers?: Record<string, string | number | readonly string[]>;
      /** Called once when a stream that let go of its response has ended (the route logs it). */
      onEnd?: () => void;
    } = {},
  ): SseConnection<P> | undefined {
    if (request.destroyed || response.destroyed || this.#closing) {
      if (admission.lease) this.#policy.release(admission.lease);
    }
    if (request.destroyed || response.destroyed) return undefined;
    if (this.#closing) {
      const refused = new RealtimeError('RT_SHUTTING_DOWN', 'the gateway is shutting down');
      response.writeHead(refused.httpStatus, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: refused.toJSON() }));
      return undefined;
    }
    const connection = new SseConnection<P>({
      request,
      response,
      principal: admission.principal,
      host: this,
      counters: this.#counters.sse,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      expiresAt: this.#expiresAt(),
      closeGraceMs: this.#options.closeGraceMs,
      receives: this.#options.receives(admission.principal),
      ...options,
    });
    this.#sse.add(connection);
    if (admission.lease) this.#leases.set(connection, admission.lease);
    this.#counters.sse.connections++;
    const plan = this.subscribe(connection, admission.channels, admission.lastEventId);
    const retryMs = Math.round(this.#options.sseRetryMs * (0.5 + Math.random()));
    connection.start(admission.channels, plan, retryMs);
    return connection;
  }

  /** A plain `node:http` handler for the stream route. */
  readonly handleStream = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let admission: StreamAdmission<P>;
    try {
      admission = await this.admitStream(request);
    } catch (error) {
      const refused = this.asRealtimeError(error);
      response.writeHead(refused.httpStatus, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: refused.toJSON() }));
      return;
    }
    this.openStream(request, response, admission);
  };

  /** Handles the `upgrade` of a request already routed to the WebSocket path. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', destroyOnError);
    let principal: P;
    let lease: ConnectionLease | undefined;
    try {
      this.#assertAccepting();
      if (!this.#options.allowOrigin(request.headers.origin, request)) {
        throw new RealtimeError('RT_FORBIDDEN', 'WebSocket connections from this origin are not accepted', {
          details: { origin: request.headers.origin },
        });
      }
      refuseTokensInUrl(requestQuery(request), this.#options.forbiddenQueryParams);
      principal = await authenticateRequest(this.#options.authenticate, request, this.#options.logger);
      lease = await this.#policy.admit(principal);
    } catch (error) {
      const refused = this.asRealtimeError(error);
      rejectUpgrade(socket, refused.httpStatus, { error: refused.toJSON() });
      return;
    }
    if (socket.destroyed || this.#closing) {
      if (lease) this.#policy.release(lease);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      socket.off('error', destroyOnError); // `ws` handles socket errors from here
      const connection = new WsConnection<P>({
        ws,
        socket: socket as Socket,
        principal,
        host: this,
        counters: this.#counters.ws,
        maxBufferedBytes: this.#options.maxBufferedBytes,
        expiresAt: this.#expiresAt(),
        closeGraceMs: this.#options.closeGraceMs,
        receives: this.#options.receives(principal),
      });
      this.#ws.add(connection);
      if (lease) this.#leases.set(connection, lease);
      this.#counters.ws.connections++;
    });
  }

  /**
   * Admits a connection another transport writes (GraphQL subscriptions over graphql-ws) for an
   * authenticated `principal`: the gateway's connection cap, the principal's revocation check and
   * per-user stream limit (its slot counts beside the user's SSE and WebSocket streams), then the
   * re-checks, age limit and shutdown of an open stream, ending it through `end`. The transport
   * calls `release()` when the connection closes on its side.
   * @throws RealtimeError RT_SHUTTING_DOWN, RT_TOO_MANY_CONNECTIONS, RT_SESSION_REVOKED, RT_USER_CONNECTION_LIMIT
   */
  async admitConnection(principal: P, end: EndExternalConnection): Promise<ExternalConnection<P>> {
    this.#assertAccepting();
    const lease = await this.#policy.admit(principal);
    if (this.#closing) {
      if (lease) this.#policy.release(lease);
      this.#assertAccepting();
    }
    const connection = new ExternalConnection<P>({
      principal,
      expiresAt: this.#expiresAt(),
      counters: this.#counters.graphql,
      end,
      host: this,
    });
    this.#external.add(connection);
    if (lease) this.#leases.set(connection, lease);
    this.#counters.graphql.connections++;
    return connection;
  }

  /**
   * Routes `upgrade` requests for `path` on `server` to {@link handleUpgrade}. Other paths are left
   * to other listeners, or answered 404 when this is the only one.
   */
  attachWebSocket(server: Server, path = '/api/v1/ws'): () => void {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const url = request.url ?? '/';
      const at = url.indexOf('?');
      if ((at === -1 ? url : url.slice(0, at)) === path) {
        claimUpgrade(request);
        void this.handleUpgrade(request, socket, head);
      } else if (server.listenerCount('upgrade') === 1 && !isUpgradeClaimed(request)) {
        rejectUpgrade(socket, 404, {
          error: { code: 'HTTP_NOT_FOUND', message: 'no WebSocket endpoint here' },
        });
      }
    };
    server.on('upgrade', onUpgrade);
    return () => server.off('upgrade', onUpgrade);
  }

  /** Closes the connections whose principal matches, e.g. on sign-out everywhere. Returns how many. */
  disconnect(matches: (principal: P) => boolean, reason: RealtimeErrorCode = 'RT_SESSION_EXPIRED'): number {
    let closed = 0;
    for (const connection of [...this.#sse, ...this.#ws, ...this.#external]) {
      if (matches(connection.principal)) {
        connection.close(reason, 'the session ended');
        closed++;
      }
    }
    return closed;
  }

  stats(): GatewayStats {
    const { sse, ws, graphql, resumeHits, resumeMisses } = this.#counters;
    return {
      sse: { ...sse },
      ws: { ...ws },
      graphql: { ...graphql },
      resumeHits,
      resumeMisses,
      subscriptions: this.hub.subscriberCount(),
    };
  }

  /** Refuses new connections and closes open ones with RT_SHUTTING_DOWN (WebSocket 1001). */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearInterval(this.#keepAlive);
    clearInterval(this.#ping);
    clearInterval(this.#recheck);
    for (const connection of [...this.#sse, ...this.#ws, ...this.#external]) {
      connection.close('RT_SHUTTING_DOWN', 'the gateway is shutting down; reconnect');
    }
    this.#wss.close();
  }

  // ---- WsHost / ConnectionHost ----

  authorizeAll(principal: P, channels: readonly string[]): Promise<RealtimeError | undefined> {
    return authorizeChannels(this.#options.authorize, principal, channels, this.#options.logger);
  }

  async prepare(channels: readonly string[]): Promise<void> {
    if (channels.length > 0) await this.#options.prepare?.(channels);
  }

  subscribe(
    connection: Connection<P>,
    channels: readonly string[],
    lastEventId: string | undefined,
  ): ResumePlan {
    const plan = this.hub.subscribe(channels, connection, lastEventId);
    // The hub's own strings: one per channel for all its subscribers, and no slice of a request
    // URL (the name a stream parsed from its query would keep the URL, ticket and all).
    for (const channel of channels) connection.channels.add(this.hub.canonicalName(channel));
    return plan;
  }

  unsubscribeFrom(connection: Connection<P>, channels: readonly string[]): void {
    const held = channels.filter((c) => connection.channels.delete(c));
    this.hub.unsubscribe(held, connection);
  }

  unsubscribe(connection: Connection): void {
    this.hub.unsubscribe(connection.channels, connection);
    connection.channels.clear();
  }

  release(connection: Connection): void {
    const removed =
      connection.transport === 'sse'
        ? this.#sse.delete(connection as SseConnection<P>)
        : this.#ws.delete(connection as WsConnection<P>);
    if (removed) this.#counters[connection.transport].connections--;
    const lease = this.#leases.get(connection as Connection<P>);
    if (lease) {
      this.#leases.delete(connection as Connection<P>);
      this.#policy.release(lease);
    }
  }

  releaseExternal(connection: ExternalConnection<unknown>): void {
    const external = connection as ExternalConnection<P>;
    if (this.#external.delete(external)) this.#counters.graphql.connections--;
    const lease = this.#leases.get(external);
    if (lease) {
      this.#leases.delete(external);
      this.#policy.release(lease);
    }
  }

  countResume(plan: ResumePlan): void {
    if (!plan.resumed) return;
    if (plan.recovered) this.#counters.resumeHits++;
    else this.#counters.resumeMisses++;
  }

  reportError(error: unknown, connection: Connection<P>): void {
    this.#options.logger.error({ err: error, connection: connection.id }, 'real-time request failed');
  }

  // ---- internals ----

  #sweepSse(): void {
    const now = this.#options.clock.now();
    const slice = this.#sseTick++ % HEARTBEAT_SLICES;
    for (const connection of this.#sse) {
      if (connection.id % HEARTBEAT_SLICES !== slice) continue;
      if (connection.expiresAt <= now)
        connection.close('RT_SESSION_EXPIRED', 'connection age limit reached; reconnect');
      else connection.keepAlive();
    }
  }

  #sweepWs(): void {
    const now = this.#options.clock.now();
    const slice = this.#wsTick++ % HEARTBEAT_SLICES;
    for (const connection of this.#ws) {
      if (connection.id % HEARTBEAT_SLICES !== slice) continue;
      if (connection.expiresAt <= now)
        connection.close('RT_SESSION_EXPIRED', 'connection age limit reached; reconnect');
      else connection.heartbeat();
    }
    // Their transport pings them; the gateway only holds them to the age limit.
    for (const connection of this.#external)
      if (connection.id % HEARTBEAT_SLICES === slice && connection.expiresAt <= now)
        connection.close('RT_SESSION_EXPIRED', 'connection age limit reached; reconnect');
  }

  /** Closes connections whose credential was revoked; renews the stream slots of the rest. */
  async #recheckPrincipals(): Promise<void> {
    const open = [...this.#sse, ...this.#ws, ...this.#external];
    const verdicts = await this.#policy.currentAll(open.map((connection) => connection.principal));
    for (const [i, connection] of open.entries()) {
      if (verdicts[i] || connection.closed) continue;
      this.#policy.closedRevoked();
      connection.close('RT_SESSION_REVOKED', 'the credential was revoked');
    }
    this.#policy.renew([...this.#leases.values()]);
  }

  #expiresAt(): number {
    const maxAge = this.#options.maxConnectionAgeMs;
    if (maxAge === 0) return Number.POSITIVE_INFINITY;
    return this.#options.clock.now() + maxAge * (1 - CONNECTION_AGE_JITTER * Math.random());
  }

  #assertAccepting(): void {
    if (this.#closing) throw new RealtimeError('RT_SHUTTING_DOWN', 'the gateway is shutting down');
    if (this.#sse.size + this.#ws.size + this.#external.size >= this.#options.maxConnections) {
      throw new RealtimeError('RT_TOO_MANY_CONNECTIONS', 'the gateway is at its connection limit', {
        details: { max: this.#options.maxConnections },
      });
    }
  }

  /** Any admission failure as the RealtimeError to answer with (unexpected ones are logged). */
  asRealtimeError(error: unknown): RealtimeError {
    return toRealtimeError(error, this.#options.logger);
  }
}

/**
 * @module graphql-ws at the GraphQL path, beside the realtime gateway's own WebSocket endpoints on
 * the same HTTP server. `@fastify/websocket` would route every upgrade of the server through
 * Fastify — the stream and game endpoints' too — so it gets only the upgrades of this path, through
 * an emitter of its own; the others stay with their listeners (kernel's upgrade claim). The
 * upgrade still passes the scope's hooks (rate limit, CORS) as the route Mercurius declares at the
 * path; its WebSocket handler is this module's, not Mercurius's (ws-operations.ts says why). Each
 * socket becomes a {@link GraphqlWsSession}, pinged on one shared timer and closed (graphql-ws's
 * 4408) when it never initialised.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import fastifyWebsocket from '@fastify/websocket';
import { claimUpgrade } from '@tickline/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import type { WebSocket } from 'ws';
import type { LivePort } from '../schema/services.ts';
import { graphqlWsTypesOf } from './graphql-ws-messages.ts';
import { GraphqlWsSession, type SessionHost } from './ws-session.ts';

/** Largest client message (a subscribe carries the document). */
export const MAX_SUBSCRIBE_MESSAGE_BYTES = 256 * 1024;
/** graphql-ws's close code for a connection that never sent `connection_init` in time. */
export const CONNECTION_INIT_TIMEOUT_CLOSE = 4408;
/** WebSocket's close code for a subprotocol this server does not speak. */
const PROTOCOL_ERROR_CLOSE = 1002;

export interface SubscriptionServerOptions {
  live: LivePort;
  /** The absolute path of the GraphQL endpoint (`/api/v1/graphql`). */
  path: string;
  /** Period of the WebSocket pings (`realtime.pingIntervalMs`). */
  pingIntervalMs: number;
  /**
   * A subscription document, parsed, checked against the limits and validated, one object per
   * text (graphql-routes.ts caches them).
   */
  document(query: string): DocumentNode;
}

/** `@fastify/websocket`'s symbol for an upgrade's head: not exported, found by its description. */
let headSymbol: symbol | undefined;
function forgetUpgradeHead(request: IncomingMessage): void {
  headSymbol ??= Object.getOwnPropertySymbols(request).find((s) => s.description === 'ws-head');
  // Set, not deleted: a delete would turn the request's hidden class into a dictionary.
  if (headSymbol !== undefined && headSymbol in request)
    (request as unknown as Record<symbol, unknown>)[headSymbol] = undefined;
}

/**
 * Registers the WebSocket side on `app` (the GraphQL scope, before Mercurius, whose GET route at
 * `options.path` gets this handler for its upgrades).
 */
export async function registerSubscriptionServer(
  app: FastifyInstance,
  options: SubscriptionServerOptions,
): Promise<void> {
  const sessions = new Set<GraphqlWsSession>();
  const host: SessionHost = {
    live: options.live,
    // Mercurius's executable schema, decorated on this scope once it is registered.
    schema: () => app.graphql.schema,
    document: (query) => options.document(query),
    closed: (session) => void sessions.delete(session),
  };
  // Added before `@fastify/websocket`'s own onRoute hook, so that hook takes this handler.
  app.addHook('onRoute', function serveGraphqlWs(route) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === options.path && methods.includes('GET')) route.wsHandler = openSession;
  });
  function openSession(socket: WebSocket, request: FastifyRequest): void {
    // `@fastify/websocket` listens for errors with a closure holding the request and its reply
    // for the socket's life; the session has its own listener. It also gave the upgrade a
    // ServerResponse (Fastify's reply writes to it) that stays the socket's `_httpMessage`: detached
    // as Node detaches a finished response, so neither is kept per connection.
    socket.removeAllListeners('error');
    const raw = request.raw.socket as Socket & { _httpMessage?: ServerResponse | null };
    raw._httpMessage?.detachSocket(raw);
    // It also leaves the upgrade's `head` on the request (kept by the session), a Buffer over the
    // parser's whole chunk: ~0.5 KB per connection, read by nobody once the socket is open.
    forgetUpgradeHead(request.raw);
    const types = graphqlWsTypesOf(socket.protocol);
    if (types === undefined) {
      socket.on('error', () => {});
      socket.close(PROTOCOL_ERROR_CLOSE, 'unsupported subprotocol');
      return;
    }
    sessions.add(new GraphqlWsSession(socket, request.raw.socket, types, request, host));
  }

  const upgrades = new EventEmitter();
  await app.register(fastifyWebsocket, {
    options: { server: upgrades as unknown as Server, maxPayload: MAX_SUBSCRIBE_MESSAGE_BYTES },
  });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    if ((at === -1 ? url : url.slice(0, at)) !== options.path) return;
    claimUpgrade(request);
    upgrades.emit('upgrade', request, socket, head);
  };
  app.server.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    const late = Date.now() - options.pingIntervalMs;
    for (const session of sessions) {
      const openedAt = session.openedAt;
      if (openedAt === undefined) session.heartbeat();
      else if (openedAt <= late)
        session.closeWith(CONNECTION_INIT_TIMEOUT_CLOSE, 'Connection initialisation timeout');
    }
  }, options.pingIntervalMs);
  heartbeat.unref();
  app.addHook('preClose', async function closeSubscriptions() {
    app.server.off('upgrade', onUpgrade);
    clearInterval(heartbeat);
    for (const session of sessions) session.end('RT_SHUTTING_DOWN', 'the server is shutting down');
  });
}

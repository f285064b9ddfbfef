/**
 * @module graphql-ws at the GraphQL path, beside the realtime gateway's own WebSocket endpoints on
 * the same HTTP server. `@fastify/websocket` (what Mercurius serves subscriptions with) would route
 * every upgrade of the server through Fastify — the stream and game endpoints' too — so it gets
 * only the upgrades of this path, through an emitter of its own; the others stay with their
 * listeners (kernel's upgrade claim). Each socket becomes a {@link GraphqlWsSession}, pinged on
 * one shared timer and closed (graphql-ws's 4408) when it never initialised. Mercurius speaks
 * the protocol; the subscriptions' `next` frames are the session's own (shared-execution.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyWebsocket from '@fastify/websocket';
import { claimUpgrade } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { LivePort } from '../schema/services.ts';
import type { SessionContext } from './subscription-resolvers.ts';
import { GraphqlWsSession } from './ws-session.ts';

/** Largest client message (a subscribe carries the document). */
export const MAX_SUBSCRIBE_MESSAGE_BYTES = 256 * 1024;
/** graphql-ws's close code for a connection that never sent `connection_init` in time. */
export const CONNECTION_INIT_TIMEOUT_CLOSE = 4408;

export interface SubscriptionServerOptions {
  live: LivePort;
  /** The absolute path of the GraphQL endpoint (`/api/v1/graphql`). */
  path: string;
  /** Period of the WebSocket pings (`realtime.pingIntervalMs`). */
  pingIntervalMs: number;
}

/** Mercurius's `subscription.context`: the socket's session, for the Subscription resolvers. */
export type SubscriptionContext = (socket: WebSocket) => SessionContext;

/**
 * Registers the WebSocket side on `app` (the GraphQL scope, before Mercurius) and returns the
 * context function Mercurius's `subscription` option takes.
 */
export async function registerSubscriptionServer(
  app: FastifyInstance,
  options: SubscriptionServerOptions,
): Promise<SubscriptionContext> {
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

  const sessions = new Map<WebSocket, GraphqlWsSession>();
  /** When each socket opened, until it sent `connection_init`. */
  const waiting = new Map<GraphqlWsSession, number>();
  // `@fastify/websocket` emits the upgrade request with the socket: its net.Socket is the sink.
  app.websocketServer.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const session = new GraphqlWsSession(socket, request.socket, options.live, (ended) => {
      sessions.delete(socket);
      waiting.delete(ended);
    });
    sessions.set(socket, session);
    waiting.set(session, Date.now());
  });
  const heartbeat = setInterval(() => {
    const late = Date.now() - options.pingIntervalMs;
    for (const [socket, session] of sessions) {
      const openedAt = waiting.get(session);
      if (openedAt === undefined) session.heartbeat();
      else if (openedAt <= late)
        socket.close(CONNECTION_INIT_TIMEOUT_CLOSE, 'Connection initialisation timeout');
    }
  }, options.pingIntervalMs);
  heartbeat.unref();
  app.addHook('preClose', async function closeSubscriptions() {
    app.server.off('upgrade', onUpgrade);
    clearInterval(heartbeat);
    for (const session of sessions.values()) session.end('RT_SHUTTING_DOWN', 'the server is shutting down');
  });

  // Called by Mercurius on `connection_init`.
  return (socket) => {
    const session = sessions.get(socket);
    if (session === undefined) return {};
    waiting.delete(session);
    return { graphqlWs: session };
  };
}

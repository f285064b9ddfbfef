/**
 * @module @tickline/realtime — live delivery to browsers and services over SSE and WebSocket.
 *
 * A {@link Hub} holds channels (`user:{id}`, `market:{symbol}:trades`, `admin:game`, `game:{zone}`)
 * with bounded histories; `publish` encodes an event once for every subscriber. A
 * {@link RealtimeGateway} admits streams (`authenticate` the request, `authorize` every channel),
 * keeps them alive, resumes them from `Last-Event-ID`, and applies the slow-consumer policy.
 * {@link createEventLogBridge} fans out between gateways through the event log.
 *
 * @example
 * const hub = createHub();
 * const gateway = createRealtimeGateway({ hub, authenticate, authorize: createChannelAuthorizer(rules) });
 * await app.register(realtimeRoutes, { gateway });          // GET /api/v1/stream, /api/v1/ws
 * hub.publish(`user:${id}`, { id: event.id, type: event.type, data: event.data });
 */
export { realtimeModule, STREAM_PATHS } from './module/realtime-module.ts';
export { StreamRouteSchema } from './module/stream-route-schema.ts';
export { createRealtimeHost } from './module/realtime-host.ts';
export { createStreamAuthenticator, STREAM_CHANNEL_RULES, SESSION_COOKIE } from './module/stream-auth.ts';
export { streamTicketRoutes, STREAM_SCOPE } from './module/stream-ticket-routes.ts';
export { realtimeConfig, RealtimeSchema } from './config.ts';
export { createHub, Hub } from './hub/hub.ts';
export {
  DEFAULT_HISTORY_MAX_EVENTS,
  DEFAULT_HISTORY_MAX_AGE_MS,
  DEFAULT_HISTORY_SWEEP_INTERVAL_MS,
  DEFAULT_COALESCE_PATTERNS,
} from './hub/hub-options.ts';
export { createRealtimeGateway, RealtimeGateway } from './gateway/gateway.ts';
export { createMemoryConnectionCounter, DEFAULT_CONNECTION_LEASE_MS } from './limits/connection-counter.ts';
export { createRedisConnectionCounter } from './limits/redis-connection-counter.ts';
export { createLiveRelay } from './bridge/live-relay.ts';
export {
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CHANNELS_PER_CONNECTION,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTION_AGE_MS,
  DEFAULT_SSE_RETRY_MS,
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_MAX_CLIENT_MESSAGE_BYTES,
  sameHostOrigin,
} from './gateway/gateway-options.ts';
export { realtimeRoutes } from './fastify/realtime-routes.ts';
export { isValidChannelName, assertChannelName, MAX_CHANNEL_NAME_LENGTH } from './channels/channel-name.ts';
export { compileChannelPattern, channelMatcher } from './channels/channel-pattern.ts';
export { createChannelAuthorizer } from './channels/channel-rules.ts';
export {
  createStreamTicketIssuer,
  DEFAULT_STREAM_TICKET_TTL_MS,
  STREAM_TICKET_PURPOSE,
} from './auth/stream-ticket.ts';
export { createTicketAuthenticator, readCookie, DEFAULT_TICKET_PARAM } from './auth/credentials.ts';
export { createEventLogBridge, DEFAULT_INTEREST_GRACE_MS } from './bridge/event-log-bridge.ts';
export { channelKey, HASHED_CHANNEL_FAMILIES } from './channels/channel-key.ts';
export { encodeBridgeRecord, decodeBridgeRecord } from './bridge/bridge-record.ts';
export { CloseCode, closeCodeFor, shouldReconnect } from './protocol/close-codes.ts';
export { dropFrameMask, compactListenerTable } from './ws/ws-footprint.ts';
export { SmallSet } from './connection/small-set.ts';
export {
  RealtimeErrorCodes,
  RealtimeError,
  isRealtimeError,
  isUnauthenticatedError,
  isForbiddenError,
  isInvalidChannelError,
  isSlowConsumerError,
} from './errors.ts';

// Other transports over the hub (GraphQL subscriptions) frame their own per-subscriber bytes.
export { encodeWsTextFrame, encodeWsTextFrameHead, wsTextFrameLength } from './hub/frames.ts';

export type { HubEvent } from './hub/hub-message.ts';
export type { HubMessage } from './hub/hub-message.ts';
export type { ByteSink } from './connection/connection.ts';
export type { Subscriber, PublishOptions, PublishResult, HubStats, PublishListener } from './hub/hub.ts';
export type { HubOptions } from './hub/hub-options.ts';
export type { ResumePlan } from './hub/resume.ts';
export type { StreamAdmission, GatewayStats } from './gateway/gateway.ts';
export type { ExternalConnection, EndExternalConnection } from './gateway/external-connection.ts';
export type { RealtimeGatewayOptions, Authenticate } from './gateway/gateway-options.ts';
export type { PrincipalPolicyOptions } from './gateway/principal-policy.ts';
export type {
  ConnectionCounter,
  ConnectionLease,
  MemoryConnectionCounterOptions,
} from './limits/connection-counter.ts';
export type { RedisConnectionCounterOptions } from './limits/redis-connection-counter.ts';
export type { LiveRelay, LiveRelayOptions } from './bridge/live-relay.ts';
export type { BridgeMessage } from './bridge/bridge-record.ts';
export type { RealtimeRoutesOptions } from './fastify/realtime-routes.ts';
export type { ChannelPattern, ChannelParams } from './channels/channel-pattern.ts';
export type { ChannelRule, ChannelAuthorizerOptions, Authorize } from './channels/channel-rules.ts';
export type {
  StreamTicketIssuer,
  StreamTicketOptions,
  StreamTicketClaims,
  StreamTicketVerification,
} from './auth/stream-ticket.ts';
export type { TicketAuthenticatorOptions } from './auth/credentials.ts';
export type {
  EventLogBridge,
  EventLogBridgeOptions,
  EventLogBridgeStats,
} from './bridge/event-log-bridge.ts';
export type { ClientMessage } from './protocol/client-messages.ts';
export type { ServerMessage } from './protocol/server-messages.ts';
export type { RealtimeErrorCode } from './errors.ts';
export type { Transport } from './connection/counters.ts';
export type { RealtimeHost, RealtimeHostDeps } from './module/realtime-host.ts';
export type { StreamPrincipal, VerifyAccessToken } from './module/stream-auth.ts';
export type { StreamTicketRoutesOptions } from './module/stream-ticket-routes.ts';
export type { RealtimeSettings } from './config.ts';
export {
  FORWARD_MAX_BODY_BYTES,
  FORWARD_TIMEOUT_MS,
  forwardingRoutes,
  forwardService,
  isForwardedHere,
  serveForwardedRoutes,
  type ForwardableModule,
  type ForwardingOptions,
} from './forwarding/route-forwarding.ts';

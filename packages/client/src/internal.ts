/** @module Internals for tests and sibling packages: transports, the subscription core, backoff, dedupe. */
export * from './index.ts';
export { Emitter } from './emitter.ts';
export { Session } from './auth/session.ts';
export { createAuthorizedSend } from './auth/authorized-http.ts';
export { createHttpClient } from './http/http-client.ts';
export { resolveClientOptions } from './client-options.ts';
export { ResumableSubscription } from './stream/subscription.ts';
export { createSseTransport } from './stream/sse-transport.ts';
export { createWsTransport, DEFAULT_WS_PING_INTERVAL_MS } from './stream/ws-transport.ts';
export {
  backoffDelayMs,
  resolveReconnectOptions,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
} from './stream/backoff.ts';
export { RecentIds, DEFAULT_DEDUPE_WINDOW } from './stream/recent-ids.ts';
export { shouldReconnectAfterClose, RECONNECTABLE_STREAM_ERRORS } from '@tickline/protocol';
export type {
  Transport,
  TransportConnection,
  TransportHandlers,
  ConnectRequest,
} from './stream/transport.ts';
export type { HttpClient } from './http/http-client.ts';
export type {
  StreamClientMessage as WsClientMessage,
  StreamServerMessage as WsServerMessage,
  WireEvent,
} from '@tickline/protocol';

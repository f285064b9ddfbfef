/** @module The generic network source engine and its resilience parts, for venue adapters. */
export { WebSocketSource } from './websocket-source.ts';
export { fullJitterDelayMs, backoffCeilingMs, DEFAULT_BACKOFF } from './backoff.ts';
export {
  CircuitBreaker,
  CircuitState,
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
} from './circuit-breaker.ts';
export { RatePacer } from './rate-pacer.ts';
export { Watchdog } from './watchdog.ts';
export { TradeOrder, FrameSequence } from './trade-order.ts';
export { MalformedFrameError } from './frame-fields.ts';
export { resolveNetworkSourceOptions } from './options.ts';
export { emptyNetworkSourceStats } from './source-stats.ts';
export type { BackoffPolicy } from './backoff.ts';
export type { CircuitBreakerOptions } from './circuit-breaker.ts';
export type { RateWindow } from './rate-pacer.ts';
export type { TradeVerdict } from './trade-order.ts';
export type {
  VenueDialect,
  DialectDefaults,
  DecodedEvent,
  DecodeContext,
  RequestContext,
  Subscription,
  BackfillRequest,
  HttpGetJson,
} from './dialect.ts';
export type { NetworkSourceOptions, ResolvedNetworkSourceOptions } from './options.ts';
export type { NetworkSourceStats } from './source-stats.ts';

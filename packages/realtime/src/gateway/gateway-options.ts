/** @module Gateway options, their defaults, and the one function that resolves them. */
import type { IncomingMessage } from 'node:http';
import { Registry, silentLogger, systemClock, type Clock, type Logger } from '@tickline/kernel';
import type { Authorize, EventFilterOf } from '../channels/channel-rules.ts';
import { assertNonNegativeInteger } from '../hub/hub-options.ts';
import type { Hub } from '../hub/hub.ts';
import { DEFAULT_FORBIDDEN_QUERY_PARAMS } from '../sse/sse-request.ts';
import type { PrincipalPolicyOptions } from './principal-policy.ts';

/** SSE keep-alive comment period: below the 30–60 s idle timeouts of common proxies. */
export const DEFAULT_KEEP_ALIVE_MS = 25_000;
/** WebSocket ping period; a peer that has not answered by the next ping is terminated. */
export const DEFAULT_PING_INTERVAL_MS = 25_000;
/** Per-connection bound on buffered outbound bytes before the slow-consumer policy applies. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024; // 1 MiB
/** The bound cannot usefully be below a socket's high-water mark (when `drain` is emitted). */
export const MIN_MAX_BUFFERED_BYTES = 64 * 1024;
export const DEFAULT_MAX_CHANNELS_PER_CONNECTION = 64;
export const DEFAULT_MAX_CONNECTIONS = 50_000;
/** Connections are closed after about this long so credentials are checked again. */
export const DEFAULT_MAX_CONNECTION_AGE_MS = 60 * 60_000; // 1 hour
/** Reconnect delay suggested to EventSource (`retry:`), jittered ±50 % per connection. */
export const DEFAULT_SSE_RETRY_MS = 2_000;
/** How long a closing connection may take to flush before it is cut. */
export const DEFAULT_CLOSE_GRACE_MS = 5_000;
/** Largest WebSocket message accepted from a client. */
export const DEFAULT_MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/** Spread of connection ages, so a cohort of clients does not expire (and reconnect) together. */
export const CONNECTION_AGE_JITTER = 0.1;

/** Finds who is connecting: from the HttpOnly session cookie or a stream ticket. Null = refuse. */
export type Authenticate<P> = (
  request: IncomingMessage,
) => P | null | undefined | Promise<P | null | undefined>;

/** Options for {@link createRealtimeGateway}. */
export interface RealtimeGatewayOptions<P> {
  hub: Hub;
  authenticate: Authenticate<P>;
  /** Called for every channel of every subscribe. */
  authorize: Authorize<P>;
  /**
   * Per connection: which events of its channels the principal may receive (an API key's scopes
   * on a channel carrying several kinds of data). @default every event
   */
  receives?: EventFilterOf<P>;
  /** @default 25_000 */
  keepAliveMs?: number;
  /** @default 25_000 */
  pingIntervalMs?: number;
  /** Effective bound is at least the socket's high-water mark (64 KiB). @default 1 MiB */
  maxBufferedBytes?: number;
  /** @default 64 */
  maxChannelsPerConnection?: number;
  /** @default 50_000 */
  maxConnections?: number;
  /** 0 = no limit. Production: keep it, so revoked sessions stop streaming. @default 3_600_000 */
  maxConnectionAgeMs?: number;
  /** @default 2_000 */
  sseRetryMs?: number;
  /** @default 5_000 */
  closeGraceMs?: number;
  /** @default 16 KiB */
  maxClientMessageBytes?: number;
  /**
   * Whether a WebSocket upgrade from this `Origin` is accepted. Cookie-authenticated sockets need
   * this check (browsers send cookies cross-site). @default no Origin, or Origin's host = Host
   */
  allowOrigin?: (origin: string | undefined, request: IncomingMessage) => boolean;
  /** Query parameters refused with RT_TOKEN_IN_URL. @default access_token, token, jwt, api_key, apikey, authorization */
  forbiddenQueryParams?: readonly string[];
  /**
   * Per-principal rules: streams per user (the tier's `maxStreamConnections`, counted across
   * gateways with the Redis counter) and revocation (refused at admission, closed when open).
   * @default none
   */
  principals?: PrincipalPolicyOptions<P>;
  /**
   * Makes channels ready before a client subscribes to them: where gateways take from the
   * delivery log only the channels their clients want, this starts the interest and loads the
   * channel's history into the hub (so a resume finds its id). A rejection refuses the subscribe.
   * @default none: the hub already has every channel
   */
  prepare?: (channels: readonly string[]) => Promise<void>;
  /** @default a private registry */
  metrics?: Registry;
  /** @default silentLogger */
  logger?: Logger;
  /** @default systemClock */
  clock?: Clock;
}

export interface ResolvedGatewayOptions<P> {
  hub: Hub;
  authenticate: Authenticate<P>;
  authorize: Authorize<P>;
  receives: EventFilterOf<P>;
  keepAliveMs: number;
  pingIntervalMs: number;
  maxBufferedBytes: number;
  maxChannelsPerConnection: number;
  maxConnections: number;
  maxConnectionAgeMs: number;
  sseRetryMs: number;
  closeGraceMs: number;
  maxClientMessageBytes: number;
  allowOrigin: (origin: string | undefined, request: IncomingMessage) => boolean;
  forbiddenQueryParams: readonly string[];
  principals: PrincipalPolicyOptions<P>;
  prepare: ((channels: readonly string[]) => Promise<void>) | undefined;
  metrics: Registry;
  logger: Logger;
  clock: Clock;
}

export function resolveGatewayOptions<P>(options: RealtimeGatewayOptions<P>): ResolvedGatewayOptions<P> {
  const resolved: ResolvedGatewayOptions<P> = {
    hub: options.hub,
    authenticate: options.authenticate,
    authorize: options.authorize,
    receives: options.receives ?? (() => undefined),
    keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    maxBufferedBytes: Math.max(
      options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      MIN_MAX_BUFFERED_BYTES,
    ),
    maxChannelsPerConnection: options.maxChannelsPerConnection ?? DEFAULT_MAX_CHANNELS_PER_CONNECTION,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxConnectionAgeMs: options.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS,
    sseRetryMs: options.sseRetryMs ?? DEFAULT_SSE_RETRY_MS,
    closeGraceMs: options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
    maxClientMessageBytes: options.maxClientMessageBytes ?? DEFAULT_MAX_CLIENT_MESSAGE_BYTES,
    allowOrigin: options.allowOrigin ?? sameHostOrigin,
    forbiddenQueryParams: options.forbiddenQueryParams ?? DEFAULT_FORBIDDEN_QUERY_PARAMS,
    principals: options.principals ?? {},
    prepare: options.prepare,
    metrics: options.metrics ?? new Registry(),
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
  };
  assertNonNegativeInteger('keepAliveMs', resolved.keepAliveMs, 1);
  assertNonNegativeInteger('pingIntervalMs', resolved.pingIntervalMs, 1);
  assertNonNegativeInteger('maxChannelsPerConnection', resolved.maxChannelsPerConnection, 1);
  assertNonNegativeInteger('maxConnections', resolved.maxConnections, 1);
  assertNonNegativeInteger('maxConnectionAgeMs', resolved.maxConnectionAgeMs);
  assertNonNegativeInteger('sseRetryMs', resolved.sseRetryMs);
  assertNonNegativeInteger('closeGraceMs', resolved.closeGraceMs);
  assertNonNegativeInteger('maxClientMessageBytes', resolved.maxClientMessageBytes, 1);
  return resolved;
}

/** Accepts requests without an Origin (non-browser clients) and same-host browser requests. */
export function sameHostOrigin(origin: string | undefined, request: IncomingMessage): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

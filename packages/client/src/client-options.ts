/** @module Options of {@link createTicklineClient}, their defaults, and the one function that resolves them. */
import { TicklineApiError } from './errors.ts';
import { DEFAULT_RATE_LIMIT_RETRY, type FetchLike, type RateLimitRetry } from './http/http-client.ts';
import { DEFAULT_PATHS, type ClientPaths } from './http/routes.ts';
import { createMemoryTokenStorage, type TokenStorage } from './auth/token-storage.ts';
import {
  resolveReconnectOptions,
  type ReconnectOptions,
  type ResolvedReconnectOptions,
} from './stream/backoff.ts';
import type { EventSourceConstructor } from './stream/sse-transport.ts';
import type { WebSocketConstructor } from './stream/ws-transport.ts';
import { DEFAULT_DEDUPE_WINDOW } from './stream/recent-ids.ts';
import { TransportKind } from './stream/transport.ts';

/** Refresh the access token when it has less than this left (tokens live 15 minutes). */
export const DEFAULT_REFRESH_AHEAD_MS = 30_000;

export interface TicklineClientOptions {
  /** Origin of the API, e.g. `https://tickline.example` (or `http://127.0.0.1:8080`). */
  baseUrl: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** Where the refresh token is kept. @default memory only (a reload signs out) */
  storage?: TokenStorage;
  /** Authenticate every call with this API key instead of a session (bots, services). */
  apiKey?: string;
  /** @default 30_000 */
  refreshAheadMs?: number;
  /** Path overrides for deployments that mount the API elsewhere. @default DEFAULT_PATHS */
  paths?: Partial<ClientPaths>;
  /** EventSource for SSE subscriptions; on Node pass the `eventsource` package's. @default globalThis.EventSource */
  eventSource?: EventSourceConstructor;
  /** @default globalThis.WebSocket */
  webSocket?: WebSocketConstructor;
  /** The transport of `subscribe` when none is named. @default 'ws' */
  defaultTransport?: TransportKind;
  /** Reconnect policy of subscriptions. @default 500 ms doubling to 30 s, jittered, no attempt limit */
  reconnect?: ReconnectOptions;
  /** Event ids remembered per subscription to drop duplicates. @default 4_096 */
  dedupeWindow?: number;
  /** Client WebSocket ping period. @default 20_000 */
  wsPingIntervalMs?: number;
  /** Send cookies with cross-origin EventSource requests. @default false */
  withCredentials?: boolean;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Reads answered 429 wait out `Retry-After` and try again; `false` turns it off. @default DEFAULT_RATE_LIMIT_RETRY */
  rateLimitRetry?: RateLimitRetry | false;
}

export interface ResolvedClientOptions {
  baseUrl: string;
  fetch: FetchLike;
  storage: TokenStorage;
  apiKey: string | undefined;
  refreshAheadMs: number;
  paths: ClientPaths;
  eventSource: EventSourceConstructor | undefined;
  webSocket: WebSocketConstructor | undefined;
  defaultTransport: TransportKind;
  reconnect: ResolvedReconnectOptions;
  dedupeWindow: number;
  wsPingIntervalMs: number | undefined;
  withCredentials: boolean;
  now: () => number;
  rateLimitRetry: RateLimitRetry | false;
}

export function resolveClientOptions(options: TicklineClientOptions): ResolvedClientOptions {
  if (!/^https?:\/\//.test(options.baseUrl)) {
    throw invalid('baseUrl', 'must be an absolute http(s) URL');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (!fetchImpl) throw invalid('fetch', 'no global fetch: pass one');
  const globals = globalThis as { EventSource?: EventSourceConstructor; WebSocket?: WebSocketConstructor };
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Unbound global fetch throws "Illegal invocation" in browsers.
    fetch: options.fetch ?? ((input, init) => fetchImpl(input, init)),
    storage: options.storage ?? createMemoryTokenStorage(),
    apiKey: options.apiKey,
    refreshAheadMs: options.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS,
    paths: { ...DEFAULT_PATHS, ...options.paths },
    eventSource: options.eventSource ?? globals.EventSource,
    webSocket: options.webSocket ?? globals.WebSocket,
    defaultTransport: options.defaultTransport ?? TransportKind.Ws,
    reconnect: resolveReconnectOptions(options.reconnect),
    dedupeWindow: options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW,
    wsPingIntervalMs: options.wsPingIntervalMs,
    withCredentials: options.withCredentials ?? false,
    now: options.now ?? Date.now,
    rateLimitRetry: options.rateLimitRetry ?? DEFAULT_RATE_LIMIT_RETRY,
  };
}

function invalid(field: string, problem: string): TicklineApiError {
  return new TicklineApiError('CLIENT_INVALID_OPTIONS', `${field} ${problem}`, { details: { field } });
}

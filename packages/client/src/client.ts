/**
 * @module The Tickline client: typed REST calls with automatic token refresh, and resumable
 * SSE/WebSocket subscriptions authenticated by a fresh stream ticket on every (re)connect.
 */
import { createAccountApi, type AccountApi } from './api/account-api.ts';
import { createApiKeysApi, type ApiKeysApi } from './api/api-keys-api.ts';
import { createAuthApi, type AuthApi } from './api/auth-api.ts';
import { createBacktestsApi, type BacktestsApi } from './api/backtests-api.ts';
import { createLiveStrategiesApi, type LiveStrategiesApi } from './api/live-strategies-api.ts';
import { createPortfoliosApi, type PortfoliosApi } from './api/portfolios-api.ts';
import { createNotificationsApi, type NotificationsApi } from './api/notifications-api.ts';
import { createGraphqlApi, type GraphqlApi } from './graphql/graphql-api.ts';
import { createStrategiesApi, type StrategiesApi } from './api/strategies-api.ts';
import { createAuthorizedSend } from './auth/authorized-http.ts';
import { Session, type SessionEvents } from './auth/session.ts';
import { resolveClientOptions, type TicklineClientOptions } from './client-options.ts';
import { Emitter } from './emitter.ts';
import { TicklineApiError } from './errors.ts';
import { createHttpClient, type HttpRequest } from './http/http-client.ts';
import { createSseTransport } from './stream/sse-transport.ts';
import {
  ResumableSubscription,
  type Subscription,
  type SubscriptionHandlers,
} from './stream/subscription.ts';
import { TransportKind, type Transport } from './stream/transport.ts';
import { createWsTransport } from './stream/ws-transport.ts';
import type { TokenPair } from '@tickline/protocol';

/** Options of {@link TicklineClient.subscribe}. */
export interface SubscribeOptions<D = unknown> extends SubscriptionHandlers<D> {
  /** @default the client's `defaultTransport` ('ws') */
  transport?: TransportKind;
  /** Resume after this event id on the first connect (e.g. one kept from a previous page). */
  lastEventId?: string;
  /**
   * Event types to deliver; empty = all. Required for SSE to see anything: EventSource only
   * dispatches event names it has listeners for. More can be added with `addTypes`.
   */
  types?: readonly string[];
}

export interface TicklineClient {
  readonly auth: AuthApi;
  readonly me: AccountApi;
  readonly apiKeys: ApiKeysApi;
  readonly strategies: StrategiesApi;
  readonly backtests: BacktestsApi;
  /** Paper portfolios, positions, equity history and manual orders. */
  readonly portfolios: PortfoliosApi;
  /** Strategy versions running live on a portfolio. */
  readonly liveStrategies: LiveStrategiesApi;
  readonly notifications: NotificationsApi;
  /** GraphQL queries and mutations, typed by the schema's generated `Gql…` types. */
  readonly graphql: GraphqlApi;
  /** Authenticated call to any API route, with the same refresh and error handling. */
  request<T>(request: HttpRequest): Promise<T>;
  /** Unauthenticated call (public routes). */
  requestPublic<T>(request: HttpRequest): Promise<T>;
  /** Mints a short-lived stream ticket (done by `subscribe` on every connect). */
  streamTicket(): Promise<string>;
  /** Subscribes to channels, e.g. `['user:<id>', 'market:BTC-USD:trades']`. */
  subscribe<D = unknown>(channels: readonly string[], options: SubscribeOptions<D>): Subscription;
  /** `signedIn`, `tokensRefreshed`, `signedOut`; returns the unsubscribe function. */
  on<K extends keyof SessionEvents>(name: K, listener: (payload: SessionEvents[K]) => void): () => void;
  /** Closes every subscription. The session stays (call `auth.signOut()` to end it). */
  close(): void;
}

/**
 * Creates a client.
 * @example
 * const client = createTicklineClient({ baseUrl: 'https://tickline.example' });
 * const signedIn = await client.auth.signIn({ email, password });
 * client.subscribe([`user:${signedIn.user.id}`], { transport: 'sse', types: ['account.snapshot.generated'], onEvent });
 */
export function createTicklineClient(options: TicklineClientOptions): TicklineClient {
  const resolved = resolveClientOptions(options);
  const events = new Emitter<SessionEvents>();
  const http = createHttpClient({
    baseUrl: resolved.baseUrl,
    fetch: resolved.fetch,
    rateLimitRetry: resolved.rateLimitRetry,
  });
  const paths = resolved.paths;
  const session = new Session({
    storage: resolved.storage,
    now: resolved.now,
    refreshAheadMs: resolved.refreshAheadMs,
    events,
    refresh: (refreshToken) =>
      http.send<TokenPair>({ method: 'POST', path: paths.refresh, body: { refreshToken } }),
  });
  const send = createAuthorizedSend(http, session, resolved.apiKey);
  const subscriptions = new Set<ResumableSubscription<any>>();

  // A session that ended cannot mint tickets: close its streams now rather than at the next reconnect.
  events.on('signedOut', () => {
    const error = new TicklineApiError('CLIENT_SIGNED_OUT', 'the session ended');
    for (const subscription of [...subscriptions]) subscription.fail(error);
  });

  const streamTicket = async () =>
    (await send<{ ticket: string }>({ method: 'POST', path: paths.streamTickets })).ticket;

  const transports: Partial<Record<TransportKind, Transport>> = {};
  function transportFor(kind: TransportKind): Transport {
    const existing = transports[kind];
    if (existing) return existing;
    if (kind === TransportKind.Sse) {
      if (!resolved.eventSource) throw unavailable('EventSource', 'eventSource');
      return (transports.sse = createSseTransport({
        EventSource: resolved.eventSource,
        streamUrl: `${resolved.baseUrl}${paths.stream}`,
        withCredentials: resolved.withCredentials,
      }));
    }
    if (!resolved.webSocket) throw unavailable('WebSocket', 'webSocket');
    return (transports.ws = createWsTransport({
      WebSocket: resolved.webSocket,
      wsUrl: `${resolved.baseUrl.replace(/^http/, 'ws')}${paths.ws}`,
      ...(resolved.wsPingIntervalMs !== undefined ? { pingIntervalMs: resolved.wsPingIntervalMs } : {}),
    }));
  }

  return {
    auth: createAuthApi(http, send, session, paths),
    me: createAccountApi(send, session, paths),
    apiKeys: createApiKeysApi(send, paths),
    strategies: createStrategiesApi(send, paths),
    backtests: createBacktestsApi(send, paths),
    portfolios: createPortfoliosApi(send, paths),
    liveStrategies: createLiveStrategiesApi(send, paths),
    notifications: createNotificationsApi(send, paths),
    graphql: createGraphqlApi(send, http, paths),
    request: send,
    requestPublic: (request) => http.send(request),
    streamTicket,
    subscribe(channels, subscribeOptions) {
      if (channels.length === 0) {
        throw new TicklineApiError('CLIENT_INVALID_OPTIONS', 'subscribe needs at least one channel', {
          details: { field: 'channels' },
        });
      }
      const kind = subscribeOptions.transport ?? resolved.defaultTransport;
      if (kind === TransportKind.Sse && (subscribeOptions.types ?? []).length === 0) {
        throw new TicklineApiError(
          'CLIENT_INVALID_OPTIONS',
          'an SSE subscription needs `types`: EventSource only dispatches the event names it listens to',
          {
            details: { field: 'types' },
          },
        );
      }
      const subscription: ResumableSubscription<any> = new ResumableSubscription({
        ...subscribeOptions,
        channels,
        transport: transportFor(kind),
        getTicket: streamTicket,
        reconnect: resolved.reconnect,
        lastEventId: subscribeOptions.lastEventId,
        types: subscribeOptions.types ?? [],
        dedupeWindow: resolved.dedupeWindow,
        onFinalClose: () => subscriptions.delete(subscription),
      });
      subscriptions.add(subscription);
      return subscription.start();
    },
    on: (name, listener) => events.on(name, listener),
    close() {
      for (const subscription of [...subscriptions]) subscription.close();
    },
  };
}

function unavailable(what: string, option: string): TicklineApiError {
  return new TicklineApiError(
    'CLIENT_TRANSPORT_UNAVAILABLE',
    `no ${what} in this environment: pass \`${option}\``,
    {
      details: { field: option },
    },
  );
}

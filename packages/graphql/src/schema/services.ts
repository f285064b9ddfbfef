/**
 * @module What the schema reads and changes, as narrow ports over the domains' hosts (the module
 * binds them in graphql-host.ts): the resolvers call the same services, repositories and actions
 * REST's routes call, so GraphQL is no second implementation. Where a domain runs on another role
 * (strategy and notify behind a scaled gateway), its port is the owner's, reached per request over
 * request/reply (forwarding/); where it runs nowhere reachable, its fields answer
 * GRAPHQL_FIELD_UNAVAILABLE.
 */
import type { Principal } from '@tickline/identity';
import type { RequestAuth } from '@tickline/kernel';
import type { CandlesQuerySchema, IndicatorQuerySchema, MarketReads } from '@tickline/market';
import type { NotifyApi } from '@tickline/notify';
import type { PlatformOperations } from '@tickline/platform';
import type { Hub, RealtimeGateway, StreamPrincipal } from '@tickline/realtime';
import type { ResearchRepository, RunRecord, StrategyActions, StrategyRepository } from '@tickline/strategy';
import type { LiveCaller } from '@tickline/trading';
import type { LiveActions } from '@tickline/trading';
import type { ApiKeyScope } from '@tickline/protocol';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';

export interface TickerView {
  symbol: string;
  last: Record<string, unknown> | null;
  stats24h: Record<string, unknown> | null;
}

/** Market data, as `/api/v1/markets` reads it (market-reads.ts). */
export interface MarketPort {
  markets: MarketReads['markets'];
  /** @throws MARKET_SYMBOL_NOT_FOUND */
  ticker(symbol: string): Promise<TickerView>;
  /**
   * Tickers of several symbols in one read: the in-memory latest-value store (no I/O), or on a
   * gateway that takes only its clients' channels, the delivery log's newest ticker messages for
   * the symbols it does not hold; unknown ones absent.
   */
  tickers(symbols: readonly string[]): Promise<ReadonlyMap<string, TickerView>>;
  candles(symbol: string, query: z.output<typeof CandlesQuerySchema>): ReturnType<MarketReads['candles']>;
  indicator(
    symbol: string,
    query: z.output<typeof IndicatorQuerySchema>,
  ): ReturnType<MarketReads['indicator']>;
}

/** Strategies, backtests and research, as REST's strategy routes read and change them. */
export interface StrategyPort {
  readonly repository: Pick<
    StrategyRepository,
    'listStrategies' | 'getStrategy' | 'strategiesOf' | 'listVersionsOf' | 'listRuns' | 'getRun' | 'resultsOf'
  >;
  readonly actions: Pick<StrategyActions, 'principal' | 'saveVersion' | 'queueBacktest'>;
  /** The backtest queue's cancel. @throws STRATEGY_RUN_FINISHED */
  cancelBacktest(userId: string, id: string): Promise<RunRecord>;
  readonly research: Pick<ResearchRepository, 'list' | 'get' | 'reportsOf'>;
}

/** A port's functions as another process answers them: a value here may be a promise there. */
export type Awaitable<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<Awaited<R>> : T[K];
};

/** What the schema does with live trading's actions. */
export type TradingActions = Awaitable<
  Pick<
    LiveActions,
    | 'owned'
    | 'run'
    | 'listRuns'
    | 'summary'
    | 'positions'
    | 'equity'
    | 'orders'
    | 'risk'
    | 'placeOrder'
    | 'cancelOrder'
    | 'pause'
    | 'resume'
  >
>;

/** Paper portfolios and live runs, as REST's live-trading routes read and change them. */
export interface TradingPort {
  /** REST's own authentication of these routes: the caller, with `admin` only for an admin's full hand. */
  authenticate(request: FastifyRequest, scope: ApiKeyScope): Promise<LiveCaller>;
  portfoliosOf(userId: string): Promise<string[]>;
  readonly actions: TradingActions;
}

/** The in-app inbox and the rules, as `/api/v1/notifications` reads and changes them. */
export type NotificationsPort = Pick<NotifyApi, 'inbox' | 'markRead' | 'markAllRead' | 'rules'>;

/** The operations API's reads (admins). */
export type OperationsPort = Pick<PlatformOperations, 'zones' | 'searchPlayers' | 'streams'>;

/** The realtime hub and gateway the subscriptions are fed and admitted by. */
export interface LivePort {
  readonly hub: Hub;
  readonly gateway: RealtimeGateway<StreamPrincipal>;
  /** realtime.slowConsumer.maxBufferedBytes: a subscription's backlog past it is congested. */
  readonly maxBufferedBytes: number;
}

export interface GraphqlServices {
  /** Identity's request authentication (bearer token or API key), as REST routes use it. */
  readonly auth: RequestAuth<FastifyRequest>;
  /** The authenticated caller's API keys (`auth.authenticate` ran first). */
  readonly apiKeys?: ((request: FastifyRequest) => Promise<readonly unknown[]>) | undefined;
  readonly market?: MarketPort | undefined;
  readonly strategies?: StrategyPort | undefined;
  /** Where live trading runs here (`trading.live.enabled` with an event log). */
  readonly trading?: TradingPort | undefined;
  readonly notifications?: NotificationsPort | undefined;
  readonly operations?: OperationsPort | undefined;
  readonly live?: LivePort | undefined;
  /**
   * The ports of domains another role owns (a scaled gateway), bound to one request's credentials
   * and correlation id; a port present above is this process's own and wins.
   */
  readonly forwarded?: ((request: FastifyRequest) => ForwardedPorts) | undefined;
}

/** The ports a gateway reaches on their owners. */
export interface ForwardedPorts {
  readonly strategies?: StrategyPort | undefined;
  readonly trading?: TradingPort | undefined;
  readonly notifications?: NotificationsPort | undefined;
}

export type { Principal };

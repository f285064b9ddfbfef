/**
 * @module The GraphQL schema's root types (queries, mutations, subscriptions) for the SDK. Generated from the server's SDL by
 * `npm run docs:graphql` (packages/graphql/src/docs/client-types.ts); do not edit. A test fails
 * when it drifts from the schema. Pick what a query selects: `Pick<GqlPortfolio, 'id' | 'cash'>`,
 * with `GqlQueryPortfolioArgs` as its variables.
 */
import type { GqlAccount, GqlApiKeyConnection } from './account.ts';
import type { GqlConsumerLag, GqlPlayerConnection, GqlZone } from './admin.ts';
import type { GqlMarket, GqlMarketConnection, GqlTicker } from './market.ts';
import type { GqlInboxConnection, GqlNotificationRules } from './notify.ts';
import type {
  GqlBacktest,
  GqlBacktestConnection,
  GqlQueueBacktestInput,
  GqlResearchRun,
  GqlResearchRunConnection,
  GqlStrategy,
  GqlStrategyConnection,
  GqlStrategyVersion,
} from './strategy.ts';
import type {
  GqlBacktestEvent,
  GqlCandleEvent,
  GqlInboxEvent,
  GqlOrderEvent,
  GqlSignalEvent,
  GqlTickerEvent,
} from './subscriptions.ts';
import type {
  GqlLiveRun,
  GqlLiveRunConnection,
  GqlOrder,
  GqlPlaceOrderInput,
  GqlPlaceOrderPayload,
  GqlPortfolio,
  GqlPortfolioConnection,
} from './trading.ts';

export interface GqlMutation {
  /**
   * Compiles the code and saves it as the strategy's next immutable version (scope
   * strategies:write); a compile error saves nothing, with REST's code and line.
   */
  createStrategyVersion: GqlStrategyVersion | null;
  /**
   * Queues a backtest after REST's checks (scope backtests:run). Progress arrives on the
   * backtestProgress subscription.
   */
  queueBacktest: GqlBacktest | null;
  /** Cancels a queued or running backtest (scope backtests:run); STRATEGY_RUN_FINISHED once it ended. */
  cancelBacktest: GqlBacktest | null;
  /**
   * Places a manual order at the portfolio's venue (scope portfolio:write). idempotencyKey is REST's Idempotency-Key:
   * a retry with the same key and order answers the first order. A market order answers accepted
   * (status new) and fills at the next trade or closed candle after it, at that price.
   */
  placeOrder: GqlPlaceOrderPayload | null;
  /** Cancels a working order (scope portfolio:write). */
  cancelOrder: GqlOrder | null;
  /** Pauses a live run (scope portfolio:write). */
  pauseLiveRun: GqlLiveRun | null;
  /** Resumes a paused live run from the next candle (scope portfolio:write). */
  resumeLiveRun: GqlLiveRun | null;
  /** Marks one inbox entry read (scope notifications:write). */
  markNotificationRead: boolean | null;
  /** Marks every entry read; answers how many were unread (scope notifications:write). */
  markAllNotificationsRead: number | null;
}

/** Arguments of `Mutation.createStrategyVersion`. */
export interface GqlMutationCreateStrategyVersionArgs {
  strategyId: string;
  source: string;
  language?: string | null;
}

/** Arguments of `Mutation.queueBacktest`. */
export interface GqlMutationQueueBacktestArgs {
  input: GqlQueueBacktestInput;
}

/** Arguments of `Mutation.cancelBacktest`. */
export interface GqlMutationCancelBacktestArgs {
  id: string;
}

/** Arguments of `Mutation.placeOrder`. */
export interface GqlMutationPlaceOrderArgs {
  portfolioId: string;
  idempotencyKey: string;
  input: GqlPlaceOrderInput;
}

/** Arguments of `Mutation.cancelOrder`. */
export interface GqlMutationCancelOrderArgs {
  portfolioId: string;
  clientOrderId: string;
  symbol: string;
}

/** Arguments of `Mutation.pauseLiveRun`. */
export interface GqlMutationPauseLiveRunArgs {
  id: string;
}

/** Arguments of `Mutation.resumeLiveRun`. */
export interface GqlMutationResumeLiveRunArgs {
  id: string;
}

/** Arguments of `Mutation.markNotificationRead`. */
export interface GqlMutationMarkNotificationReadArgs {
  id: string;
}

export interface GqlQuery {
  /** The caller (any credential; every other field declares REST's scope for the same data). Fields that need one are nullable, so a refusal fails alone. */
  me: GqlAccount | null;
  /** The caller's API keys, never the keys themselves (scope account:manage, as GET /api/v1/api-keys). */
  apiKeys: GqlApiKeyConnection | null;
  /** Markets collected or stored (public). */
  markets: GqlMarketConnection;
  /** One market (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol. */
  market: GqlMarket | null;
  /** One market's ticker (public); MARKET_SYMBOL_NOT_FOUND for an unknown symbol. */
  ticker: GqlTicker | null;
  /** The caller's strategies (scope strategies:read). */
  strategies: GqlStrategyConnection | null;
  /** One strategy (scope strategies:read); another user's is STRATEGY_NOT_FOUND, as on REST. */
  strategy: GqlStrategy | null;
  /** The caller's backtests, newest first, at most 200 (scope strategies:read). */
  backtests: GqlBacktestConnection | null;
  /** One backtest (scope strategies:read). */
  backtest: GqlBacktest | null;
  /** The caller's research runs, newest first, at most 200 (scope strategies:read). */
  researchRuns: GqlResearchRunConnection | null;
  /** One research run with its report (scope strategies:read). */
  researchRun: GqlResearchRun | null;
  /** The caller's portfolios (scope portfolio:read). */
  portfolios: GqlPortfolioConnection | null;
  /** One portfolio (scope portfolio:read); another user's is STRATEGY_PORTFOLIO_NOT_FOUND, as on REST. */
  portfolio: GqlPortfolio | null;
  /** The caller's live strategy runs (scope portfolio:read). */
  liveRuns: GqlLiveRunConnection | null;
  /** One live run (scope portfolio:read); another user's is STRATEGY_LIVE_NOT_FOUND. */
  liveRun: GqlLiveRun | null;
  /** The inbox, newest first (scope notifications:read); first at most 100. */
  notifications: GqlInboxConnection | null;
  /** The notification rules and settings (scope notifications:read). */
  notificationRules: GqlNotificationRules | null;
  /** Zones with CCU, tick p50/p99 and health (admins). */
  zones: GqlZone[] | null;
  /** Players by id or email, most recently seen first, at most 500 (admins; each lookup is audited). */
  players: GqlPlayerConnection | null;
  /** The event log's consumers and how far behind its head each is (admins). */
  consumerLag: GqlConsumerLag[] | null;
}

/** Arguments of `Query.apiKeys`. */
export interface GqlQueryApiKeysArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.markets`. */
export interface GqlQueryMarketsArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.market`. */
export interface GqlQueryMarketArgs {
  symbol: string;
}

/** Arguments of `Query.ticker`. */
export interface GqlQueryTickerArgs {
  symbol: string;
}

/** Arguments of `Query.strategies`. */
export interface GqlQueryStrategiesArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.strategy`. */
export interface GqlQueryStrategyArgs {
  id: string;
}

/** Arguments of `Query.backtests`. */
export interface GqlQueryBacktestsArgs {
  strategyId?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.backtest`. */
export interface GqlQueryBacktestArgs {
  id: string;
}

/** Arguments of `Query.researchRuns`. */
export interface GqlQueryResearchRunsArgs {
  strategyId?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.researchRun`. */
export interface GqlQueryResearchRunArgs {
  id: string;
}

/** Arguments of `Query.portfolios`. */
export interface GqlQueryPortfoliosArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.portfolio`. */
export interface GqlQueryPortfolioArgs {
  id: string;
}

/** Arguments of `Query.liveRuns`. */
export interface GqlQueryLiveRunsArgs {
  first?: number | null;
  after?: string | null;
}

/** Arguments of `Query.liveRun`. */
export interface GqlQueryLiveRunArgs {
  id: string;
}

/** Arguments of `Query.notifications`. */
export interface GqlQueryNotificationsArgs {
  first?: number | null;
  after?: string | null;
  unread?: boolean | null;
}

/** Arguments of `Query.players`. */
export interface GqlQueryPlayersArgs {
  query?: string | null;
  online?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export interface GqlSubscription {
  /** A symbol's throttled ticker (public; an API key needs market:read). */
  ticker: GqlTickerEvent;
  /** A symbol's candles of one interval, forming updates and closes (public; an API key needs market:read). */
  candles: GqlCandleEvent;
  /** A strategy's live signals (its owner, or an admin; an API key needs signals:read). */
  signals: GqlSignalEvent;
  /** The caller's order updates (the caller's own channel; an API key needs portfolio:read). */
  orderUpdates: GqlOrderEvent;
  /** New entries of the caller's inbox (an API key needs notifications:read). */
  inbox: GqlInboxEvent;
  /** Progress and completion of the caller's backtests, or of one (an API key needs strategies:read). */
  backtestProgress: GqlBacktestEvent;
}

/** Arguments of `Subscription.ticker`. */
export interface GqlSubscriptionTickerArgs {
  symbol: string;
  after?: string | null;
}

/** Arguments of `Subscription.candles`. */
export interface GqlSubscriptionCandlesArgs {
  symbol: string;
  interval: string;
  after?: string | null;
}

/** Arguments of `Subscription.signals`. */
export interface GqlSubscriptionSignalsArgs {
  strategyId: string;
  after?: string | null;
}

/** Arguments of `Subscription.orderUpdates`. */
export interface GqlSubscriptionOrderUpdatesArgs {
  after?: string | null;
}

/** Arguments of `Subscription.inbox`. */
export interface GqlSubscriptionInboxArgs {
  after?: string | null;
}

/** Arguments of `Subscription.backtestProgress`. */
export interface GqlSubscriptionBacktestProgressArgs {
  backtestId?: string | null;
  after?: string | null;
}

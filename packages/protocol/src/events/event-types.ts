/**
 * @module Event types: the `type` of every domain event on the log and of every message on a
 * real-time channel. Producers stamp them, consumers and the dashboard switch on them; past tense
 * for facts, a noun for periodic views (`market.ticker`, `admin.zones`). Document a new one in
 * `docs/events.md`.
 */

export const EventType = {
  /** A user signed up (identity). */
  AccountCreated: 'account.created',
  /** A password sign-up's verification link was issued (identity); notify emails it. */
  AccountEmailVerificationRequested: 'account.email.verification.requested',
  /** The account's address was proven by its verification link (identity); notify may mail it. */
  AccountEmailVerified: 'account.email.verified',
  /** An admin changed the account's tier (identity); notify's entitlements follow it. */
  AccountTierChanged: 'account.tier.changed',
  /**
   * A security setting of the account changed (identity): the password, two-factor, a new API key;
   * `data.change` says which. Notify tells the user (kind `security`, critical).
   */
  AccountSecurityChanged: 'account.security.changed',
  /** The account's initial portfolio snapshot was generated (caused by `account.created`). */
  AccountSnapshotGenerated: 'account.snapshot.generated',
  /** A notification landed in the user's in-app inbox (notify), on `user:{id}`. */
  NotificationInboxAdded: 'notification.inbox.added',
  /** Inbox entries were marked read (notify), on `user:{id}`, with the unread count after. */
  NotificationInboxRead: 'notification.inbox.read',
  /** A validated trade (market). */
  MarketTrade: 'market.trade',
  /** A forming candle changed (market). */
  MarketCandleUpdated: 'market.candle.updated',
  /** A candle closed (market). */
  MarketCandleClosed: 'market.candle.closed',
  /**
   * Imported history of a series was added or deleted (a kline upload's chunk or its delete): the
   * candle projection drops what the read cache holds of the series.
   */
  MarketHistoryChanged: 'market.history.changed',
  /** A market source changed state (connecting, live, stale …). */
  MarketSourceStatus: 'market.source.status',
  /** Live indicator values after a candle of a live interval. */
  MarketIndicatorsUpdated: 'market.indicators.updated',
  /** The throttled ticker (last price, 24 h stats) on `market:{symbol}:ticker`. */
  MarketTicker: 'market.ticker',
  /** Every market source's last status, on `market:sources` whenever one changes. */
  MarketSources: 'market.sources',
  /** A venue accepted an order (strategy broker); on the owner's `user:{id}`. */
  OrderPlaced: 'order.placed',
  /** An order executed (part of) its quantity, once per execution. */
  OrderFilled: 'order.filled',
  /** A resting order was cancelled. */
  OrderCancelled: 'order.cancelled',
  /** An order was refused, with a reason. */
  OrderRejected: 'order.rejected',
  /** A fill as the portfolio booked it, with cash and equity after. */
  PortfolioOrderFilled: 'portfolio.order.filled',
  /** A live strategy run placed an order on a closed candle. */
  StrategySignal: 'strategy.signal',
  /** A live strategy run was paused (by its owner, the kill switch, or a failure). */
  StrategyLivePaused: 'strategy.live.paused',
  /** A live run's parity check first found its decisions apart from its backtest replay's. */
  StrategyLiveParityDiverged: 'strategy.live.parity.diverged',
  /** A feed some of a user's live runs read turned unhealthy (stale, gap, jump) or healthy again. */
  StrategyLiveDataHealth: 'strategy.live.data.health',
  /** A player joined a zone (game). */
  GamePlayerJoined: 'game.player.joined',
  /** A player moved (game). */
  GamePlayerMoved: 'game.player.moved',
  /** A player left a zone (game). */
  GamePlayerLeft: 'game.player.left',
  /** A running backtest advanced; on its owner's `user:{id}` (strategy). */
  BacktestProgress: 'backtest.progress',
  /** A backtest finished: succeeded, failed or cancelled; on its owner's `user:{id}` (strategy). */
  BacktestCompleted: 'backtest.completed',
  /** A running research job advanced; on its owner's `user:{id}` (strategy). */
  ResearchProgress: 'research.progress',
  /** A research job finished: succeeded, failed or cancelled; on its owner's `user:{id}` (strategy). */
  ResearchCompleted: 'research.completed',
  /** A history download fetched or skipped a day; on its owner's `user:{id}` (strategy). */
  HistoryDownloadProgress: 'history.download.progress',
  /** A history download finished: complete or failed; on its owner's `user:{id}` (strategy). */
  HistoryDownloadCompleted: 'history.download.completed',
  /** Zone status for the admin dashboard on `admin:zones`. */
  AdminZones: 'admin.zones',
  /** Event-log overview for the admin dashboard on `admin:streams`. */
  AdminStreams: 'admin.streams',
  /** Live game figures for the admin dashboard on `admin:game`. */
  AdminGame: 'admin.game',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** The prefix every event of a zone's players shares (what zone replay reads back). */
export const GAME_PLAYER_EVENT_PREFIX = 'game.player.';

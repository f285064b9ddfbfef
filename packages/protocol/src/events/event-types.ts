/**
 * @module Event types: the `type` of every domain event on the log and of every message on a
 * real-time channel. Producers stamp them, consumers and the dashboard switch on them; past tense
 * for facts, a noun for periodic views (`market.ticker`, `admin.zones`). Document a new one in
 * `docs/events.md`.
 */

export const EventType = {
  /** A user signed up (identity). */
  AccountCreated: 'account.created',
  /** The account's initial portfolio snapshot was generated (caused by `account.created`). */
  AccountSnapshotGenerated: 'account.snapshot.generated',
  /** A validated trade (market). */
  MarketTrade: 'market.trade',
  /** A forming candle changed (market). */
  MarketCandleUpdated: 'market.candle.updated',
  /** A candle closed (market). */
  MarketCandleClosed: 'market.candle.closed',
  /** A market source changed state (connecting, live, stale …). */
  MarketSourceStatus: 'market.source.status',
  /** Live indicator values after a candle of a live interval. */
  MarketIndicatorsUpdated: 'market.indicators.updated',
  /** The throttled ticker (last price, 24 h stats) on `market:{symbol}:ticker`. */
  MarketTicker: 'market.ticker',
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

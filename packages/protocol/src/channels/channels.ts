/**
 * @module Real-time channel names: the builders producers publish to and clients subscribe with,
 * and the patterns the gateway authorizes. A channel is `area:part[:part…]`; `user:{id}` is that
 * user's alone, `market:**` is public, `admin:**` is for admins, `game:**` for players.
 *
 * @example
 * client.subscribe([Channel.user(user.id), Channel.marketCandles('BTC-USDT', '1m')], handlers);
 */
import type { CandleInterval } from '../sets/candle-interval.ts';

/** Channel name builders. */
export const Channel = {
  /** Events for one user (account snapshot, notifications): only that user may subscribe. */
  user: (userId: string) => `user:${userId}`,
  /** Every trade of a symbol. */
  marketTrades: (symbol: string) => `market:${symbol}:trades`,
  /** Forming updates and closes of a symbol's candles of one interval. */
  marketCandles: (symbol: string, interval: CandleInterval) => `market:${symbol}:candles:${interval}`,
  /** Live indicator values after each candle of a live interval. */
  marketIndicators: (symbol: string, interval: CandleInterval) => `market:${symbol}:indicators:${interval}`,
  /** The throttled ticker of a symbol. */
  marketTicker: (symbol: string) => `market:${symbol}:ticker`,
  /** Every market source's last status, whenever one changes. */
  marketSources: 'market:sources',
  /** Zone status, about once a second while watched (admins). */
  adminZones: 'admin:zones',
  /** Event-log overview, about once a second while watched (admins). */
  adminStreams: 'admin:streams',
  /** Live game figures per zone, about once a second while watched (admins). */
  adminGame: 'admin:game',
} as const;

/** The patterns of the gateway's channel rules (`{id}` binds a segment, `**` any rest). */
export const ChannelPattern = {
  User: 'user:{id}',
  Market: 'market:**',
  Admin: 'admin:**',
  Game: 'game:**',
} as const;
export type ChannelPattern = (typeof ChannelPattern)[keyof typeof ChannelPattern];

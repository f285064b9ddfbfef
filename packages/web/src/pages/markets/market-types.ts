/** @module Market API and stream shapes as the dashboard reads them (see the server's market route schemas). */

export const INTERVALS = ['1s', '1m', '5m', '15m', '1h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface MarketSummary {
  symbol: string;
  exchanges: string[];
  configured: boolean;
  lastPrice: number | null;
  lastTradeAt: number | null;
}

export interface Candle {
  exchange: string;
  symbol: string;
  interval: Interval;
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  incomplete: boolean;
  closed: boolean;
}

export interface Stats24h {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  change: number;
  changePercent: number;
}

/** `market.ticker` on `market:{symbol}:ticker`. */
export interface TickerMessage {
  symbol: string;
  last: number;
  lastSize: number;
  lastSide: 'buy' | 'sell' | 'unknown';
  lastTradeAt: number;
  stats24h: Stats24h | null;
}

export interface SourceStatus {
  name: string;
  exchange: string;
  state: 'connecting' | 'live' | 'stale' | 'backing_off' | 'failed';
  since: number;
  detail?: string;
  symbols?: string[];
  trades?: number;
  rejected?: number;
  tradesPerSecond?: number;
}

export const marketChannel = {
  ticker: (symbol: string) => `market:${symbol}:ticker`,
  candles: (symbol: string, interval: Interval) => `market:${symbol}:candles:${interval}`,
};

export const TICKER_EVENT = 'market.ticker';
export const CANDLE_EVENTS = ['market.candle.updated', 'market.candle.closed'] as const;

/** Price with as many decimals as it needs (at most 8). */
export function formatPrice(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = value >= 1000 ? 2 : value >= 1 ? 4 : 8;
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: digits });
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}%`;
}

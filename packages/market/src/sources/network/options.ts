/** @module Options for every network source, and the one function that resolves their defaults. */
import { systemClock, type Clock, type Logger, type Registry } from '@tickline/kernel';
import type { CandleInterval } from '../../port/market-message.ts';
import { timerSleep, type Sleep } from '../../port/sleep.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import {
  DEFAULT_BREAKER_COOLDOWN_MS,
  DEFAULT_BREAKER_FAILURE_THRESHOLD,
  type CircuitBreakerOptions,
} from './circuit-breaker.ts';
import type { DialectDefaults } from './dialect.ts';
import { DEFAULT_HTTP_TIMEOUT_MS } from './http-get.ts';
import { DEFAULT_QUEUE_HIGH_WATER_MARK } from './message-queue.ts';
import type { RateWindow } from './rate-pacer.ts';
import { DEFAULT_RECENT_TRADE_IDS } from './trade-order.ts';

/** Options shared by the Binance, Upbit and Coinbase sources. Timings are venue defaults unless set. */
export interface NetworkSourceOptions {
  /** Source name in status and metrics. @default the exchange */
  name?: string;
  /** WebSocket base URL (tests point it at a mock). @default the venue's public endpoint */
  url?: string;
  /** REST base URL for backfill. @default the venue's public REST endpoint */
  restUrl?: string;
  /** Reconnect backoff (full jitter). @default 500 ms doubling to 30 s */
  backoff?: Partial<BackoffPolicy>;
  /** Least delay after a rate-limit close (Binance 1008, HTTP 429). @default 10_000 */
  rateLimitBackoffMs?: number;
  /** @default 5 consecutive failed connects open it for 60 s */
  breaker?: CircuitBreakerOptions;
  /** Silence that counts as a dead connection. @default per venue (Binance 40 s, Upbit 25 s, Coinbase 5 s) */
  silenceMs?: number;
  /** Opening handshake timeout. @default 10_000 */
  connectTimeoutMs?: number;
  /**
   * Largest WebSocket message accepted, in bytes: the socket closes with 1009 on a larger declared
   * length before buffering it. @default 1 MiB
   */
  maxFrameBytes?: number;
  /** Proactive reconnect age. @default Binance 23 h 50 min; others none */
  maxLifetimeMs?: number;
  /** Application keep-alive period where the venue has one (Upbit `PING`). @default per venue */
  keepaliveMs?: number;
  /** Client → venue message limits. @default per venue, with one slot/s left for pongs on Binance */
  outboundLimits?: readonly RateWindow[];
  /** Connection attempt limits. @default per venue */
  connectLimits?: readonly RateWindow[];
  /** Venue candle intervals subscribed when `candle` is asked for (Binance klines). @default ['1m'] */
  candleIntervals?: readonly CandleInterval[];
  /** REST backfill of 1m candles after a disconnect or gap. @default true */
  backfill?: boolean;
  /** Longest window one backfill covers; older parts stay marked only. @default 6 h */
  maxBackfillMs?: number;
  /** Trade ids remembered per symbol for dedupe. @default 10_000 */
  recentTradeIds?: number;
  /** Queued messages that pause the socket. @default 10_000 */
  highWaterMark?: number;
  /** @default 10_000 */
  httpTimeoutMs?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default timerSleep */
  sleep?: Sleep;
  /** Uniform [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** @default the service context's logger */
  logger?: Logger;
  /** Metrics go here when set. */
  metrics?: Registry;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Venue messages are under 16 kB; 1 MiB leaves room and still bounds what one frame can cost. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BACKFILL_MS = 6 * 3_600_000;

/** Options with every default applied. */
export interface ResolvedNetworkSourceOptions {
  name: string;
  url: string;
  restUrl: string;
  backoff: BackoffPolicy;
  rateLimitBackoffMs: number;
  breaker: Required<CircuitBreakerOptions>;
  silenceMs: number;
  connectTimeoutMs: number;
  maxFrameBytes: number;
  maxLifetimeMs: number | undefined;
  keepaliveMs: number | undefined;
  outboundLimits: readonly RateWindow[];
  connectLimits: readonly RateWindow[];
  candleIntervals: readonly CandleInterval[];
  backfill: boolean;
  maxBackfillMs: number;
  recentTradeIds: number;
  highWaterMark: number;
  httpTimeoutMs: number;
  clock: Clock;
  sleep: Sleep;
  random: () => number;
  logger: Logger | undefined;
  metrics: Registry | undefined;
  fetch: typeof fetch;
}

/** Fills in defaults: the options first, then the venue's, then the shared ones. */
export function resolveNetworkSourceOptions(
  options: NetworkSourceOptions,
  venue: { exchange: string; defaultUrl: string; defaultRestUrl: string; defaults: DialectDefaults },
): ResolvedNetworkSourceOptions {
  return {
    name: options.name ?? venue.exchange,
    url: options.url ?? venue.defaultUrl,
    restUrl: options.restUrl ?? venue.defaultRestUrl,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    rateLimitBackoffMs: options.rateLimitBackoffMs ?? DEFAULT_RATE_LIMIT_BACKOFF_MS,
    breaker: {
      failureThreshold: options.breaker?.failureThreshold ?? DEFAULT_BREAKER_FAILURE_THRESHOLD,
      cooldownMs: options.breaker?.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS,
    },
    silenceMs: options.silenceMs ?? venue.defaults.silenceMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    maxLifetimeMs: options.maxLifetimeMs ?? venue.defaults.maxLifetimeMs,
    keepaliveMs: options.keepaliveMs ?? venue.defaults.keepaliveMs,
    outboundLimits: options.outboundLimits ?? venue.defaults.outbound,
    connectLimits: options.connectLimits ?? venue.defaults.connects,
    candleIntervals: options.candleIntervals ?? ['1m'],
    backfill: options.backfill ?? true,
    maxBackfillMs: options.maxBackfillMs ?? DEFAULT_MAX_BACKFILL_MS,
    recentTradeIds: options.recentTradeIds ?? DEFAULT_RECENT_TRADE_IDS,
    highWaterMark: options.highWaterMark ?? DEFAULT_QUEUE_HIGH_WATER_MARK,
    httpTimeoutMs: options.httpTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? timerSleep,
    random: options.random ?? Math.random,
    logger: options.logger,
    metrics: options.metrics,
    fetch: options.fetch ?? globalThis.fetch,
  };
}

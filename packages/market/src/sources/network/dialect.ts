/**
 * @module What a venue adapter supplies to the generic {@link WebSocketSource}: URLs, request
 * frames, frame decoding, keep-alive, limits and REST backfill. Each venue is one dialect; the
 * resilience (backoff, breaker, watchdog, pacing, dedupe, gaps) lives once in the engine.
 */
import type { Candle, CandleInterval, MarketKind, Trade } from '../../port/market-message.ts';
import type { RateWindow } from './rate-pacer.ts';

/** The venue-level subscription: canonical symbols and kinds. */
export interface Subscription {
  readonly symbols: readonly string[];
  readonly kinds: readonly MarketKind[];
}

/** Context for building request frames. */
export interface RequestContext {
  /** A fresh request id (Binance JSON-RPC ids). */
  nextId(): number;
  /** Venue candle intervals configured for this source. */
  readonly intervals: readonly CandleInterval[];
  /** The connection just opened: this is the whole subscription, sent once per connection. */
  readonly initial: boolean;
}

/** Context for decoding one frame. */
export interface DecodeContext {
  /** When the frame arrived (epoch ms). */
  readonly receivedAt: number;
  /** The canonical symbol for a venue symbol, or null when it cannot be read. */
  readonly canonical: (venueSymbol: string) => string | null;
}

/** What one frame meant. A frame may carry several (Coinbase batches trades under one envelope). */
export type DecodedEvent =
  | { readonly type: 'trade'; readonly trade: Trade }
  /** A closed venue candle (forming updates are not emitted: the port has no "forming" flag). */
  | { readonly type: 'candle'; readonly candle: Candle }
  /** The connection-level sequence number of this frame (Coinbase `sequence_num`). */
  | { readonly type: 'sequence'; readonly seq: number }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'ack'; readonly detail?: string }
  /** The venue announced a disconnect (Binance `serverShutdown`): reconnect now, no backoff. */
  | { readonly type: 'reconnect'; readonly reason: string }
  /** The venue reported an error for a request; the connection goes on. */
  | { readonly type: 'venue_error'; readonly message: string }
  /** Well-formed but of no interest (unknown types must be ignored). */
  | { readonly type: 'ignored' };

/** A backfill window: complete candles with `fromOpen <= openTime < toOpen`. */
export interface BackfillRequest {
  readonly symbol: string;
  readonly interval: CandleInterval;
  readonly fromOpen: number;
  readonly toOpen: number;
}

/** GET a JSON document; rejects on non-2xx. */
export type HttpGetJson = (url: string) => Promise<unknown>;

/** The per-venue part of a network source. */
export interface VenueDialect {
  /** Stamped on trades and status (`binance`). */
  readonly exchange: string;
  readonly defaultUrl: string;
  readonly defaultRestUrl: string;
  /** The URL to open, given the configured base URL. */
  connectUrl(baseUrl: string): string;
  /** Frames that add `add` to the live subscription (sent paced, in order). */
  subscribeFrames(add: Subscription, all: Subscription, context: RequestContext): string[];
  /** Frames that remove symbols; venues without an unsubscribe resend the whole remaining set. */
  unsubscribeFrames(remove: readonly string[], remaining: Subscription, context: RequestContext): string[];
  /** Decodes one frame (binary frames arrive here as UTF-8 text too). Throws on malformed input. */
  decode(text: string, context: DecodeContext): DecodedEvent[];
  /** An application-level keep-alive frame (Upbit `PING`), sent every `keepaliveMs`. */
  readonly keepaliveFrame?: string;
  /** Trade ids go up by one per trade per symbol (gap detection on ids). */
  readonly contiguousTradeIds: boolean;
  /** Close codes that mean "too many requests": the next backoff is at least the rate-limit delay. */
  readonly rateLimitCloseCodes: readonly number[];
  /** Venue defaults the options may override. */
  readonly defaults: DialectDefaults;
  /** Fetches complete candles for a window; absent when the venue has no candle REST. */
  backfill?(request: BackfillRequest, restUrl: string, get: HttpGetJson): Promise<Candle[]>;
}

/** Venue limits and timings, from each venue's public API docs (see the sources README). */
export interface DialectDefaults {
  /** Silence that counts as a dead connection. */
  readonly silenceMs: number;
  /** Proactive reconnect before the venue's own cut; undefined for none. */
  readonly maxLifetimeMs?: number;
  readonly keepaliveMs?: number;
  /** Client → venue message limits per connection. */
  readonly outbound: readonly RateWindow[];
  /** Connection attempt limits. */
  readonly connects: readonly RateWindow[];
}

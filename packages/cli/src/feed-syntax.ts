/**
 * @module The one feed syntax of every command: `SYMBOL:INTERVAL[:VENUE]`, e.g. `BTC-USDT:1h` or
 * `ETH-USDT:1h:binance`, or a share's `AAPL.US:1d` (any case: sent in capitals). The older forms (`--symbol` with `--interval`, `--exchange`) are still
 * read, with a deprecation note on standard error.
 */
import { CANDLE_INTERVALS, isCandleInterval, SYMBOL_RE, type CandleInterval } from '@tickline/protocol';
import { badArgument as bad } from './cli-errors.ts';
import type { CliIo } from './io.ts';

/** One feed as the commands send it. */
export interface ParsedFeed {
  symbol: string;
  interval: CandleInterval;
  /** The venue whose candles it reads (`exchange` in the API). */
  exchange?: string;
}

/** `BTC-USDT:1h[:binance]` → a feed; anything else is a usage error naming the form. */
export function parseFeed(text: string): ParsedFeed {
  const parts = text.split(':');
  const [symbol, interval, venue] = parts;
  const form = `--feed: expected SYMBOL:INTERVAL[:VENUE] (e.g. BTC-USDT:1h, ETH-USDT:1h:binance or AAPL.US:1d), got ${text}`;
  if (parts.length > 3 || !symbol || !interval || !SYMBOL_RE.test(symbol.toUpperCase())) throw bad(form);
  if (!isCandleInterval(interval))
    throw bad(`--feed ${text}: the interval must be one of ${CANDLE_INTERVALS.join(', ')}`);
  if (parts.length === 3 && !venue) throw bad(form);
  return { symbol: symbol.toUpperCase(), interval, ...(venue ? { exchange: venue.toLowerCase() } : {}) };
}

/** The old form's pieces a command may still take beside `--feed`. */
export interface LegacyFeedOptions {
  feed?: string[];
  symbol?: string;
  interval?: string;
  exchange?: string;
}

/**
 * The feeds of `--feed` (repeatable), or of the old `--symbol`/`--interval`/`--exchange` with a
 * deprecation note. `--exchange` beside `--feed` sets the venue of feeds that name none.
 */
export function feedsFrom(io: CliIo, o: LegacyFeedOptions): ParsedFeed[] {
  const given = o.feed ?? [];
  if (given.length > 0 && (o.symbol !== undefined || o.interval !== undefined))
    throw bad('give either --feed (repeatable) or --symbol with --interval, not both');
  if (o.exchange !== undefined)
    io.err(
      `note: --exchange is deprecated: name the venue in the feed, --feed SYMBOL:INTERVAL:${o.exchange}\n`,
    );
  const withVenue = (f: ParsedFeed): ParsedFeed =>
    f.exchange === undefined && o.exchange !== undefined ? { ...f, exchange: o.exchange } : f;
  if (given.length > 0) return given.map((f) => withVenue(parseFeed(f)));
  if (o.symbol === undefined) throw bad('--feed SYMBOL:INTERVAL[:VENUE] is needed');
  if (o.interval === undefined || !isCandleInterval(o.interval))
    throw bad(`--interval: expected one of ${CANDLE_INTERVALS.join(', ')}, got ${String(o.interval)}`);
  io.err(`note: --symbol/--interval are deprecated: use --feed ${o.symbol}:${o.interval}\n`);
  return [withVenue({ symbol: o.symbol, interval: o.interval })];
}

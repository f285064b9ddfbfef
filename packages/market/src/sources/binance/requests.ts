/** @module Binance JSON-RPC requests: `SUBSCRIBE` / `UNSUBSCRIBE` with stream names and an id. */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { MarketKind } from '../../port/market-message.ts';
import type { RequestContext, Subscription } from '../network/dialect.ts';
import { BINANCE_STREAMS_PER_REQUEST } from './config.ts';

/** Stream names (`btcusdt@trade`, `btcusdt@kline_1m`) for symbols and kinds. */
export function binanceStreams(
  symbols: readonly string[],
  kinds: readonly MarketKind[],
  context: RequestContext,
): string[] {
  const out: string[] = [];
  for (const s of symbols) {
    const v = toVenueSymbol('binance', s);
    if (kinds.includes('trade')) out.push(`${v}@trade`);
    if (kinds.includes('candle')) for (const i of context.intervals) out.push(`${v}@kline_${i}`);
  }
  return out;
}

/** One request per chunk of streams. */
export function binanceRequests(
  method: 'SUBSCRIBE' | 'UNSUBSCRIBE',
  streams: readonly string[],
  context: RequestContext,
): string[] {
  const frames: string[] = [];
  for (let i = 0; i < streams.length; i += BINANCE_STREAMS_PER_REQUEST) {
    const params = streams.slice(i, i + BINANCE_STREAMS_PER_REQUEST);
    frames.push(JSON.stringify({ method, params, id: context.nextId() }));
  }
  return frames;
}

export function binanceSubscribeFrames(
  add: Subscription,
  _all: Subscription,
  context: RequestContext,
): string[] {
  return binanceRequests('SUBSCRIBE', binanceStreams(add.symbols, add.kinds, context), context);
}

export function binanceUnsubscribeFrames(
  remove: readonly string[],
  _remaining: Subscription,
  context: RequestContext,
): string[] {
  return binanceRequests('UNSUBSCRIBE', binanceStreams(remove, ['trade', 'candle'], context), context);
}

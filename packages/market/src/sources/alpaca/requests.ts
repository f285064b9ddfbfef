/**
 * @module Alpaca stream requests: `{"action":"auth","key","secret"}` once per connection, then
 * `{"action":"subscribe","trades":[…],"bars":[…],"updatedBars":[…]}` and `unsubscribe` with the symbols to drop
 * (subscriptions add up, unlike Upbit's which replace).
 */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { RequestContext, Subscription } from '../network/dialect.ts';

/** The credentials the stream's auth message carries. */
export interface AlpacaCredentials {
  readonly keyId: string;
  readonly secretKey: string;
}

/** The auth message. */
export function alpacaAuthFrame(credentials: AlpacaCredentials): string {
  return JSON.stringify({ action: 'auth', key: credentials.keyId, secret: credentials.secretKey });
}

function channels(sub: Subscription, symbols: readonly string[]): Record<string, string[]> {
  const tickers = symbols.map((s) => toVenueSymbol('alpaca', s));
  const out: Record<string, string[]> = {};
  if (sub.kinds.includes('trade')) out.trades = tickers;
  if (sub.kinds.includes('candle')) {
    out.bars = tickers;
    // A bar late trades changed is sent again (`T:u`): the revision the store keeps as a version.
    out.updatedBars = tickers;
  }
  return out;
}

/** Builds the subscribe frames; the auth message leads on a new connection (Alpaca closes in 10 s without it). */
export function alpacaSubscribeFrames(credentials: AlpacaCredentials) {
  return function subscribeFrames(add: Subscription, _all: Subscription, context: RequestContext): string[] {
    const frames = context.initial ? [alpacaAuthFrame(credentials)] : [];
    const wanted = channels(add, add.symbols);
    if (add.symbols.length > 0 && Object.keys(wanted).length > 0)
      frames.push(JSON.stringify({ action: 'subscribe', ...wanted }));
    return frames;
  };
}

export function alpacaUnsubscribeFrames(
  remove: readonly string[],
  remaining: Subscription,
  _context: RequestContext,
): string[] {
  if (remove.length === 0) return [];
  const kinds = remaining.kinds.length > 0 ? remaining.kinds : (['trade', 'candle'] as const);
  return [JSON.stringify({ action: 'unsubscribe', ...channels({ symbols: remove, kinds }, remove) })];
}

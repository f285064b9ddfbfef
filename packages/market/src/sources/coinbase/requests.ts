/**
 * @module Coinbase Advanced Trade requests: one channel per `subscribe`, with `product_ids`.
 * `heartbeats` is subscribed once per connection: it keeps quiet channels open (they close after
 * 60–90 s without updates) and gives the watchdog a 1 s pulse.
 */
import type { RequestContext, Subscription } from '../network/dialect.ts';

export function coinbaseSubscribeFrames(
  add: Subscription,
  _all: Subscription,
  context: RequestContext,
): string[] {
  const frames: string[] = [];
  if (context.initial) frames.push(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
  if (add.symbols.length > 0 && add.kinds.includes('trade')) {
    frames.push(JSON.stringify({ type: 'subscribe', product_ids: add.symbols, channel: 'market_trades' }));
  }
  return frames;
}

export function coinbaseUnsubscribeFrames(
  remove: readonly string[],
  _remaining: Subscription,
  _context: RequestContext,
): string[] {
  return [JSON.stringify({ type: 'unsubscribe', product_ids: remove, channel: 'market_trades' })];
}

/**
 * @module Upbit requests: one JSON array `[{ticket}, {type, codes}, {format}]`. A new request on
 * the same connection replaces the subscription, so every change resends the whole set.
 */
import { randomUUID } from 'node:crypto';
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { RequestContext, Subscription } from '../network/dialect.ts';

/** The request for a whole subscription; none when nothing is subscribed. */
export function upbitRequest(all: Subscription, ticket: string = randomUUID()): string[] {
  if (all.symbols.length === 0 || !all.kinds.includes('trade')) return [];
  const codes = all.symbols.map((s) => toVenueSymbol('upbit', s));
  return [
    JSON.stringify([
      { ticket },
      { type: 'trade', codes, is_only_snapshot: false, is_only_realtime: false },
      { format: 'DEFAULT' },
    ]),
  ];
}

export function upbitSubscribeFrames(
  _add: Subscription,
  all: Subscription,
  _context: RequestContext,
): string[] {
  return upbitRequest(all);
}

export function upbitUnsubscribeFrames(
  _remove: readonly string[],
  remaining: Subscription,
  _context: RequestContext,
): string[] {
  // With nothing left there is no request to send; the source filters the leftovers.
  return upbitRequest(remaining);
}

/**
 * @module KIS stream requests: one JSON message per symbol, `tr_type` "1" to register and "2" to
 * release, carrying the approval key in the header.
 */
import { toVenueSymbol } from '../../normalize/symbols.ts';
import type { RequestContext, Subscription } from '../network/dialect.ts';
import { KIS_TRADE_TR_ID } from './config.ts';

/** Where the approval key is read from when a request is built (it is fetched at start). */
export interface KisSession {
  approvalKey: string | null;
  readonly custType: 'P' | 'B';
}

/** One register (`'1'`) or release (`'2'`) message. */
export function kisRequest(session: KisSession, trType: '1' | '2', symbol: string): string {
  return JSON.stringify({
    header: {
      approval_key: session.approvalKey,
      custtype: session.custType,
      tr_type: trType,
      'content-type': 'utf-8',
    },
    body: { input: { tr_id: KIS_TRADE_TR_ID, tr_key: toVenueSymbol('kis', symbol) } },
  });
}

export function kisSubscribeFrames(session: KisSession) {
  return function subscribeFrames(add: Subscription, _all: Subscription, _context: RequestContext): string[] {
    return add.kinds.includes('trade') ? add.symbols.map((s) => kisRequest(session, '1', s)) : [];
  };
}

export function kisUnsubscribeFrames(session: KisSession) {
  return function unsubscribeFrames(
    remove: readonly string[],
    _remaining: Subscription,
    _context: RequestContext,
  ): string[] {
    return remove.map((s) => kisRequest(session, '2', s));
  };
}

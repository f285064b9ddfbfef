/**
 * @module The halt proof of an engaged kill switch (pure): what the order journal — the desk's
 * durable record of every order, written in the same statement as the events' outbox — says
 * happened from the switch's time on. It holds when no order reached the venue after the switch,
 * every order working at that time was confirmed cancelled by the venue, and (with `flatten`)
 * every position open then was closed by its market order. Built again on every read, so a fill
 * that lands later moves it from "flattening" to "flat" without anyone remembering anything.
 */
import { isFinalStatus, type Order, type OrderSide } from '../broker/order.ts';
import type { KillSwitchActor } from '../risk/kill-switch.ts';

/** What a kill switch was engaged on. */
export const HaltScope = {
  Portfolio: 'portfolio',
  /** Every portfolio of one account. */
  Account: 'account',
  /** Every portfolio bound to one venue (`paper`: those bound to none). */
  Venue: 'venue',
  /** Every portfolio (admins only). */
  Everything: 'everything',
} as const;
export type HaltScope = (typeof HaltScope)[keyof typeof HaltScope];

/**
 * A position open at the switch's time and the market order sent to close it: its quantity
 * rounded down to the venue's lot (close-lot.ts), 0 when none could be sent.
 */
export interface HaltClose {
  symbol: string;
  side: OrderSide;
  quantity: number;
  clientOrderId: string;
  /** What stays open under the venue's lot step, minimum quantity or notional: dust, not a position. */
  dust?: number;
}

/** A position's remainder the venue would take no order for. */
export interface HaltDust {
  symbol: string;
  quantity: number;
}

/** One portfolio's engagement as stored (halt-store.ts): the facts the proof is checked against. */
export interface HaltRecord {
  /** One engagement of one scope; every portfolio it covered has a record with this id. */
  haltId: string;
  portfolioId: string;
  scope: HaltScope;
  /** The account or venue of an `account` or `venue` scope. */
  target?: string;
  actor: KillSwitchActor;
  by: string;
  reason: string;
  /** The stored engagement's time (epoch ms): the first hand's, when the switch was already on. */
  engagedAt: number;
  flatten: boolean;
  /** With `flatten`: the closing orders sent (none when the portfolio was flat). */
  closes: HaltClose[];
}

/** An order as the proof lists it. */
export interface ProofOrder {
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  status: Order['status'];
  createdAt: number;
  venueOrderId?: string;
}

/** A working order at the switch's time and what the venue said of it since. */
export interface ProofCancel extends ProofOrder {
  /** The venue answered it cancelled. */
  confirmed: boolean;
  /** When the venue cancelled it (its snapshot's last change), epoch ms. */
  cancelledAt?: number;
  /** Filled since the switch instead (a fill that raced the cancel). */
  filledQuantity: number;
}

/** A closing order of `flatten` and how it ended. */
export interface ProofClose extends HaltClose {
  status: Order['status'] | 'missing';
  filledQuantity: number;
  averagePrice?: number;
  /** Its last fill's time, epoch ms. */
  filledAt?: number;
}

/** See the module comment. */
export interface HaltProof extends Omit<HaltRecord, 'closes'> {
  /** When this proof was built from the journal, epoch ms. */
  builtAt: number;
  /** No order after the switch and every working order confirmed cancelled (and flat, with flatten). */
  halted: boolean;
  /** Orders the venue took after the switch's time: each one breaks the proof. */
  ordersAfter: ProofOrder[];
  /** Orders asked for after the switch and refused by the desk (the kill switch's rejections). */
  refusedAfter: number;
  cancels: ProofCancel[];
  /**
   * With `flatten`: the closing orders, whether every one filled, when the last did, and the dust
   * left under the venue's lot (it does not break the proof).
   */
  flat?: { done: boolean; flatAt?: number; timeToFlatMs?: number; closes: ProofClose[]; dust: HaltDust[] };
  /** Why `halted` is false, one line each (empty when it holds). */
  problems: string[];
}

/** The prefix of a closing order's client order id: the desk lets it past an engaged switch. */
export const HALT_CLOSE_PREFIX = 'halt-';

/** The client order id of the `index`th closing order of halt `haltId` (within 36 characters). */
export function haltCloseClientOrderId(haltId: string, portfolioIndex: number, index: number): string {
  return `${HALT_CLOSE_PREFIX}${haltId.replaceAll('-', '').slice(-16)}-${portfolioIndex}-${index}`;
}

/** Whether `clientOrderId` names a closing order of a halt. */
export function isHaltClose(clientOrderId: string): boolean {
  return clientOrderId.startsWith(HALT_CLOSE_PREFIX);
}

const proofOrder = (o: Order): ProofOrder => ({
  clientOrderId: o.clientOrderId,
  symbol: o.symbol,
  side: o.side,
  quantity: o.quantity,
  status: o.status,
  createdAt: o.createdAt,
  ...(o.venueOrderId === undefined ? {} : { venueOrderId: o.venueOrderId }),
});

const lastFillTime = (o: Order): number | undefined =>
  o.fills.length === 0
    ? o.status === 'filled'
      ? o.updatedAt
      : undefined
    : Math.max(...o.fills.map((f) => f.time));

/**
 * The proof of `record` from `orders`: the portfolio's journal entries that changed at or after
 * the switch's time, plus those still working (any others are settled history and ignored).
 */
export function buildHaltProof(record: HaltRecord, orders: readonly Order[], builtAt: number): HaltProof {
  const at = record.engagedAt;
  const closeIds = new Set(record.closes.map((c) => c.clientOrderId));
  const ordersAfter: ProofOrder[] = [];
  const cancels: ProofCancel[] = [];
  let refusedAfter = 0;
  const byId = new Map<string, Order>();
  for (const o of orders) {
    if (o.portfolioId !== record.portfolioId) continue;
    byId.set(o.clientOrderId, o);
    if (closeIds.has(o.clientOrderId)) continue;
    if (o.createdAt > at) {
      // Refused by the desk: it never reached the venue, which is what the switch is for.
      if (o.status === 'rejected') refusedAfter++;
      else ordersAfter.push(proofOrder(o));
      continue;
    }
    if (o.status === 'rejected') continue;
    // Ended before the switch: not working then. A fill in the switch's own millisecond cannot be
    // told apart from one just before it, and counts as before (a cancel then counts as its own).
    if (isFinalStatus(o.status) && (o.updatedAt < at || (o.status === 'filled' && o.updatedAt === at)))
      continue;
    const filledSince = o.fills.filter((f) => f.time >= at).reduce((sum, f) => sum + f.quantity, 0);
    const confirmed = o.status === 'cancelled';
    cancels.push({
      ...proofOrder(o),
      confirmed,
      ...(confirmed ? { cancelledAt: o.updatedAt } : {}),
      filledQuantity: filledSince,
    });
  }
  const problems: string[] = [];
  for (const o of ordersAfter)
    problems.push(
      `order ${o.clientOrderId} (${o.side} ${o.quantity} ${o.symbol}) reached the venue after the switch`,
    );
  for (const c of cancels)
    if (!c.confirmed)
      problems.push(
        c.status === 'filled'
          ? `order ${c.clientOrderId} filled after the switch instead of being cancelled`
          : `order ${c.clientOrderId} is not confirmed cancelled by the venue (${c.status})`,
      );
  const flat = record.flatten ? flatOf(record, byId, problems) : undefined;
  return {
    haltId: record.haltId,
    portfolioId: record.portfolioId,
    scope: record.scope,
    ...(record.target === undefined ? {} : { target: record.target }),
    actor: record.actor,
    by: record.by,
    reason: record.reason,
    engagedAt: at,
    flatten: record.flatten,
    builtAt,
    halted: problems.length === 0,
    ordersAfter,
    refusedAfter,
    cancels: cancels.sort((a, b) => a.createdAt - b.createdAt),
    ...(flat === undefined ? {} : { flat }),
    problems,
  };
}

function flatOf(record: HaltRecord, byId: ReadonlyMap<string, Order>, problems: string[]): HaltProof['flat'] {
  const dust: HaltDust[] = record.closes.flatMap((c) =>
    c.dust !== undefined && c.dust > 0 ? [{ symbol: c.symbol, quantity: c.dust }] : [],
  );
  // A close of quantity 0 sent no order: all of its position is dust.
  const closes: ProofClose[] = record.closes
    .filter((c) => c.quantity > 0)
    .map((c) => {
      const o = byId.get(c.clientOrderId);
      if (o === undefined) return { ...c, status: 'missing', filledQuantity: 0 };
      const filledAt = lastFillTime(o);
      return {
        ...c,
        status: o.status,
        filledQuantity: o.filledQuantity,
        ...(o.filledQuantity > 0 ? { averagePrice: o.filledQuote / o.filledQuantity } : {}),
        ...(filledAt === undefined ? {} : { filledAt }),
      };
    });
  for (const c of closes)
    if (c.status !== 'filled')
      problems.push(`position ${c.symbol} is not closed yet: its ${c.side} of ${c.quantity} is ${c.status}`);
  const done = closes.every((c) => c.status === 'filled');
  if (!done) return { done, closes, dust };
  // Flat at the switch's own time when there was nothing to close.
  const flatAt = Math.max(record.engagedAt, ...closes.map((c) => c.filledAt ?? record.engagedAt));
  return { done, flatAt, timeToFlatMs: flatAt - record.engagedAt, closes, dust };
}

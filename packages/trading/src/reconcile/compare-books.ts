/**
 * @module What a reconciliation compares, as pure functions: a portfolio's books (the journal's
 * working orders, the ledger's cash and positions) against the venue's report (each of those
 * orders as the venue has it now, the orders working there, the balances). Each difference names
 * what the books said and what the venue says; the reconciler corrects it with an event.
 */
import type { Balance } from '../broker/broker.ts';
import type { Order } from '../broker/order.ts';
import { symbolAssets } from '../portfolio/portfolio-ledger.ts';

/** An order as both sides see it. */
export interface OrderFigures {
  status: string;
  filledQuantity: number;
}

/** One thing the books and the venue disagreed on. */
export type ReconciliationDifference =
  /** A working order in the books the venue has filled, cancelled or expired meanwhile. */
  | { kind: 'order_changed'; clientOrderId: string; symbol: string; books: OrderFigures; venue: OrderFigures }
  /** An order working at the venue that the books do not hold (placed elsewhere, or its answer lost). */
  | { kind: 'order_unknown'; clientOrderId: string; symbol: string; venue: OrderFigures }
  /** A working order in the books the venue does not know at all: left to the order's own look-up. */
  | { kind: 'order_missing'; clientOrderId: string; symbol: string; books: OrderFigures }
  /** An asset whose quantity in the books is not the venue's (changed from outside: a deposit, a withdrawal). */
  | { kind: 'balance'; asset: string; books: number; venue: number; delta: number };

/** Relative difference under which two quantities agree (float sums of fills and fees). */
export const BALANCE_TOLERANCE = 1e-9;

const figures = (o: Order): OrderFigures => ({ status: o.status, filledQuantity: o.filledQuantity });

/**
 * Orders: `working` are the books' working orders, `atVenue` each of them as the venue answers now
 * (undefined: it does not know it), `venueOpen` the orders working at the venue.
 */
export function orderDifferences(
  working: readonly Order[],
  atVenue: ReadonlyMap<string, Order | undefined>,
  venueOpen: readonly Order[],
): ReconciliationDifference[] {
  const out: ReconciliationDifference[] = [];
  const known = new Set(working.map((o) => o.clientOrderId));
  for (const order of working) {
    const now = atVenue.get(order.clientOrderId);
    const base = { clientOrderId: order.clientOrderId, symbol: order.symbol };
    if (now === undefined) out.push({ kind: 'order_missing', ...base, books: figures(order) });
    else if (now.status !== order.status || now.filledQuantity !== order.filledQuantity)
      out.push({ kind: 'order_changed', ...base, books: figures(order), venue: figures(now) });
  }
  for (const order of venueOpen) {
    if (known.has(order.clientOrderId)) continue;
    out.push({
      kind: 'order_unknown',
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      venue: figures(order),
    });
  }
  return out;
}

/**
 * What the books hold per asset: cash in `cashAsset`, and each position's quantity in its base
 * asset. Only these are compared: the venue's other assets were never booked here.
 */
export function bookHoldings(
  cash: number,
  cashAsset: string,
  positions: ReadonlyArray<{ symbol: string; quantity: number }>,
): Map<string, number> {
  const out = new Map<string, number>([[cashAsset, cash]]);
  for (const p of positions) {
    const { base } = symbolAssets(p.symbol);
    out.set(base, (out.get(base) ?? 0) + p.quantity);
  }
  return out;
}

/** Assets whose quantity in the books differs from the venue's total (free + locked). */
export function balanceDifferences(
  books: ReadonlyMap<string, number>,
  venue: readonly Balance[],
): ReconciliationDifference[] {
  const totals = new Map(venue.map((b) => [b.asset, b.free + b.locked]));
  const out: ReconciliationDifference[] = [];
  for (const [asset, held] of books) {
    const there = totals.get(asset) ?? 0;
    const delta = there - held;
    if (Math.abs(delta) <= BALANCE_TOLERANCE * Math.max(1, Math.abs(held), Math.abs(there))) continue;
    out.push({ kind: 'balance', asset, books: held, venue: there, delta });
  }
  return out;
}

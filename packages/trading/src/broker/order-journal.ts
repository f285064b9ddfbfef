/**
 * @module The order journal: the last known snapshot of each order, by client order id. The order
 * desk diffs venue answers against it, so each lifecycle event is emitted once even when a place
 * is retried or a poll sees the same state again. In memory here; the SQL journal (the portfolio's
 * `orders` table, written in the same transaction as the projection) implements the same port.
 */
import type { EventEnvelope } from '@tickline/kernel';
import { isFinalStatus, type Order } from './order.ts';

/** Last known order snapshots. */
export interface OrderJournal {
  get(portfolioId: string, clientOrderId: string): Promise<Order | undefined>;
  /**
   * Stores `order` as its id's snapshot and, in the same write, `events` — the envelopes that
   * announce the change — in the journal's outbox (a durable journal; see order-event-outbox.ts):
   * the snapshot is never stored without them.
   */
  put(order: Order, events?: readonly EventEnvelope[]): Promise<void>;
  /**
   * Atomically takes a client order id before it reaches a venue: stores `claim` as the id's
   * snapshot unless the journal already holds one that is not a rejection (a rejection left
   * nothing at the venue, so it may be tried again). True for exactly one of several racing
   * callers, across processes when the journal is shared; the others must treat the order as placed.
   */
  claim(claim: Order): Promise<boolean>;
  /**
   * Gives a claim back when placing failed with an unknown outcome, so the same id may be placed
   * again; does nothing once the snapshot is no longer exactly `claim`.
   */
  release(claim: Order): Promise<void>;
  /** Orders not yet final (to poll at venues that do not push). */
  working(portfolioId?: string): Promise<Order[]>;
  /** A portfolio's orders of any status, last changed first (the order history). */
  recent(portfolioId: string, limit: number): Promise<Order[]>;
  /**
   * The orders a strategy placed in a portfolio on candles that closed at or after `since`
   * (epoch ms), in the order it placed them: what a live run that restarts rebuilds its books from.
   */
  ofStrategy(portfolioId: string, strategyId: string, since: number): Promise<Order[]>;
  /**
   * A portfolio's orders whose client order id starts with `prefix`, changed at or after `since`
   * (epoch ms), oldest change first: a kill switch's closing orders (`halt-`), which a live run
   * resumed or restarted after the flatten books as the close of its own position.
   */
  withIdPrefix(portfolioId: string, prefix: string, since: number): Promise<Order[]>;
}

/** Orders of `strategyId` on candles closing from `since`, by candle close time then order id. */
export function strategyOrdersSince(orders: Iterable<Order>, strategyId: string, since: number): Order[] {
  const candle = (o: Order) => (o.origin?.kind === 'strategy' ? o.origin.candleCloseTime : -Infinity);
  return [...orders]
    .filter((o) => o.origin?.kind === 'strategy' && o.origin.strategyId === strategyId && candle(o) >= since)
    .sort((a, b) => candle(a) - candle(b) || a.createdAt - b.createdAt);
}

/** An {@link OrderJournal} in a Map; final orders stay, so a retried place is recognised. */
export class InMemoryOrderJournal implements OrderJournal {
  readonly #orders = new Map<string, Order>();

  async get(portfolioId: string, clientOrderId: string): Promise<Order | undefined> {
    return this.#orders.get(`${portfolioId}\u0000${clientOrderId}`);
  }

  /** `events` are not kept: a journal in memory dies with its publisher's queue. */
  async put(order: Order, _events?: readonly EventEnvelope[]): Promise<void> {
    this.#orders.set(`${order.portfolioId}\u0000${order.clientOrderId}`, order);
  }

  async claim(claim: Order): Promise<boolean> {
    // Read and write with no await between them: that is what makes it atomic in one process.
    const key = `${claim.portfolioId}\u0000${claim.clientOrderId}`;
    const known = this.#orders.get(key);
    if (known && known.status !== 'rejected') return false;
    this.#orders.set(key, claim);
    return true;
  }

  async release(claim: Order): Promise<void> {
    const key = `${claim.portfolioId}\u0000${claim.clientOrderId}`;
    if (this.#orders.get(key) === claim) this.#orders.delete(key);
  }

  async working(portfolioId?: string): Promise<Order[]> {
    return [...this.#orders.values()].filter(
      (o) => !isFinalStatus(o.status) && (portfolioId === undefined || o.portfolioId === portfolioId),
    );
  }

  async ofStrategy(portfolioId: string, strategyId: string, since: number): Promise<Order[]> {
    const mine = [...this.#orders.values()].filter((o) => o.portfolioId === portfolioId);
    return strategyOrdersSince(mine, strategyId, since);
  }

  async withIdPrefix(portfolioId: string, prefix: string, since: number): Promise<Order[]> {
    return [...this.#orders.values()]
      .filter(
        (o) => o.portfolioId === portfolioId && o.clientOrderId.startsWith(prefix) && o.updatedAt >= since,
      )
      .sort((a, b) => a.updatedAt - b.updatedAt);
  }

  async recent(portfolioId: string, limit: number): Promise<Order[]> {
    // Newest placed first among equal times (a manual clock in tests), then the stable sort.
    return [...this.#orders.values()]
      .filter((o) => o.portfolioId === portfolioId)
      .reverse()
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, limit);
  }
}

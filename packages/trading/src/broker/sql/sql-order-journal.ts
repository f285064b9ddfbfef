/**
 * @module The order journal in SQL (`broker_orders`, migration 0009): one row per order, upserted
 * with its latest snapshot, so a desk that restarts still recognises every client order id it has
 * placed and does not emit an order's events twice. With a `holder` (migration 0014) each order it
 * claims is marked as held by this runner process, and {@link SqlOrderJournal.orphans} /
 * {@link SqlOrderJournal.takeOver} let another process take over the working orders and the
 * claims of a holder that is gone (see live/order-adoption.ts).
 */
import type { EventEnvelope } from '@tickline/kernel';
import type { Sql, SqlValue } from '@tickline/store';
import { strategyOrdersSince, type OrderJournal } from '../order-journal.ts';
import type { Order } from '../order.ts';

// An update keeps the row's holder: whoever holds the order at the venue keeps holding it.
const UPSERT = `insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at, holder)
values ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at`;

// The snapshot and its events (order-event-outbox.ts) in one statement: both or neither.
const UPSERT_ANNOUNCED = `with announced as (
  insert into broker_order_events (event_id, portfolio_id, envelope)
  select (e->>'id')::uuid, $1, e from jsonb_array_elements($9::jsonb) as t(e)
)
${UPSERT}`;

// The claim: one statement, so PostgreSQL's unique-key check decides between racing desks (a
// second insert waits for the first and then sees the conflict). A rejected row is re-taken by
// the update, whose WHERE is re-checked on the latest row version; no row returned = lost.
const CLAIM = `insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at, holder)
values ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at, holder = excluded.holder
where broker_orders.status = 'rejected'
returning client_order_id`;

/** A working order (or a claim) and the runner process that holds it (null: none recorded). */
export interface HeldOrder {
  order: Order;
  holder: string | null;
}

/**
 * A claim's placeholder: the journal took the id, the venue never answered for it (it has no venue
 * id and nothing filled) — placed by a process that died before the venue saw it, or after.
 */
export function isClaimPlaceholder(order: Order): boolean {
  return order.status === 'new' && order.venueOrderId === undefined && order.fills.length === 0;
}

/** An {@link OrderJournal} over the `broker_orders` table. */
export class SqlOrderJournal implements OrderJournal {
  readonly #sql: Sql;
  readonly #venue: string;
  readonly #holder: string | null;

  /**
   * @param venue written next to each row, for operators reading the table.
   * @param options.holder this runner process's member name, written on the orders it claims.
   */
  constructor(sql: Sql, venue: string, options: { holder?: string } = {}) {
    this.#sql = sql;
    this.#venue = venue;
    this.#holder = options.holder ?? null;
  }

  /**
   * Working orders and claims of this venue held by nobody alive: by no process in `live` (the
   * runner members heard from), by none recorded, or by `me` (this process, restarted under the
   * same name: it holds nothing in memory yet). Oldest first.
   */
  async orphans(live: readonly string[], me: string): Promise<HeldOrder[]> {
    const { rows } = await this.#sql.query<{ snapshot: Order; holder: string | null }>(
      `select snapshot, holder from broker_orders
       where venue = $1 and status in ('new', 'partially_filled')
         and (holder is null or holder = $3 or not (holder = any($2)))
       order by updated_at, client_order_id`,
      [this.#venue, live, me],
    );
    return rows.map((r) => ({ order: r.snapshot, holder: r.holder }));
  }

  /**
   * Takes an order over from `from` (compare-and-set on the holder): true for exactly one of
   * several processes trying at once, and false once the order is no longer working.
   */
  async takeOver(order: Order, from: string | null, to: string): Promise<boolean> {
    const { rows } = await this.#sql.query(
      `update broker_orders set holder = $4
       where portfolio_id = $1 and client_order_id = $2 and holder is not distinct from $3
         and status in ('new', 'partially_filled')
       returning client_order_id`,
      [order.portfolioId, order.clientOrderId, from, to],
    );
    return rows.length === 1;
  }

  async get(portfolioId: string, clientOrderId: string): Promise<Order | undefined> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      'select snapshot from broker_orders where portfolio_id = $1 and client_order_id = $2',
      [portfolioId, clientOrderId],
    );
    return rows[0]?.snapshot;
  }

  async put(order: Order, events: readonly EventEnvelope[] = []): Promise<void> {
    if (events.length === 0) await this.#sql.query(UPSERT, this.#row(order));
    else await this.#sql.query(UPSERT_ANNOUNCED, [...this.#row(order), JSON.stringify(events)]);
  }

  async claim(claim: Order): Promise<boolean> {
    const { rows } = await this.#sql.query(CLAIM, this.#row(claim));
    return rows.length === 1;
  }

  async release(claim: Order): Promise<void> {
    await this.#sql.query(
      'delete from broker_orders where portfolio_id = $1 and client_order_id = $2 and snapshot = $3::jsonb',
      [claim.portfolioId, claim.clientOrderId, JSON.stringify(claim)],
    );
  }

  #row(order: Order): SqlValue[] {
    return [
      order.portfolioId,
      order.clientOrderId,
      this.#venue,
      order.symbol,
      order.status,
      JSON.stringify(order),
      new Date(order.updatedAt),
      this.#holder,
    ];
  }

  async working(portfolioId?: string): Promise<Order[]> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      `select snapshot from broker_orders
       where status in ('new', 'partially_filled') and ($1::text is null or portfolio_id = $1)
       order by updated_at, client_order_id`,
      [portfolioId ?? null],
    );
    return rows.map((r) => r.snapshot);
  }

  async ofStrategy(portfolioId: string, strategyId: string, since: number): Promise<Order[]> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      `select snapshot from broker_orders
       where portfolio_id = $1 and snapshot->'origin'->>'kind' = 'strategy'
         and snapshot->'origin'->>'strategyId' = $2
         and (snapshot->'origin'->>'candleCloseTime')::bigint >= $3`,
      [portfolioId, strategyId, since],
    );
    return strategyOrdersSince(
      rows.map((r) => r.snapshot),
      strategyId,
      since,
    );
  }

  async recent(portfolioId: string, limit: number): Promise<Order[]> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      `select snapshot from broker_orders where portfolio_id = $1
       order by updated_at desc, client_order_id desc limit $2`,
      [portfolioId, limit],
    );
    return rows.map((r) => r.snapshot);
  }
}

/**
 * @module The order journal in SQL (`broker_orders`, migration 0009): one row per order, upserted
 * with its latest snapshot, so a desk that restarts still recognises every client order id it has
 * placed and does not emit an order's events twice.
 */
import type { Sql, SqlValue } from '@tickline/store';
import type { OrderJournal } from '../order-journal.ts';
import type { Order } from '../order.ts';

const UPSERT = `insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at)
values ($1, $2, $3, $4, $5, $6, $7)
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at`;

// The claim: one statement, so PostgreSQL's unique-key check decides between racing desks (a
// second insert waits for the first and then sees the conflict). A rejected row is re-taken by
// the update, whose WHERE is re-checked on the latest row version; no row returned = lost.
const CLAIM = `insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at)
values ($1, $2, $3, $4, $5, $6, $7)
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at
where broker_orders.status = 'rejected'
returning client_order_id`;

/** An {@link OrderJournal} over the `broker_orders` table. */
export class SqlOrderJournal implements OrderJournal {
  readonly #sql: Sql;
  readonly #venue: string;

  /** @param venue written next to each row, for operators reading the table. */
  constructor(sql: Sql, venue: string) {
    this.#sql = sql;
    this.#venue = venue;
  }

  async get(portfolioId: string, clientOrderId: string): Promise<Order | undefined> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      'select snapshot from broker_orders where portfolio_id = $1 and client_order_id = $2',
      [portfolioId, clientOrderId],
    );
    return rows[0]?.snapshot;
  }

  async put(order: Order): Promise<void> {
    await this.#sql.query(UPSERT, this.#row(order));
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

  async recent(portfolioId: string, limit: number): Promise<Order[]> {
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      `select snapshot from broker_orders where portfolio_id = $1
       order by updated_at desc, client_order_id desc limit $2`,
      [portfolioId, limit],
    );
    return rows.map((r) => r.snapshot);
  }
}

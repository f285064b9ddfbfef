/**
 * @module The order journal in SQL (`broker_orders`, migration 0009): one row per order, upserted
 * with its latest snapshot, so a desk that restarts still recognises every client order id it has
 * placed and does not emit an order's events twice. With a `holder` (migration 0014) each order it
 * claims is marked as held by this runner process, and {@link SqlOrderJournal.orphans} /
 * {@link SqlOrderJournal.takeOver} let another process take over the working orders and the
 * claims of a holder that is gone (see live/order-adoption.ts).
 *
 * `get`, `put` and `claim` made in one turn of the event loop are one statement each (kernel
 * `perTurn`): a candle close fills and places a hundred orders and more at once, and a statement per
 * order — a round trip each, serial behind PGlite's one connection — held the next decisions back
 * by hundreds of milliseconds (docs/broker.md). Rows go in key order, so two processes writing
 * overlapping batches lock them in the same order and never deadlock.
 */
import { type EventEnvelope, perTurn } from '@tickline/kernel';
import type { Sql, SqlValue } from '@tickline/store';
import { strategyOrdersSince, type OrderJournal } from '../order-journal.ts';
import type { Order } from '../order.ts';
import { insertOutboxEvents } from './order-event-outbox.ts';

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

/**
 * Many orders' rows from one JSON array of their snapshots (in key order: see the module comment),
 * venue $2, holder $3 — in PGlite a fifth cheaper than a text array per column.
 */
const MANY_ROWS = `select r->>'portfolioId', r->>'clientOrderId', $2::text, r->>'symbol', r->>'status', r,
  to_timestamp((r->>'updatedAt')::float8 / 1000), $3::text
from jsonb_array_elements($1::jsonb) with ordinality as t(r, i)
order by i`;

// The snapshots and their events ($4; order-event-outbox.ts) in one statement: both or neither.
// An update keeps the row's holder: whoever holds the order at the venue keeps holding it.
const UPSERT_MANY = `with announced as (
  ${insertOutboxEvents(4)}
)
insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at, holder)
${MANY_ROWS}
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at`;

const CLAIM_MANY = `insert into broker_orders (portfolio_id, client_order_id, venue, symbol, status, snapshot, updated_at, holder)
${MANY_ROWS}
on conflict (portfolio_id, client_order_id) do update set
  venue = excluded.venue, symbol = excluded.symbol, status = excluded.status,
  snapshot = excluded.snapshot, updated_at = excluded.updated_at, holder = excluded.holder
where broker_orders.status = 'rejected'
returning portfolio_id, client_order_id`;

// One index look-up per key (the lateral LIMIT keeps the planner from flattening it): as a plain
// join PostgreSQL hashed the keys and scanned the whole table, which only grows (3.6 ms at 15,000
// orders against 1.6 ms, for 127 keys).
const GET_MANY = `select o.portfolio_id, o.client_order_id, o.snapshot
from unnest($1::text[], $2::text[]) as q(portfolio_id, client_order_id)
cross join lateral (
  select * from broker_orders b
  where b.portfolio_id = q.portfolio_id and b.client_order_id = q.client_order_id limit 1
) o`;

/** An order's key in the journal. */
const keyOf = (portfolioId: string, clientOrderId: string): string => `${portfolioId}\u0000${clientOrderId}`;

/** Orders by key, in key order (the lock order of a batch's rows). */
function byKey(orders: Iterable<Order>): Order[] {
  return [...orders].sort((a, b) =>
    a.portfolioId === b.portfolioId
      ? compare(a.clientOrderId, b.clientOrderId)
      : compare(a.portfolioId, b.portfolioId),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A put: the snapshot and the events announcing it. */
interface Put {
  order: Order;
  events: readonly EventEnvelope[];
}

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

  get(portfolioId: string, clientOrderId: string): Promise<Order | undefined> {
    return this.#get([portfolioId, clientOrderId]);
  }

  put(order: Order, events: readonly EventEnvelope[] = []): Promise<void> {
    return this.#put({ order, events });
  }

  claim(claim: Order): Promise<boolean> {
    return this.#claim(claim);
  }

  readonly #get = perTurn(async (keys: ReadonlyArray<readonly [string, string]>) => {
    if (keys.length === 1) {
      const { rows } = await this.#sql.query<{ snapshot: Order }>(
        'select snapshot from broker_orders where portfolio_id = $1 and client_order_id = $2',
        [keys[0]![0], keys[0]![1]],
      );
      return [rows[0]?.snapshot];
    }
    const { rows } = await this.#sql.query<{
      portfolio_id: string;
      client_order_id: string;
      snapshot: Order;
    }>(GET_MANY, [keys.map((k) => k[0]), keys.map((k) => k[1])]);
    const found = new Map(rows.map((r) => [keyOf(r.portfolio_id, r.client_order_id), r.snapshot]));
    return keys.map(([p, c]) => found.get(keyOf(p, c)));
  });

  readonly #put = perTurn(async (puts: readonly Put[]) => {
    // The same order twice in a turn: its last snapshot is kept, and the events of both.
    const last = new Map(puts.map((p) => [keyOf(p.order.portfolioId, p.order.clientOrderId), p.order]));
    await this.#sql.query(UPSERT_MANY, [
      ...this.#rows(byKey(last.values())),
      JSON.stringify(puts.flatMap((p) => p.events)),
    ]);
    return puts.map(() => undefined);
  });

  readonly #claim = perTurn(async (claims: readonly Order[]) => {
    if (claims.length === 1) {
      const { rows } = await this.#sql.query(CLAIM, this.#row(claims[0]!));
      return [rows.length === 1];
    }
    // The same id claimed twice in a turn: the first goes to the store, the second has lost.
    const first = new Map<string, Order>();
    for (const c of claims) {
      const key = keyOf(c.portfolioId, c.clientOrderId);
      if (!first.has(key)) first.set(key, c);
    }
    const { rows } = await this.#sql.query<{ portfolio_id: string; client_order_id: string }>(
      CLAIM_MANY,
      this.#rows(byKey(first.values())),
    );
    const won = new Set(rows.map((r) => keyOf(r.portfolio_id, r.client_order_id)));
    return claims.map((c) => {
      const key = keyOf(c.portfolioId, c.clientOrderId);
      return first.get(key) === c && won.has(key);
    });
  });

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

  /** {@link MANY_ROWS}'s parameters for `orders` (already in key order). */
  #rows(orders: readonly Order[]): SqlValue[] {
    return [JSON.stringify(orders), this.#venue, this.#holder];
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

  async withIdPrefix(portfolioId: string, prefix: string, since: number): Promise<Order[]> {
    // The prefix is matched literally: like's wildcards in it are escaped.
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const { rows } = await this.#sql.query<{ snapshot: Order }>(
      `select snapshot from broker_orders
       where portfolio_id = $1 and client_order_id like $2 and updated_at >= to_timestamp($3::float8 / 1000)
       order by updated_at, client_order_id`,
      [portfolioId, pattern, since],
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

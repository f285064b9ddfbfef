/**
 * @module The order desk's outbox (`broker_order_events`, migration 0063; store's transactional
 * outbox): {@link SqlOrderJournal.put} writes an order's snapshot and the envelopes announcing its
 * change in one statement; this hands them to the publisher and, once the log has them, deletes
 * their rows — a fill's row stays, marked published, until the portfolio projection has booked it.
 * A start re-sends the rows not yet published (same ids), so a fill the journal holds always
 * reaches the log; and a start opens its books from the portfolio tables plus the fills here the
 * projection has not booked ({@link unbookedFills}), so none is missing in between. Before, a
 * process killed between recording a fill and publishing it lost the fill from the books for good,
 * and one killed after publishing it but before the projection booked it opened books without it
 * (docs/broker.md).
 */
import { createBeatService, type EventEnvelope, type Service, type ServiceHealth } from '@tickline/kernel';
import {
  createOutbox,
  type Outbox,
  type OutboxPublisher,
  type Sql,
  SqlDialect,
  type SqlQueryable,
} from '@tickline/store';
import type { OrderFilledData } from '../events.ts';

/** How often published fills the projection has booked are swept out. */
export const ORDER_OUTBOX_SWEEP_MS = 30_000;
/**
 * Sweeps between two VACUUMs of the table on PGlite, which runs no autovacuum (a single-user
 * backend): a queue table whose rows are deleted as fast as they come grew by ~750 bytes an event
 * without it — 120,000 events, 91 MB of dead pages, 0 rows; VACUUM gave the pages back.
 */
export const PGLITE_VACUUM_EVERY = 10;
/** A published fill not booked within this is swept anyway (a projection that far behind reloads the books itself). */
const BOOKED_OR_AFTER = `interval '1 hour'`;

/** The outbox as a service: re-sends at start, sweeps booked fills on a beat. */
export interface OrderEventOutbox extends Service {
  send: Outbox<unknown>['send'];
}

/** Options for {@link createOrderEventOutbox}. */
export interface OrderEventOutboxOptions {
  sql: Sql;
  publisher: OutboxPublisher;
  /** The consumer whose claims say a fill is in the portfolio tables (the portfolio projection). */
  bookedBy: string;
  /** @default 30_000 */
  flushTimeoutMs?: number;
  /** @default ORDER_OUTBOX_SWEEP_MS */
  sweepMs?: number;
}

export function createOrderEventOutbox(options: OrderEventOutboxOptions): OrderEventOutbox {
  const { sql, bookedBy } = options;
  // One statement per publish (the rows of a candle close's turn together); the sweep on its own beat.
  const outbox = createOutbox<unknown>({
    name: 'order-event-outbox',
    what: 'order',
    sql,
    publisher: options.publisher,
    async unpublished(tx, limit, after) {
      const { rows } = await tx.query<{ envelope: EventEnvelope }>(
        `select envelope from broker_order_events
         where published_at is null and ($1::uuid is null or event_id > $1::uuid)
         order by event_id limit $2`,
        [after?.id ?? null, limit],
      );
      return rows.map((r) => r.envelope);
    },
    async markPublished(tx, events) {
      const ids = events.map((e) => e.id);
      await tx.query(
        `with gone as (
           delete from broker_order_events where event_id = any($1::uuid[]) and type <> 'order.filled'
         )
         update broker_order_events set published_at = now()
         where event_id = any($1::uuid[]) and type = 'order.filled'`,
        [ids],
      );
    },
    ...(options.flushTimeoutMs === undefined ? {} : { flushTimeoutMs: options.flushTimeoutMs }),
  });
  let sweeps = 0;
  const sweep = createBeatService({
    name: 'order-event-outbox-sweep',
    intervalMs: options.sweepMs ?? ORDER_OUTBOX_SWEEP_MS,
    async beat() {
      await sweepBookedFills(sql, bookedBy);
      // PostgreSQL's autovacuum reclaims the deleted rows; PGlite has none.
      if (sql.dialect === SqlDialect.Pglite && ++sweeps % PGLITE_VACUUM_EVERY === 0)
        await sql.query('vacuum broker_order_events');
    },
  });
  return {
    name: outbox.name,
    send: (events) => outbox.send(events),
    async start(context) {
      await outbox.start(context);
      await sweep.start(context);
    },
    async stop() {
      await sweep.stop();
      await outbox.stop();
    },
    health: (): ServiceHealth => outbox.health(),
  };
}

/**
 * Stores envelopes in the outbox's table inside `tx` — the portfolio projection's notices of the
 * fills it booked, written with the booking — for the outbox to publish once committed (`send`)
 * or at the next start.
 */
export async function storeOutboxEvents(
  tx: SqlQueryable,
  envelopes: readonly EventEnvelope[],
): Promise<void> {
  await tx.query(insertOutboxEvents(1), [JSON.stringify(envelopes)]);
}

/**
 * The insert of envelopes (a JSON array, parameter `$n`) into the table, alone or as a statement's
 * data-modifying CTE (the journal writes an order's snapshot and its events in one statement). An
 * id already there fails the statement: both or neither.
 */
export function insertOutboxEvents(n: number): string {
  return `insert into broker_order_events (event_id, portfolio_id, type, envelope)
  select (e->>'id')::uuid, e->>'subject', e->>'type', e from jsonb_array_elements($${n}::jsonb) as t(e)`;
}

/** Deletes published fills the projection `bookedBy` has booked (or published over an hour ago). */
export async function sweepBookedFills(sql: SqlQueryable, bookedBy: string): Promise<number> {
  const { rows } = await sql.query(
    `delete from broker_order_events e
     where e.published_at is not null
       and (e.published_at < now() - ${BOOKED_OR_AFTER}
            or exists (select 1 from processed_events p where p.consumer = $1 and p.event_id = e.event_id::text))
     returning e.event_id`,
    [bookedBy],
  );
  return rows.length;
}

/**
 * The `order.filled` envelopes here that the portfolio projection (`consumer`) has not booked,
 * published or not, oldest first: what books loaded from the portfolio tables lack after a crash.
 * Read after the portfolios' rows were locked in `tx`: a projection transaction booking one of these
 * waits for the lock, so its claim is not visible yet and the fill is in no row read — or it
 * committed before, and its claim is visible here. Either way each fill is counted once.
 */
export async function unbookedFills(
  tx: SqlQueryable,
  consumer: string,
): Promise<Array<EventEnvelope<OrderFilledData>>> {
  const { rows } = await tx.query<{ envelope: EventEnvelope<OrderFilledData> }>(
    `select e.envelope from broker_order_events e
     where e.type = 'order.filled'
       and not exists (select 1 from processed_events p where p.consumer = $1 and p.event_id = e.event_id::text)
     order by e.event_id`,
    [consumer],
  );
  return rows.map((r) => r.envelope);
}

/**
 * @module The order desk's outbox (`broker_order_events`, migration 0063; store's transactional
 * outbox): {@link SqlOrderJournal.put} writes an order's snapshot and the envelopes announcing its
 * change in one statement; this hands them to the publisher and deletes the rows once the log has
 * them. A start re-sends the rows left (same ids), so a fill the journal holds always reaches the
 * log and the portfolio books projected from it — before this, a process killed between recording
 * a fill and publishing it lost the fill from the books for good (docs/broker.md).
 */
import type { EventEnvelope } from '@tickline/kernel';
import { createOutbox, type Outbox, type OutboxPublisher, type Sql, type SqlTx } from '@tickline/store';
import type { OrderFilledData } from '../events.ts';

export type OrderEventOutbox = Outbox<unknown>;

/** Options for {@link createOrderEventOutbox}. */
export interface OrderEventOutboxOptions {
  sql: Sql;
  publisher: OutboxPublisher;
  /** @default 30_000 */
  flushTimeoutMs?: number;
}

export function createOrderEventOutbox(options: OrderEventOutboxOptions): OrderEventOutbox {
  return createOutbox<unknown>({
    name: 'order-event-outbox',
    what: 'order',
    sql: options.sql,
    publisher: options.publisher,
    async unpublished(sql, limit, after) {
      const { rows } = await sql.query<{ envelope: EventEnvelope }>(
        `select envelope from broker_order_events where ($1::uuid is null or event_id > $1::uuid)
         order by event_id limit $2`,
        [after?.id ?? null, limit],
      );
      return rows.map((r) => r.envelope);
    },
    async markPublished(sql, events) {
      await sql.query('delete from broker_order_events where event_id = any($1::uuid[])', [
        events.map((e) => e.id),
      ]);
    },
    ...(options.flushTimeoutMs === undefined ? {} : { flushTimeoutMs: options.flushTimeoutMs }),
  });
}

/**
 * The `order.filled` envelopes still in the outbox that the portfolio projection (`consumer`) has
 * not booked, oldest first: what books loaded from the portfolio tables lack after a crash. Read
 * after the portfolios' rows were locked in `tx`: a projection transaction booking one of these
 * waits for the lock, so its claim is not visible yet and the fill is in no row read — or it
 * committed before, and its claim is visible here. Either way each fill is counted once.
 */
export async function unbookedFills(
  tx: SqlTx,
  consumer: string,
): Promise<Array<EventEnvelope<OrderFilledData>>> {
  const { rows } = await tx.query<{ envelope: EventEnvelope<OrderFilledData> }>(
    `select e.envelope from broker_order_events e
     where e.envelope->>'type' = 'order.filled'
       and not exists (select 1 from processed_events p where p.consumer = $1 and p.event_id = e.event_id::text)
     order by e.event_id`,
    [consumer],
  );
  return rows.map((r) => r.envelope);
}

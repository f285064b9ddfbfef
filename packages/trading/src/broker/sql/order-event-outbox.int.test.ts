/**
 * The order events' outbox over PGlite and, when one is provided, PostgreSQL: the journal stores an
 * order's snapshot and the events announcing it in one statement (both or neither), and the outbox
 * re-sends at start what the log had not acknowledged, deleting rows only once it has.
 */
import {
  createEventSource,
  defineEvent,
  type EventEnvelope,
  ManualClock,
  silentLogger,
} from '@tickline/kernel';
import { createPgliteSql, createPostgresSql, type Sql } from '@tickline/store';
import { createDatabase, providedPostgres, until } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { migrateForTrading } from '../../testing/trading-migrations.ts';
import type { Order } from '../order.ts';
import { createOrderEventOutbox, sweepBookedFills, unbookedFills } from './order-event-outbox.ts';
import { SqlOrderJournal } from './sql-order-journal.ts';

const Filled = defineEvent({ type: 'order.filled', description: 'test', schema: z.any() });
const Placed = defineEvent({ type: 'order.placed', description: 'test', schema: z.any() });
const PROJECTION = 'strategy.portfolios';
const postgres = providedPostgres(inject);
let counter = 0;

function cases(adapter: string, open: () => Promise<Sql>): void {
  describe(`order events' outbox - ${adapter}`, () => {
    let sql: Sql;
    beforeAll(async () => {
      sql = await open();
      await migrateForTrading(sql);
    }, 60_000);
    afterAll(() => sql?.close());

    const source = createEventSource({ source: 'broker/paper', clock: new ManualClock(1_763_800_000_000) });
    const portfolio = (): string => `p-${process.pid}-${++counter}`;
    const order = (portfolioId: string, status: Order['status'] = 'filled'): Order => ({
      portfolioId,
      clientOrderId: 'a',
      venueOrderId: '1',
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quantity: 1,
      timeInForce: 'gtc',
      status,
      filledQuantity: status === 'filled' ? 1 : 0,
      filledQuote: status === 'filled' ? 100 : 0,
      fills: [],
      createdAt: 1_763_800_000_000,
      updatedAt: 1_763_800_000_000,
    });
    const filled = (portfolioId: string): EventEnvelope =>
      source.create(Filled, { subject: portfolioId, data: { portfolioId, clientOrderId: 'a' } });
    const placed = (portfolioId: string): EventEnvelope =>
      source.create(Placed, { subject: portfolioId, data: { portfolioId, clientOrderId: 'a' } });
    const rows = async (portfolioId: string): Promise<string[]> =>
      (
        await sql.query<{ event_id: string }>(
          'select event_id::text from broker_order_events where portfolio_id = $1 order by event_id',
          [portfolioId],
        )
      ).rows.map((r) => r.event_id);

    it('stores the snapshot and its events in one write: both or neither', async () => {
      const journal = new SqlOrderJournal(sql, 'paper');
      const p = portfolio();
      const event = filled(p);
      await journal.put(order(p, 'new'));
      await journal.put(order(p), [event]);
      expect((await journal.get(p, 'a'))?.status).toBe('filled');
      expect(await rows(p)).toEqual([event.id]);
      // The same event id again: the statement fails as a whole, the snapshot is not changed.
      await expect(journal.put(order(p, 'cancelled'), [event])).rejects.toThrow();
      expect((await journal.get(p, 'a'))?.status).toBe('filled');
      expect(await rows(p)).toEqual([event.id]);
    });

    it('puts of one turn written together: every event kept, the last snapshot of each order', async () => {
      const journal = new SqlOrderJournal(sql, 'paper');
      const [p, q] = [portfolio(), portfolio()];
      const [e1, e2, e3] = [filled(q), filled(p), filled(p)];
      await Promise.all([
        journal.put(order(q), [e1]),
        journal.put(order(p, 'partially_filled'), [e2]),
        journal.put(order(p), [e3]),
        journal.put({ ...order(p, 'new'), clientOrderId: 'quiet' }),
      ]);
      expect((await journal.get(p, 'a'))?.status).toBe('filled');
      expect((await journal.get(p, 'quiet'))?.status).toBe('new');
      expect(await rows(p)).toEqual([e2.id, e3.id]);
      expect(await rows(q)).toEqual([e1.id]);
    });

    it.runIf(adapter === 'pglite')(
      'on PGlite, which runs no autovacuum, the sweep vacuums the table: deleted rows give their pages back',
      async () => {
        const journal = new SqlOrderJournal(sql, 'paper');
        await sql.query('delete from broker_order_events');
        const p = portfolio();
        const outbox = createOrderEventOutbox({
          sql,
          publisher: { publish: () => undefined, flush: async () => true },
          bookedBy: PROJECTION,
          sweepMs: 10,
        });
        await outbox.start({ logger: silentLogger, fail: () => undefined });
        const bytes = async () =>
          Number(
            (await sql.query<{ b: number }>(`select pg_relation_size('broker_order_events') as b`)).rows[0]!
              .b,
          );
        try {
          // Placements: deleted as soon as the log has them.
          for (let i = 0; i < 20; i++) {
            const events = Array.from({ length: 50 }, () => placed(p));
            await journal.put({ ...order(p), clientOrderId: `v${i}` }, events);
            outbox.send(events);
          }
          await until(async () => (await rows(p)).length === 0, { what: 'rows deleted', timeoutMs: 30_000 });
          await until(async () => (await bytes()) === 0, {
            what: 'the dead pages given back by a vacuum',
            timeoutMs: 30_000,
          });
        } finally {
          await outbox.stop();
        }
      },
    );

    it('re-sends at start what the log had not acknowledged, in order; a fill stays until booked', async () => {
      const journal = new SqlOrderJournal(sql, 'paper');
      await sql.query('delete from broker_order_events');
      const p = portfolio();
      const events = [placed(p), filled(p), filled(p)];
      for (const [i, e] of events.entries()) await journal.put({ ...order(p), clientOrderId: `o${i}` }, [e]);
      const sent: string[] = [];
      let inLog = false;
      const outbox = createOrderEventOutbox({
        sql,
        publisher: { publish: (e) => void sent.push(e.id), flush: async () => inLog },
        bookedBy: PROJECTION,
        flushTimeoutMs: 10,
      });
      await outbox.start({ logger: silentLogger, fail: () => undefined });
      try {
        expect(sent).toEqual(events.map((e) => e.id));
        // The log said no: the rows stay for the next start.
        await new Promise((r) => setTimeout(r, 50));
        expect(await rows(p)).toHaveLength(3);
        inLog = true;
        const more = [placed(p), filled(p)];
        await journal.put({ ...order(p), clientOrderId: 'o3' }, more);
        outbox.send(more);
        expect(sent.slice(-2)).toEqual(more.map((e) => e.id));
        // Acknowledged: the placement's row goes; the fill's stays, published, until it is booked.
        await until(async () => !(await rows(p)).includes(more[0]!.id), {
          what: 'the acknowledged placement deleted',
          timeoutMs: 10_000,
        });
        expect(await rows(p)).toEqual([...events.map((e) => e.id), more[1]!.id]);
        const unbooked = async () => (await unbookedFills(sql, PROJECTION)).map((e) => e.id);
        expect(await unbooked()).toEqual([events[1]!.id, events[2]!.id, more[1]!.id]);
        expect(await sweepBookedFills(sql, PROJECTION)).toBe(0);
        await sql.query('insert into processed_events (consumer, event_id) values ($1, $2)', [
          PROJECTION,
          more[1]!.id,
        ]);
        expect(await unbooked()).toEqual([events[1]!.id, events[2]!.id]);
        expect(await sweepBookedFills(sql, PROJECTION)).toBe(1);
        expect(await rows(p)).toEqual(events.map((e) => e.id));
      } finally {
        await outbox.stop();
      }
    });
  });
}

cases('pglite', () => createPgliteSql({ memory: true }));
describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  cases('postgres', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'order_outbox'), poolSize: 2 }),
  );
});

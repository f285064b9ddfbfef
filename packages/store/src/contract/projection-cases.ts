/**
 * @module Contract cases: the projection helper makes redelivery, replay, overlapping batches and
 * concurrent runners change nothing. The test projection keeps a running total, which is not
 * idempotent by itself, so any double projection shows.
 */
import { uuidv7, type EventEnvelope, type Logger } from '@tickline/kernel';
import { expect, it } from 'vitest';
import { insertRows } from '../bulk/insert-rows.ts';
import { migrate } from '../migrations/migrate.ts';
import type { SqlTx } from '../port/sql.ts';
import { pruneProcessedEvents } from '../projection/prune-processed.ts';
import { createSqlProjection, type SqlProjection } from '../projection/sql-projection.ts';
import type { SqlSubject } from './sql-subject.ts';

/** The consumer runner's handler type, restated: the store does not depend on the event log. */
type RunnerHandler = (events: EventEnvelope[], context: { logger: Logger }) => Promise<void>;

function deposit(account: string, amount: number): EventEnvelope<{ amount: number }> {
  return {
    specversion: '1.0',
    id: uuidv7(),
    type: 'test.deposited',
    source: 'test/projection',
    subject: account,
    time: new Date().toISOString(),
    seq: 1,
    partitionkey: account,
    dataschema: 'urn:tickline:schemas:test.deposited:1',
    data: { amount },
  };
}

const events = Array.from({ length: 10 }, (_, i) => deposit(`acct-${i % 3}`, i + 1));

async function projectDeposits(tx: SqlTx, batch: EventEnvelope[]): Promise<void> {
  const rows = batch.map((e) => ({
    event_id: e.id,
    account: e.subject,
    amount: (e.data as { amount: number }).amount,
  }));
  await insertRows(tx, {
    table: 'ledger',
    columns: { event_id: 'text', account: 'text', amount: 'int4' },
    rows,
  });
  await tx.query(
    `insert into totals (account, total)
     select account, sum(amount) from unnest($1::text[], $2::int4[]) as d(account, amount) group by account
     on conflict (account) do update set total = totals.total + excluded.total`,
    [rows.map((r) => r.account), rows.map((r) => r.amount)],
  );
}

export function projectionCases(subject: SqlSubject): void {
  const setup = async (project = projectDeposits): Promise<SqlProjection> => {
    const sql = subject();
    await migrate(sql);
    await sql.exec(`create table ledger (event_id text primary key, account text not null, amount int not null);
      create table totals (account text primary key, total bigint not null);`);
    return createSqlProjection({ sql, consumer: 'deposits', project });
  };
  const tables = async () => {
    const sql = subject();
    const q = async (text: string) => (await sql.query(text)).rows;
    return {
      ledger: await q('select event_id, account, amount from ledger order by event_id'),
      totals: await q('select account, total from totals order by account'),
      processed: await q('select consumer, event_id from processed_events order by event_id'),
      checkpoints: await q('select consumer, position, last_event_id from consumer_checkpoints'),
    };
  };

  it('projection - applying the same events twice leaves the tables identical', async () => {
    const projection = await setup();
    expect(await projection.apply(events, { lastOffset: 10 })).toEqual({ projected: 10, duplicates: 0 });
    const once = await tables();
    expect(once.totals).toEqual([
      { account: 'acct-0', total: 1 + 4 + 7 + 10 },
      { account: 'acct-1', total: 2 + 5 + 8 },
      { account: 'acct-2', total: 3 + 6 + 9 },
    ]);
    expect(await projection.apply(events, { lastOffset: 10 })).toEqual({ projected: 0, duplicates: 10 });
    expect(await tables()).toEqual(once);
  });

  it('projection - overlapping batches and a full replay give the tables of one pass', async () => {
    let projection = await setup();
    await projection.apply(events, { lastOffset: 10 });
    const onePass = await tables();
    await subject().exec('drop schema public cascade; create schema public');
    projection = await setup();
    await projection.apply(events.slice(0, 6), { lastOffset: 6 });
    expect(await projection.apply(events.slice(3, 10), { lastOffset: 10 })).toEqual({
      projected: 4,
      duplicates: 3,
    });
    await projection.apply(events, { lastOffset: 10 }); // replay from the start
    expect(await tables()).toEqual(onePass);
  });

  it('projection - a failing project rolls its claims back; the retry projects each event once', async () => {
    let fail = true;
    const projection = await setup(async (tx, batch) => {
      await projectDeposits(tx, batch);
      if (fail) throw new Error('projection failed');
    });
    await expect(projection.apply(events)).rejects.toThrow('projection failed');
    expect(await tables()).toMatchObject({ ledger: [], totals: [], processed: [], checkpoints: [] });
    fail = false;
    expect(await projection.apply(events)).toEqual({ projected: 10, duplicates: 0 });
    expect((await tables()).ledger).toHaveLength(10);
  });

  it('projection - concurrent applies of overlapping batches project each event once', async () => {
    const projection = await setup();
    const results = await Promise.all([
      projection.apply(events),
      projection.apply(events.slice(2, 8)),
      projection.apply(events),
    ]);
    expect(results.reduce((sum, r) => sum + r.projected, 0)).toBe(10);
    const sum = ((await tables()).totals as Array<{ total: number }>).reduce((s, r) => s + r.total, 0);
    expect(sum).toBe(55);
  });

  it('projection - repeated ids within a batch are projected once', async () => {
    const projection = await setup();
    const batch = [events[0]!, events[1]!, events[0]!];
    expect(await projection.apply(batch)).toEqual({ projected: 2, duplicates: 1 });
  });

  it('projection - the checkpoint moves up to the batch offset, never down, with the last projected id', async () => {
    const projection = await setup();
    expect(await projection.checkpoint()).toBeUndefined();
    await projection.apply(events.slice(0, 5), { lastOffset: 5 });
    expect(await projection.checkpoint()).toMatchObject({ position: 5, lastEventId: events[4]!.id });
    await projection.apply(events.slice(0, 3), { lastOffset: 3 }); // an older redelivery
    expect(await projection.checkpoint()).toMatchObject({ position: 5, lastEventId: events[4]!.id });
    await projection.apply(events.slice(5)); // no offset from the runner: only the id moves
    const checkpoint = await projection.checkpoint();
    expect(checkpoint).toMatchObject({ position: 5, lastEventId: events[9]!.id });
    expect(checkpoint!.updatedAt).toBeInstanceOf(Date);
  });

  it('projection - without claims every event reaches project once per batch, only the checkpoint is written', async () => {
    const sql = subject();
    await migrate(sql);
    await sql.exec('create table seen (event_id text primary key)');
    const given: string[] = [];
    const projection = createSqlProjection({
      sql,
      consumer: 'keyed',
      claims: false,
      project: async (tx, batch) => {
        given.push(...batch.map((e) => e.id));
        await tx.query('insert into seen select unnest($1::text[]) on conflict do nothing', [
          batch.map((e) => e.id),
        ]);
      },
    });
    expect(await projection.apply([events[0]!, events[1]!, events[0]!], { lastOffset: 2 })).toEqual({
      projected: 2,
      duplicates: 1,
    });
    await projection.apply([events[0]!, events[1]!], { lastOffset: 2 }); // a redelivery: the rows' keys drop it
    expect(given).toEqual([events[0]!.id, events[1]!.id, events[0]!.id, events[1]!.id]);
    expect((await sql.query('select count(*)::int as n from seen')).rows[0]).toEqual({ n: 2 });
    expect((await sql.query('select count(*)::int as n from processed_events')).rows[0]).toEqual({ n: 0 });
    expect(await projection.checkpoint()).toMatchObject({ position: 2, lastEventId: events[1]!.id });

    const partial: string[] = [];
    const picky = createSqlProjection({
      sql,
      consumer: 'picky',
      claims: (e) => e.id === events[2]!.id,
      project: async (_tx, batch) => void partial.push(...batch.map((e) => e.id)),
    });
    await picky.apply([events[2]!, events[3]!]);
    await picky.apply([events[2]!, events[3]!]); // the claimed one is dropped, the other passes again
    expect(partial).toEqual([events[2]!.id, events[3]!.id, events[3]!.id]);
    expect((await sql.query('select event_id from processed_events')).rows).toEqual([
      { event_id: events[2]!.id },
    ]);
  });

  it('projection - handle fits the consumer runner and projects like apply', async () => {
    const projection = await setup();
    const handler: RunnerHandler = projection.handle;
    const logger = { child: () => logger } as unknown as Logger;
    await handler(events.slice(0, 4), { logger });
    await handler(events.slice(0, 4), { logger });
    expect((await tables()).ledger).toHaveLength(4);
  });

  it('prune - ids older than the checkpoint minus the redelivery window go; a redelivery inside it is deduped', async () => {
    const projection = await setup();
    const sql = subject();
    const count = async () =>
      Number((await sql.query<{ n: number }>('select count(*)::int as n from processed_events')).rows[0]!.n);
    // Batch A was processed three hours ago; batch B just now (the checkpoint moved with it).
    await projection.apply(events.slice(0, 5), { lastOffset: 5 });
    await sql.query("update processed_events set processed_at = processed_at - interval '3 hours'");
    await projection.apply(events.slice(5), { lastOffset: 10 });
    const hour = 60 * 60 * 1000;
    expect(await pruneProcessedEvents(sql, { redeliveryWindowMs: hour })).toEqual({
      deleted: { deposits: 5 },
    });
    expect(await count()).toBe(5);
    // A redelivery of B (inside the window) changes nothing.
    expect(await projection.apply(events.slice(5), { lastOffset: 10 })).toEqual({
      projected: 0,
      duplicates: 5,
    });
    // Bounded: however many batches pass, only the window's ids remain.
    for (let round = 0; round < 5; round++) {
      await sql.query("update processed_events set processed_at = processed_at - interval '3 hours'");
      await projection.apply(
        Array.from({ length: 10 }, (_, i) => deposit(`acct-${i % 3}`, 1)),
        { lastOffset: 20 + round * 10 },
      );
      await pruneProcessedEvents(sql, { redeliveryWindowMs: hour });
      expect(await count()).toBe(10);
    }
    expect(await pruneProcessedEvents(sql, { redeliveryWindowMs: 0 })).toEqual({ deleted: {} }); // same instant: kept
  });
}

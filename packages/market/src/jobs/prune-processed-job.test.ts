import { ManualClock, silentLogger, uuidv7, type EventEnvelope } from '@tickline/kernel';
import { createPgliteSql, createSqlProjection, migrate, type Sql } from '@tickline/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobScheduler } from './scheduler.ts';
import { pruneProcessedEventsJob, PRUNE_PROCESSED_EVENTS_JOB } from './prune-processed-job.ts';

const context = { logger: silentLogger, fail: () => undefined };
const event = (): EventEnvelope => ({
  specversion: '1.0',
  id: uuidv7(),
  type: 'market.trade',
  source: 'test',
  subject: 'BTC-USDT',
  time: new Date().toISOString(),
  seq: 1,
  partitionkey: 'BTC-USDT',
  dataschema: 'urn:tickline:schemas:market.trade:1',
  data: {},
});

describe('jobs - processed-events prune', () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql);
  }, 60_000);
  afterAll(() => sql?.close());

  it('prune job - a scheduled run keeps each consumer’s idempotency table to the redelivery window', async () => {
    const projection = createSqlProjection({ sql, consumer: 'trades', project: async () => {} });
    await projection.apply(Array.from({ length: 50 }, event), { lastOffset: 50 });
    await sql.query("update processed_events set processed_at = processed_at - interval '2 days'");
    const recent = Array.from({ length: 7 }, event);
    await projection.apply(recent, { lastOffset: 57 });
    const clock = new ManualClock(Date.UTC(2026, 2, 15, 12, 0));
    const scheduler = createJobScheduler({
      jobs: [pruneProcessedEventsJob({ sql })],
      clock,
    });
    await scheduler.start(context);
    try {
      const run = await scheduler.runNow(PRUNE_PROCESSED_EVENTS_JOB);
      expect(run).toMatchObject({ status: 'succeeded', details: { deleted: { trades: 50 } } });
      const left = await sql.query<{ n: number }>('select count(*)::int as n from processed_events');
      expect(left.rows[0]!.n).toBe(7);
      expect(await projection.apply(recent, { lastOffset: 57 })).toEqual({ projected: 0, duplicates: 7 });
    } finally {
      await scheduler.stop();
    }
  });
});

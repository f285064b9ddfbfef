/**
 * The processed-id prune as the market host registers it (role platform, PGlite with every
 * migration): the job is on the host's scheduler beside partition upkeep; a run drops ids older
 * than the consumer's checkpoint minus the redelivery window, a redelivery inside the window is
 * still deduped, and the table stays bounded however many events went through.
 */
import { createConsumerFactory, createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import {
  createMetricsRegistry,
  silentLogger,
  systemClock,
  uuidv7,
  type EventEnvelope,
  type Service,
} from '@tickline/kernel';
import { createMarketHost, MarketSchema } from '@tickline/market';
import { createPgliteSql, createSqlProjection, migrate, type Sql } from '@tickline/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllMigrations } from '../wiring/migrations.ts';

const CONSUMER = 'market-trades';
const context = { logger: silentLogger, fail: () => undefined };
const event = (): EventEnvelope => ({
  specversion: '1.0',
  id: uuidv7(),
  type: 'test.prune',
  source: 'test',
  subject: 'BTC-USDT',
  time: new Date().toISOString(),
  seq: 1,
  partitionkey: 'BTC-USDT',
  dataschema: 'urn:tickline:schemas:test.prune:1',
  data: {},
});

describe('market host - processed-events prune', () => {
  let sql: Sql;
  let jobs: Service | undefined;
  const spill = mkdtempSync(join(tmpdir(), 'tickline-prune-'));

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadAllMigrations() });
  }, 120_000);
  afterAll(async () => {
    await jobs?.stop();
    await sql?.close();
    rmSync(spill, { recursive: true, force: true });
  });

  it('prune - registered with the partition job; keeps the redelivery window, drops the rest', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const log = createInMemoryEventLog();
    const host = createMarketHost({
      role: 'platform',
      settings: MarketSchema.parse({ jobs: { redeliveryWindowMs: 60 * 60 * 1000 } }),
      sql,
      publisher: createPublisher({ log, spillDir: spill, metrics }),
      consumers: createConsumerFactory({ log, metrics }),
      config: { publisher: { maxQueuedEvents: 1000 } },
      logger: silentLogger,
      metrics,
      clock: systemClock,
    });
    const scheduler = host.view.jobs!;
    jobs = scheduler;
    await scheduler.start(context);
    expect(scheduler.status().map((j) => j.name)).toEqual(
      expect.arrayContaining(['partition-maintenance', 'processed-events-prune']),
    );

    const projection = createSqlProjection({ sql, consumer: CONSUMER, project: async () => {} });
    // Three hours of traffic: two of them older than the one-hour window behind the checkpoint.
    for (let hour = 3; hour >= 1; hour--) {
      await projection.apply(Array.from({ length: 100 }, event), { lastOffset: 1000 - hour });
      await sql.query(
        `update processed_events set processed_at = processed_at - interval '1 hour' where consumer = $1`,
        [CONSUMER],
      );
    }
    const recent = Array.from({ length: 10 }, event);
    await projection.apply(recent, { lastOffset: 1000 });
    const count = async () =>
      (
        await sql.query<{ n: number }>(
          'select count(*)::int as n from processed_events where consumer = $1',
          [CONSUMER],
        )
      ).rows[0]!.n;
    expect(await count()).toBe(310);

    const run = await scheduler.runNow('processed-events-prune');
    expect(run).toMatchObject({ status: 'succeeded' });
    // Everything processed more than the window before the checkpoint is gone; the 10 recent stay.
    expect(await count()).toBe(10);
    // A redelivery inside the window is still a duplicate.
    expect(await projection.apply(recent, { lastOffset: 1000 })).toEqual({ projected: 0, duplicates: 10 });
    // And the table stays bounded: another run after more traffic keeps only the window.
    await projection.apply(Array.from({ length: 50 }, event), { lastOffset: 1001 });
    await sql.query(`update processed_events set processed_at = processed_at - interval '2 hours'`);
    await projection.apply(recent.slice(0, 0), { lastOffset: 1002 });
    await scheduler.runNow('processed-events-prune');
    expect(await count()).toBe(0);
  });
});

/**
 * Durable or live-only, as the market host wires it: with a hub in the process, the default
 * simulator's forming candles and indicator updates reach the hub's channels and never the
 * durable log, while trades and closed candles go to the log (and the hub gets them through the
 * market-delivery consumer, not tested here).
 */
import { createConsumerFactory, createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import {
  createMetricsRegistry,
  decodeEvent,
  silentLogger,
  systemClock,
  type ChannelMessage,
  type Service,
} from '@tickline/kernel';
import { createMarketHost, MarketSchema } from '@tickline/market';
import { createHub } from '@tickline/realtime';
import { createPgliteSql, migrate, type Sql } from '@tickline/store';
import { until } from '@tickline/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllMigrations } from '../wiring/migrations.ts';

const context = { logger: silentLogger, fail: (error: unknown) => expect.unreachable(String(error)) };

describe('market host - live-only events', () => {
  let sql: Sql;
  const started: Service[] = [];
  const spill = mkdtempSync(join(tmpdir(), 'tickline-live-only-'));

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadAllMigrations() });
  }, 120_000);
  afterAll(async () => {
    for (const service of started.reverse()) await service.stop();
    await sql?.close();
    rmSync(spill, { recursive: true, force: true });
  });

  it('live-only - forming candles and indicators reach the hub, never the durable log', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const log = createInMemoryEventLog();
    const publisher = createPublisher({ log, spillDir: spill, metrics });
    await publisher.start(context);
    started.push(publisher);
    const hub = createHub();
    const live: Array<{ channel: string; message: ChannelMessage }> = [];
    const host = createMarketHost({
      role: 'collector',
      settings: MarketSchema.parse({ candles: { updateIntervalMs: 100 } }),
      sql,
      publisher,
      consumers: createConsumerFactory({ log, metrics }),
      config: { publisher: { maxQueuedEvents: 10_000 } },
      liveSink: {
        publish(channel, message) {
          live.push({ channel, message });
          hub.publish(channel, message);
        },
        subscriberCount: (channel) => hub.subscriberCount(channel),
      },
      logger: silentLogger,
      metrics,
      clock: systemClock,
    });
    for (const service of host.services) {
      await service.start(context);
      started.push(service);
    }
    await until(
      () =>
        live.some((l) => l.message.type === 'market.candle.updated') &&
        live.some((l) => l.message.type === 'market.indicators.updated'),
      { timeoutMs: 30_000, what: 'live candle and indicator updates' },
    );
    await until(async () => (await log.read({ from: 1, limit: 1 })).length > 0, {
      timeoutMs: 30_000,
      what: 'a durable event',
    });
    const records = await log.read({ from: 1, limit: 100_000 });
    const types = new Set(records.map((r) => decodeEvent(r.payload).type));
    expect(types.has('market.trade')).toBe(true);
    expect(types.has('market.candle.updated')).toBe(false);
    expect(types.has('market.indicators.updated')).toBe(false);
    expect(live.find((l) => l.message.type === 'market.candle.updated')!.channel).toMatch(
      /^market:[A-Z]+-[A-Z]+:candles:\w+$/,
    );
    hub.close();
  });
});

/**
 * @module The notify side of the benchmark: an embedded event log, PostgreSQL, the notify host
 * (matcher → enqueue → dispatcher → webhook channel), 50 users with one endpoint each and a rule
 * sending `backtest.completed` to webhooks only. Events are published like any domain producer.
 */
import { createEmbeddedEventLog, createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import {
  createEventSource,
  defineEvent,
  Registry,
  silentLogger,
  uuidv7,
  type EventSource,
} from '@tickline/kernel';
import { createNotifyHost, notifyConfig, NOTIFY_MIGRATIONS_DIR, type NotifyHost } from '@tickline/notify';
import { stableNotificationId } from '@tickline/notify/internal';
import { createPostgresSql, loadMigrations, migrate, type Sql } from '@tickline/store';
import { createDatabase, tempDir, type TempDir } from '@tickline/testing';
import { z } from 'zod';

const Backtest = defineEvent({
  type: 'backtest.completed',
  description: 'bench',
  schema: z.record(z.string(), z.unknown()),
});

export interface NotifyBench {
  users: string[];
  /** Publishes one backtest.completed for `userId`; returns its notification id. */
  emit(userId: string, n: number): string;
  flush(): Promise<boolean>;
  stop(): Promise<void>;
  host: NotifyHost;
}

export async function startNotifyBench(
  postgresUrl: string,
  receiverUrl: string,
  endpoints: number,
): Promise<NotifyBench> {
  const dir: TempDir = await tempDir('bench-notify');
  const log: EventLog = await createEmbeddedEventLog({ dir: `${dir.path}/log`, fsync: 'interval' });
  const publisher: Publisher = createPublisher({ log, spillDir: `${dir.path}/spill` });
  const context = { logger: silentLogger, fail: (error: unknown) => console.error('service failed', error) };
  await publisher.start(context);
  const sql: Sql = await createPostgresSql({
    url: await createDatabase(postgresUrl, 'bench_notify'),
    poolSize: 8,
  });
  await migrate(sql, {
    migrations: [...(await loadMigrations()), ...(await loadMigrations(NOTIFY_MIGRATIONS_DIR))],
  });
  const host = createNotifyHost({
    settings: notifyConfig.schema.parse({
      webhooks: { allowPrivateTargets: true },
      tiers: { enterprise: { rateLimitPerHour: 10_000_000 } },
    }),
    eventLog: log,
    publisher,
    sql,
    secret: 'bench-master-secret-0123456789abcdef',
    metrics: new Registry(),
    logger: silentLogger,
  });
  const users: string[] = [];
  for (let i = 0; i < endpoints; i++) {
    const userId = uuidv7();
    users.push(userId);
    await host.api.rules({ userId, tier: 'enterprise' });
    await host.api.putRule({ userId }, 'backtest.completed', { channels: ['webhook'] });
    await host.api.createEndpoint({ userId }, { url: `${receiverUrl}/hook/${i}` });
  }
  for (const service of host.services) await service.start(context);
  const source: EventSource = createEventSource({ source: 'bench/backtests' });
  return {
    users,
    host,
    emit(userId, n) {
      const event = source.create(Backtest, {
        subject: userId,
        data: { userId, backtestId: `bt-${n}`, strategyName: 'Momentum', totalReturn: 0.0123 },
      });
      publisher.publish(event);
      return stableNotificationId(Date.parse(event.time), event.id, userId, 'backtest.completed');
    },
    flush: () => publisher.flush(30_000),
    async stop() {
      for (const service of [...host.services].reverse()) await service.stop();
      await host.close();
      await publisher.stop();
      await log.close();
      await sql.close();
      await dir.remove();
    },
  };
}

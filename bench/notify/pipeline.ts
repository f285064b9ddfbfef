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
  /** Each endpoint's secret by its receiver path (`/hook/<i>`). */
  secrets: Record<string, string>;
  /**
   * Publishes one backtest.completed for `userId`; with `withId`, returns the notification id it
   * becomes (a SHA-256 the pipeline itself does not need: left out of the throughput phase's CPU).
   */
  emit(userId: string, n: number, withId?: boolean): string | undefined;
  flush(): Promise<boolean>;
  /** Resolves when the sender has written everything it fetched and read the log to its end. */
  idle(): Promise<void>;
  /** Rows written so far: delivered deliveries, successful attempts, notifications. */
  recorded(): Promise<{ deliveries: number; attempts: number; notifications: number }>;
  stop(): Promise<void>;
  host: NotifyHost;
  /** The database the pipeline writes to. */
  databaseUrl: string;
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
  const databaseUrl = await createDatabase(postgresUrl, 'bench_notify');
  const sql: Sql = await createPostgresSql({ url: databaseUrl, poolSize: 8 });
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
  const secrets: Record<string, string> = {};
  for (let i = 0; i < endpoints; i++) {
    const userId = uuidv7();
    users.push(userId);
    await host.api.rules({ userId, tier: 'enterprise' });
    await host.api.putRule({ userId }, 'backtest.completed', { channels: ['webhook'] });
    const { secret } = await host.api.createEndpoint({ userId }, { url: `${receiverUrl}/hook/${i}` });
    secrets[`/hook/${i}`] = secret;
  }
  // The tier deliveries are planned with is notify's copy, kept by identity's account.tier.changed
  // (a request never writes it); the bench has no identity module, so it records the upgrade as
  // that event's handler would.
  await sql.query(`update notify_preferences set tier = 'enterprise' where user_id = any($1::uuid[])`, [users]);
  for (const service of host.services) await service.start(context);
  const source: EventSource = createEventSource({ source: 'bench/backtests' });
  return {
    users,
    secrets,
    host,
    databaseUrl,
    emit(userId, n, withId = false) {
      const event = source.create(Backtest, {
        subject: userId,
        data: { userId, backtestId: `bt-${n}`, strategyName: 'Momentum', totalReturn: 0.0123 },
      });
      publisher.publish(event);
      if (!withId) return undefined;
      return stableNotificationId(Date.parse(event.time), event.id, userId, 'backtest.completed');
    },
    flush: () => publisher.flush(30_000),
    idle: () => host.sender?.idle() ?? Promise.resolve(),
    async recorded() {
      const { rows } = await sql.query<{ deliveries: number; attempts: number; notifications: number }>(
        `select (select count(*)::int from notify_deliveries where status = 'delivered') as deliveries,
                (select count(*)::int from notify_attempts where ok) as attempts,
                (select count(*)::int from notify_notifications) as notifications`,
      );
      return rows[0]!;
    },
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

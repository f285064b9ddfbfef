/**
 * The inbox on a real streaming replica (the harness's `pg_basebackup -R` standby): pages and
 * counts read the replica, and right after a user marks a notification read their own reads go to
 * the primary, so the inbox they reload shows the mark even while the replica is behind.
 */
import { createInMemoryEventLog, createPublisher, type Publisher } from '@tickline/eventlog';
import { Registry, silentLogger, uuidv7 } from '@tickline/kernel';
import { createPostgresSql, createReadSql, type ReadSql, type Sql } from '@tickline/store';
import {
  requirePostgresBinaries,
  startPostgresPrimary,
  startPostgresReplica,
  tempDir,
  until,
  type PostgresServerHandle,
  type TempDir,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToInbox } from '../channels/in-app/inbox-sql.ts';
import { NotifyConfigSchema } from '../config.ts';
import { createNotifyHost, type NotifyHost } from '../host.ts';
import { NotificationKind, Severity } from '../kinds.ts';
import { TEST_SECRET } from '../testing/notify-harness.ts';
import { openNotifySql } from '../testing/notify-sql.ts';

// Under CI=true missing PostgreSQL binaries throw here instead of skipping.
const binaries = requirePostgresBinaries();
const WAIT = { timeoutMs: 60_000, intervalMs: 50 };

describe.skipIf(!binaries.available)(`notify inbox on a read replica ${binaries.reason ?? ''}`, () => {
  let primaryServer: PostgresServerHandle;
  let replicaServer: PostgresServerHandle;
  let sql: Sql;
  let replicaAdmin: Sql;
  let reads: ReadSql;
  let host: NotifyHost;
  let spill: TempDir;
  let publisher: Publisher;
  const metrics = new Registry();

  const notify = (userId: string, title: string) =>
    addToInbox(sql, {
      id: uuidv7(),
      userId,
      kind: NotificationKind.BacktestCompleted,
      severity: Severity.Info,
      title,
      body: 'b',
      data: {},
      createdAt: new Date().toISOString(),
      locale: 'en',
    });

  async function readsByRoute(): Promise<Record<string, number>> {
    const values = (await metrics.getSingleMetric('tickline_sql_reads_total')!.get()).values;
    return Object.fromEntries(values.map((v) => [String(v.labels.route), v.value]));
  }

  beforeAll(async () => {
    primaryServer = await startPostgresPrimary();
    replicaServer = await startPostgresReplica(primaryServer);
    sql = await openNotifySql({ url: primaryServer.url }, 'notify_replica');
    // The replica follows the whole cluster: the same database by name on its port.
    const { rows } = await sql.query<{ name: string }>('select current_database() as name');
    const replicaUrl = new URL(replicaServer.url);
    replicaUrl.pathname = `/${rows[0]!.name}`;
    const replicaSql = await createPostgresSql({ url: replicaUrl.toString(), verify: false });
    // Reads before the replica has replayed the database and its migrations would fail on it.
    await until(
      async () => {
        try {
          const found = await replicaSql.query<{ t: string | null }>(
            "select to_regclass('notify_inbox')::text as t",
          );
          return found.rows[0]?.t === 'notify_inbox';
        } catch {
          return false;
        }
      },
      { ...WAIT, what: 'the migrated database on the replica' },
    );
    replicaAdmin = await createPostgresSql({ url: replicaServer.url });
    // A huge lag limit: the test pauses replay, and routing must not move for lag alone.
    reads = createReadSql({
      primary: sql,
      replica: replicaSql,
      freshWindowMs: 60_000,
      maxLagMs: 3_600_000,
      metrics,
    });
    spill = await tempDir('notify-replica');
    publisher = createPublisher({ log: createInMemoryEventLog(), spillDir: spill.path });
    await publisher.start({ logger: silentLogger, fail: (error) => console.error(error) });
    host = createNotifyHost({
      settings: NotifyConfigSchema.parse({}),
      eventLog: createInMemoryEventLog(),
      publisher,
      sql,
      reads,
      secret: TEST_SECRET,
      metrics: new Registry(),
      logger: silentLogger,
    });
  }, 120_000);

  afterAll(async () => {
    await replicaAdmin?.query('select pg_wal_replay_resume()').catch(() => {});
    await host?.close();
    await publisher?.stop();
    await reads?.close();
    await replicaAdmin?.close();
    await sql?.close();
    await spill?.remove();
    await replicaServer?.cleanup();
    await primaryServer?.cleanup();
  }, 60_000);

  it('inbox - pages read the replica; after mark read the user reads the primary', async () => {
    const ada = { userId: uuidv7() };
    const bob = { userId: uuidv7() };
    await notify(ada.userId, 'first');
    await until(async () => (await host.api.unread(ada)) === 1, { ...WAIT, what: 'the replica has the row' });
    expect((await readsByRoute()).replica).toBeGreaterThanOrEqual(1);
    const [item] = (await host.api.inbox(ada, { limit: 10 })).items;

    // Replay paused: the replica keeps what it had, so where a read ran shows in what it sees.
    await replicaAdmin.query('select pg_wal_replay_pause()');
    await notify(bob.userId, 'while paused');
    expect(await host.api.unread(bob)).toBe(0);

    await host.api.markRead(ada, item!.id);
    expect(await host.api.unread(ada)).toBe(0);
    expect(await host.api.inbox(ada, { limit: 10, unreadOnly: true })).toMatchObject({
      items: [],
      unread: 0,
    });
    // One count, then a page and its count: three statements on the primary.
    expect((await readsByRoute()).primary_fresh).toBe(3);
    // Bob wrote nothing: he still reads the (stale) replica.
    expect(await host.api.unread(bob)).toBe(0);

    await replicaAdmin.query('select pg_wal_replay_resume()');
    await until(async () => (await host.api.unread(bob)) === 1, { ...WAIT, what: 'replay resumed' });
  });
});

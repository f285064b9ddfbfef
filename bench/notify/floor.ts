/**
 * @module The floor under the pipeline's cost per delivery, measured in the same run: each piece of
 * work the requirements impose, alone, with nothing else running in this process —
 *
 * - `log`: one `notification.requested`-sized event through the embedded log: encoded, appended,
 *   read back and decoded (the pipeline does this for the domain event, the request and the
 *   delivered event: three appends and five reads of each delivery's records by two consumers);
 * - `sql`: the notification, delivery and attempt rows of a delivery, written by the recorder's
 *   one statement in groups of 500 (this process's CPU, and PostgreSQL's);
 * - `sign`: the Standard Webhooks body and its HMAC-SHA256 signature.
 *
 * The POST itself is the raw loop's client CPU (raw.ts). Their sum is what a delivery costs here
 * before any queueing, planning or bookkeeping: the figure a 3× BullMQ target is held against.
 */
import { createEmbeddedEventLog, createPublisher } from '@tickline/eventlog';
import { createEventSource, decodeEvent, silentLogger, uuidv7 } from '@tickline/kernel';
import { NotificationRequested, NOTIFY_MIGRATIONS_DIR } from '@tickline/notify';
import { recordDeliveries, webhookBody, webhookHeaders } from '@tickline/notify/internal';
import { createPostgresSql, loadMigrations, migrate } from '@tickline/store';
import { createDatabase, tempDir } from '@tickline/testing';
import { cpuBetween, cpuByPid } from '../lib/proc-stat.ts';

export interface FloorResult {
  /** CPU µs in this process per event through the log (append, read back, decode). */
  logUs: number;
  /** CPU µs per delivery's three rows: this process, and PostgreSQL. */
  sqlUs: number;
  sqlPostgresUs: number;
  /** CPU µs per body and signature. */
  signUs: number;
}

const ownCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GROUP = 500;

const notificationOf = (i: number, userId: string) => ({
  id: uuidv7(),
  userId,
  kind: 'backtest.completed' as const,
  severity: 'info' as const,
  title: 'Backtest completed',
  body: 'The backtest of Momentum finished with a return of 1.23 %.',
  data: { backtestId: `bt-${i}` },
  createdAt: new Date().toISOString(),
  locale: 'en',
});

async function logFloor(n: number): Promise<number> {
  const dir = await tempDir('bench-notify-floor');
  const log = await createEmbeddedEventLog({ dir: `${dir.path}/log`, fsync: 'interval' });
  const publisher = createPublisher({ log, spillDir: `${dir.path}/spill` });
  const context = { logger: silentLogger, fail: (error: unknown) => console.error(error) };
  await publisher.start(context);
  const source = createEventSource({ source: 'bench/floor' });
  const userId = uuidv7();
  try {
    const consumer = await log.consumer('floor');
    const before = ownCpu();
    for (let i = 0; i < n; i++) {
      const n1 = notificationOf(i, userId);
      publisher.publish(
        source.create(NotificationRequested, {
          subject: userId,
          data: {
            notificationId: n1.id,
            userId,
            kind: 'backtest.completed',
            severity: 'info',
            title: n1.title,
            body: n1.body,
            data: n1.data,
            sourceEventId: n1.id,
          },
        }),
      );
    }
    await publisher.flush(60_000);
    for (let read = 0; read < n;) {
      const records = await consumer.fetch({ max: 500, waitMs: 1_000 });
      for (const record of records) decodeEvent(record.payload);
      read += records.length;
      if (records.length > 0) await consumer.ack(records.at(-1)!.offset);
    }
    const us = (ownCpu() - before) / n;
    await consumer.close();
    return us;
  } finally {
    await publisher.stop();
    await log.close();
    await dir.remove();
  }
}

async function sqlFloor(postgresUrl: string, postgresPids: () => number[], n: number) {
  const sql = await createPostgresSql({ url: await createDatabase(postgresUrl, 'bench_floor'), poolSize: 2 });
  try {
    await migrate(sql, {
      migrations: [...(await loadMigrations()), ...(await loadMigrations(NOTIFY_MIGRATIONS_DIR))],
    });
    const userId = uuidv7();
    const before = { own: ownCpu(), pg: cpuByPid(postgresPids()) };
    for (let i = 0; i < n; i += GROUP) {
      const now = Date.now();
      const batch = { notifications: [], inserts: [], updates: [], attempts: [], hourly: [] } as Parameters<
        typeof recordDeliveries
      >[2];
      for (let j = i; j < Math.min(n, i + GROUP); j++) {
        const note = notificationOf(j, userId);
        const deliveryId = uuidv7();
        const target = uuidv7();
        batch.notifications.push({
          id: note.id,
          user_id: userId,
          kind: note.kind,
          severity: note.severity,
          title: note.title,
          body: note.body,
          data: note.data,
          source_event_id: note.id,
          created_at: new Date(now),
        });
        batch.inserts.push({
          id: deliveryId,
          notification_id: note.id,
          user_id: userId,
          channel: 'webhook',
          target,
          status: 'delivered',
          next_attempt_at: new Date(now),
          last_error: null,
          attempts: 1,
          lease_until: null,
          delivered_at: new Date(now),
        });
        batch.attempts.push({
          delivery_id: deliveryId,
          notification_id: note.id,
          channel: 'webhook',
          target,
          ok: true,
          status_code: 204,
          response_excerpt: '',
          error: null,
          duration_ms: 3,
          attempted_at: new Date(now),
        });
      }
      await recordDeliveries(sql, now, batch);
    }
    // Listed again at the end: a worker PostgreSQL started meanwhile counts, one that exited is lost.
    return { own: (ownCpu() - before.own) / n, pg: cpuBetween(before.pg, cpuByPid(postgresPids())) / n };
  } finally {
    await sql.close();
  }
}

function signFloor(n: number): number {
  const userId = uuidv7();
  const before = ownCpu();
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const note = notificationOf(i, userId);
    const body = webhookBody('standard', note);
    bytes += webhookHeaders([SECRET], note.id, Math.floor(Date.now() / 1000), body)['webhook-signature']!
      .length;
  }
  if (bytes === 0) throw new Error('nothing signed');
  return (ownCpu() - before) / n;
}

/** Measures each piece alone over `n` items (PostgreSQL's processes listed by `postgresPids`). */
export async function measureFloor(
  postgresUrl: string,
  postgresPids: () => number[],
  n: number,
): Promise<FloorResult> {
  const logUs = await logFloor(n);
  const sql = await sqlFloor(postgresUrl, postgresPids, n);
  const signUs = signFloor(n);
  return { logUs, sqlUs: sql.own, sqlPostgresUs: sql.pg, signUs };
}

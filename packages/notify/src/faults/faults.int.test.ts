/**
 * Faults with real processes and servers: a webhook receiver down until every delivery has failed
 * three times, an SMTP server refusing then accepting, and the notify process killed with SIGKILL
 * mid-batch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createNatsEventLog, createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import { createEventSource, defineEvent, silentLogger, systemClock, uuidv7 } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import {
  createDatabase,
  providedPostgres,
  startNatsServer,
  tempDir,
  type NatsServerHandle,
  type TempDir,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createEndpointStore } from '../channels/webhook/endpoints-sql.ts';
import { createSecretBox } from '../channels/webhook/secret-box.ts';
import { listInbox } from '../channels/in-app/inbox-sql.ts';
import { startNotifyHarness, TEST_SECRET } from '../testing/notify-harness.ts';
import { eventually, openNotifySql } from '../testing/notify-sql.ts';
import { startSmtpReceiver } from '../testing/smtp-receiver.ts';
import { startWebhookReceiver } from '../testing/webhook-receiver.ts';
import { createPostgresSql, loadMigrations, migrate } from '@tickline/store';
import { NOTIFY_MIGRATIONS_DIR } from '../module.ts';

const postgres = providedPostgres(inject);
const CHILD = fileURLToPath(new URL('../testing/notify-child.ts', import.meta.url));
const Backtest = defineEvent({
  type: 'backtest.completed',
  description: 'test',
  schema: z.record(z.string(), z.unknown()),
});

describe.skipIf(!postgres.url)(`notify faults ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await openNotifySql(postgres, 'notify_faults');
  });
  afterAll(async () => {
    await sql?.close();
  });

  it('faults - webhook receiver down through three failed attempts of each delivery, then back: every notification delivered, each id once', async () => {
    const receiver = await startWebhookReceiver();
    const h = await startNotifyHarness({
      sql,
      config: {
        dispatch: {
          pollIntervalMs: 50,
          // Backoff that grows, then a long flat tail: the receiver comes back as soon as every
          // delivery has failed three times, and ~20 attempts more leave a delivery that falls far
          // behind the others (a busy machine) room to do the same before its attempts run out.
          retryScheduleSeconds: [0.2, 0.4, 0.8, ...Array.from({ length: 20 }, () => 1)],
          retryJitter: 0.2,
        },
      },
      deps: { clock: systemClock },
    });
    try {
      const users = Array.from({ length: 5 }, () => uuidv7());
      for (const [i, userId] of users.entries()) {
        h.emit('account.created', userId, { userId, email: `u${i}@example.com`, tier: 'enterprise' });
        await eventually(
          async () =>
            (await sql.query('select 1 from notify_preferences where user_id = $1', [userId])).rowCount,
          30_000,
          'account',
        );
        await h.host.api.updateSettings({ userId }, { email: null });
        const { secret } = await h.host.api.createEndpoint({ userId }, { url: receiver.url(`/down/${i}`) });
        receiver.setSecret(`/down/${i}`, [secret]);
      }
      await receiver.stop();
      const total = 50;
      for (let n = 0; n < total / users.length; n++)
        for (const userId of users) h.emit('backtest.completed', userId, { userId, backtestId: `d-${n}` });
      // The outage lasts until the queue has walked the backoff for every delivery: each one has
      // three failed attempts on record (the first and two scheduled retries).
      const downDeliveries = `select d.id, d.status, count(a.id) filter (where not a.ok)::int as failed
          from notify_deliveries d left join notify_attempts a on a.delivery_id = d.id
         where d.channel = 'webhook'
           and d.target in (select id::text from notify_webhook_endpoints where url like '%/down/%')
         group by d.id, d.status`;
      let seen: Array<{ id: string; status: string; failed: number }> = [];
      const byStatus = () => {
        const counts: Record<string, number> = {};
        for (const r of seen) {
          const key = `${r.status}, ${Math.min(r.failed, 3)}+ failed`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        return JSON.stringify(counts);
      };
      await eventually(
        async () => {
          seen = (await sql.query<{ id: string; status: string; failed: number }>(downDeliveries)).rows;
          return seen.length === total && seen.every((r) => r.failed >= 3);
        },
        60_000,
        'three failed attempts of every delivery while down',
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; deliveries by status: ${byStatus()}`);
      });
      // None delivered (the receiver is down) and none given up (attempts are left for all).
      expect(seen.filter((r) => r.status === 'delivered' || r.status === 'failed')).toEqual([]);
      await receiver.restart();
      // A row is recorded delivered after the receiver answered: once all are, every send is in
      // `received` and none is left to come, so a duplicate would be there now.
      await eventually(
        async () => {
          seen = (await sql.query<{ id: string; status: string; failed: number }>(downDeliveries)).rows;
          return seen.length === total && seen.every((r) => r.status === 'delivered');
        },
        60_000,
        `all ${total} delivered once the receiver is back`,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; deliveries by status: ${byStatus()}`);
      });
      const hits = receiver.received.filter((r) => r.path.startsWith('/down/'));
      expect(hits.every((r) => r.verified)).toBe(true);
      expect(hits).toHaveLength(total);
      expect(new Set(hits.map((r) => r.id)).size).toBe(total);
    } finally {
      await h.stop();
      await receiver.stop().catch(() => {});
    }
  }, 240_000);

  it('faults - SMTP server refusing (451) then accepting: the email is delivered', async () => {
    const smtp = await startSmtpReceiver();
    const h = await startNotifyHarness({
      sql,
      config: {
        email: { host: '127.0.0.1', port: smtp.port },
        dispatch: { pollIntervalMs: 50, retryScheduleSeconds: [0.5, 1, 2, 4, 8], retryJitter: 0 },
      },
      deps: { clock: systemClock },
    });
    try {
      const userId = uuidv7();
      h.emit('account.created', userId, {
        userId,
        email: 'grace@example.com',
        tier: 'premium',
        emailVerified: true,
      });
      await eventually(
        async () =>
          (await sql.query('select 1 from notify_preferences where user_id = $1', [userId])).rowCount,
        30_000,
        'account',
      );
      smtp.refuse(true);
      h.emit('backtest.completed', userId, { userId, backtestId: 'smtp-1' });
      await eventually(
        async () =>
          (
            await sql.query(
              `select 1 from notify_attempts where channel = 'email' and target = 'grace@example.com' and status_code = 451`,
            )
          ).rowCount,
        30_000,
        'a refused attempt',
      );
      smtp.refuse(false);
      const mail = await eventually(
        () => smtp.received.find((m) => m.envelopeTo.includes('grace@example.com')),
        30_000,
        'email',
      );
      const [item] = (await listInbox(sql, userId, { limit: 5 })).items;
      expect(mail.mail.headers.get('x-notification-id')).toBe(item!.id);
      expect(mail.mail.text).toContain('Backtest completed');
    } finally {
      await h.stop();
      await smtp.stop();
    }
  });

  describe('a killed notify process', () => {
    let nats: NatsServerHandle;
    let log: EventLog;
    let publisher: Publisher;
    let spill: TempDir;
    let childSql: Sql;
    let databaseUrl: string;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      nats = await startNatsServer();
      databaseUrl = await createDatabase(postgres.url!, 'notify_kill');
      childSql = await createPostgresSql({ url: databaseUrl });
      await migrate(childSql, {
        migrations: [...(await loadMigrations()), ...(await loadMigrations(NOTIFY_MIGRATIONS_DIR))],
      });
      log = await createNatsEventLog({ servers: nats.url, stream: 'NOTIFY_KILL' });
      spill = await tempDir('notify-kill');
      publisher = createPublisher({ log, spillDir: spill.path });
      await publisher.start({ logger: silentLogger, fail: () => {} });
    });
    afterAll(async () => {
      for (const c of children) c.kill('SIGKILL');
      await publisher?.stop();
      await log?.close();
      await childSql?.close();
      await nats?.cleanup();
      await spill?.remove();
    });

    async function startChild(): Promise<ChildProcess> {
      const child = spawn(
        process.execPath,
        [
          CHILD,
          JSON.stringify({ natsUrl: nats.url, stream: 'NOTIFY_KILL', databaseUrl, secret: TEST_SECRET }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`notify child exited with ${code}`)));
      });
      return child;
    }

    it('faults - kill -9 mid-batch and restart: no notification is lost', async () => {
      const receiver = await startWebhookReceiver();
      try {
        const endpoints = createEndpointStore({
          sql: childSql,
          box: createSecretBox(TEST_SECRET),
          clock: systemClock,
        });
        const users = Array.from({ length: 10 }, () => uuidv7());
        const source = createEventSource({ source: 'test/domain' });
        for (const [i, userId] of users.entries()) {
          await childSql.query(`insert into notify_preferences (user_id, tier) values ($1, 'enterprise')`, [
            userId,
          ]);
          const { secret } = (await endpoints.create({
            userId,
            url: receiver.url(`/kill/${i}`),
            format: 'standard',
            kinds: [],
            maxEndpoints: 1,
          }))!;
          receiver.setSecret(`/kill/${i}`, [secret]);
        }
        let child = await startChild();
        const total = 2_000;
        for (let n = 0; n < total / users.length; n++) {
          for (const userId of users)
            publisher.publish(
              source.create(Backtest, { subject: userId, data: { userId, backtestId: `k-${n}` } }),
            );
        }
        expect(await publisher.flush(30_000)).toBe(true);
        await eventually(() => receiver.ids().length >= total / 4, 60_000, 'a quarter delivered');
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        const atKill = receiver.ids().length;
        expect(atKill).toBeLessThan(total);
        child = await startChild();
        await eventually(
          // Loss, not speed, is judged here: with both cores taken (CI, stress-ng) the restarted
          // process delivered ~1,970 of 2,000 in 120 s, every row delivered, the rest still coming.
          () => receiver.ids().length >= total,
          300_000,
          `all ${total} delivered (had ${atKill} at the kill)`,
        ).catch(async (error: unknown) => {
          const rows = await childSql.query(
            `select status, count(*)::int as n from notify_deliveries where channel = 'webhook' group by status`,
          );
          throw new Error(
            `${String(error)}; received ${receiver.ids().length}; rows ${JSON.stringify(rows.rows)}`,
          );
        });
        // Rows the dead process had leased are sent again once their lease runs out (the only
        // duplicates: sends whose outcome was never recorded).
        const statuses = async () =>
          (
            await childSql.query<{ status: string; n: number }>(
              `select status, count(*)::int as n from notify_deliveries where channel = 'webhook' group by status`,
            )
          ).rows;
        let lastRows: Array<{ status: string; n: number }> = [];
        await eventually(
          async () => {
            // Sends are recorded after they happen, in batches: the receiver can hold every id
            // while the last rows are still being written, so wait for all of them.
            const rows = await statuses();
            lastRows = rows;
            return rows.length === 1 && rows[0]!.status === 'delivered' && rows[0]!.n === total;
          },
          90_000,
          'every queue row delivered',
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}; rows by status: ${JSON.stringify(lastRows)}`);
        });
        expect(await statuses()).toEqual([{ status: 'delivered', n: total }]);
        const notifications = await childSql.query<{ n: number }>(
          'select count(*)::int as n from notify_notifications',
        );
        expect(notifications.rows[0]!.n).toBe(total);
        expect(receiver.received.every((r) => r.verified)).toBe(true);
        child.kill('SIGKILL');
      } finally {
        await receiver.stop();
      }
    }, 540_000);
  });
});

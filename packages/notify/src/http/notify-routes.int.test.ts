/** The notify routes in-process (`inject()`), over real SQL; bad input is a coded 4xx that changes nothing. */
import { decodeEvent, Registry, silentLogger, uuidv7 } from '@tickline/kernel';
import {
  createInMemoryEventLog,
  createPublisher,
  type InMemoryEventLog,
  type Publisher,
} from '@tickline/eventlog';
import type { Sql } from '@tickline/store';
import { providedPostgres, tempDir, type TempDir } from '@tickline/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { notifyModule } from '../module.ts';
import { Webhook } from 'standardwebhooks';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addToInbox } from '../channels/in-app/inbox-sql.ts';
import { twilioSignature } from '../channels/sms/twilio-signature.ts';
import { signWebhook } from '../channels/webhook/sign.ts';
import { NotifyConfigSchema } from '../config.ts';
import { createNotifyHost, type NotifyHost } from '../host.ts';
import { NotificationKind, Severity } from '../kinds.ts';
import { TEST_SECRET } from '../testing/notify-harness.ts';
import { openNotifySql } from '../testing/notify-sql.ts';
import { buildTestApp } from '../testing/test-app.ts';
import { startTwilioMock, type TwilioMock } from '../testing/twilio-mock.ts';

const postgres = providedPostgres(inject);
const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'twilio-token';
const PUBLIC = 'https://tickline.example';

describe.skipIf(!postgres.url)(`notify routes ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  let app: FastifyInstance;
  let host: NotifyHost;
  let twilio: TwilioMock;
  let spill: TempDir;
  let log: InMemoryEventLog;
  let publisher: Publisher;
  const ada = uuidv7();
  const bob = uuidv7();
  const as = (user: string) => ({ 'x-test-user': user });

  beforeAll(async () => {
    sql = await openNotifySql(postgres, 'notify_routes');
    twilio = await startTwilioMock(SID, TOKEN);
    spill = await tempDir('notify-routes');
    log = createInMemoryEventLog();
    publisher = createPublisher({ log, spillDir: spill.path });
    await publisher.start({ logger: silentLogger, fail: (error) => console.error(error) });
    const vapid = webpush.generateVAPIDKeys();
    host = createNotifyHost({
      settings: NotifyConfigSchema.parse({
        publicBaseUrl: PUBLIC,
        sms: { baseUrl: twilio.baseUrl, accountSid: SID, authToken: TOKEN, from: '+15550000000' },
        push: { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey },
      }),
      eventLog: log,
      publisher,
      sql,
      secret: TEST_SECRET,
      metrics: new Registry(),
      logger: silentLogger,
      // Public names resolve to a public address; "internal.example" to a private one.
      resolve: async (host) => (host === 'internal.example' ? ['10.0.0.5'] : ['93.184.216.34']),
    });
    app = await buildTestApp(host.api, PUBLIC, host.admin);
  });
  afterAll(async () => {
    await app?.close();
    await host?.close();
    await publisher?.stop();
    await twilio?.stop();
    await sql?.close();
    await spill?.remove();
  });

  const countEndpoints = async () =>
    Number(
      (await sql.query<{ n: number }>('select count(*)::int as n from notify_webhook_endpoints')).rows[0]!.n,
    );

  it("routes - the module's routes authenticate through identity's host", async () => {
    const routes = notifyModule.routes!;
    const plugin = routes({
      ...host,
      auth: {
        authenticate: async (request) => {
          if (!['Bearer ada', 'Bearer root'].includes(request.headers.authorization ?? ''))
            throw Object.assign(new Error('no'), { statusCode: 401 });
        },
        caller: () => ({ userId: ada }),
        admin: (request) => {
          if (request.headers.authorization !== 'Bearer root')
            throw Object.assign(new Error('administrators only'), { statusCode: 403 });
          return { userId: bob };
        },
      },
    })!;
    expect(routes({ ...host, auth: undefined })).toBeUndefined();
    const moduleApp = Fastify({ logger: false });
    await moduleApp.register(plugin, { prefix: '/api/v1' });
    expect(
      (
        await moduleApp.inject({
          method: 'GET',
          url: '/api/v1/notifications/unread-count',
          headers: { authorization: 'Bearer ada' },
        })
      ).json(),
    ).toEqual({ unread: 0 });
    expect(
      (await moduleApp.inject({ method: 'GET', url: '/api/v1/notifications/unread-count' })).statusCode,
    ).toBe(401);
    const adminView = (authorization: string) =>
      moduleApp.inject({ method: 'GET', url: '/api/v1/admin/notify/deliveries', headers: { authorization } });
    expect((await adminView('Bearer ada')).statusCode).toBe(403);
    expect((await adminView('Bearer root')).statusCode).toBe(200);
    await moduleApp.close();
  });

  it('routes - requests without a user are 401', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
  });

  it('routes - webhook URLs that are private, loopback, not http or too long are NOTIFY_URL_REJECTED; nothing is created', async () => {
    const before = await countEndpoints();
    for (const [url, reason] of [
      ['http://127.0.0.1:9/hook', 'private_address'],
      ['http://[::1]/hook', 'private_address'],
      ['http://169.254.169.254/latest/meta-data', 'private_address'],
      ['https://internal.example/hook', 'private_address'],
      ['ftp://example.com/hook', 'scheme'],
      ['file:///etc/passwd', 'scheme'],
      [`https://example.com/${'x'.repeat(2100)}`, 'too_long'],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: as(ada),
        payload: { url },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'NOTIFY_URL_REJECTED', details: { reason } } });
    }
    const unknownKind = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: as(ada),
      payload: { url: 'https://hooks.example/x', kinds: ['nope'] },
    });
    expect(unknownKind.json()).toMatchObject({ error: { code: 'NOTIFY_UNKNOWN_KIND' } });
    expect(await countEndpoints()).toBe(before);
  });

  it('routes - rotations keep one previous secret, and the previous one can be revoked at once', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: as(ada),
      payload: { url: 'https://hooks.example/rotations', format: 'standard' },
    });
    const { endpoint } = created.json<{ endpoint: { id: string } }>();
    const rotate = async () =>
      (
        await app.inject({
          method: 'POST',
          url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`,
          headers: as(ada),
        })
      ).json<{ secret: string }>().secret;
    const secrets: string[] = [];
    for (let i = 0; i < 3; i++) secrets.push(await rotate());
    // Three rotations within the overlap: the current secret and the one before it, no more.
    expect((await host.endpoints.forSending(endpoint.id))!.secrets).toEqual([secrets[2], secrets[1]]);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${endpoint.id}/previous-secret`,
      headers: as(ada),
    });
    expect(revoked.statusCode).toBe(204);
    expect((await host.endpoints.forSending(endpoint.id))!.secrets).toEqual([secrets[2]]);
  });

  it("routes - an endpoint's secret is shown once; rotation signs with both; someone else's endpoint is 404", async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: as(ada),
      payload: { url: 'https://hooks.example/tickline', format: 'standard' },
    });
    expect(created.statusCode).toBe(201);
    const { endpoint, secret } = created.json<{ endpoint: { id: string }; secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: as(ada) });
    expect(JSON.stringify(listed.json())).not.toContain(secret);

    const rotated = (
      await app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`,
        headers: as(ada),
      })
    ).json<{ secret: string }>();
    const sendable = (await host.endpoints.forSending(endpoint.id))!;
    expect(sendable.secrets).toEqual([rotated.secret, secret]);
    const body = '{"x":1}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signWebhook(sendable.secrets, 'msg_1', ts, body),
    };
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(body, headers)).not.toThrow();

    for (const [method, url, payload] of [
      ['GET', `/api/v1/webhooks/${endpoint.id}`, undefined],
      ['PATCH', `/api/v1/webhooks/${endpoint.id}`, { url: 'https://evil.example/' }],
      ['DELETE', `/api/v1/webhooks/${endpoint.id}`, undefined],
      ['POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`, undefined],
      ['DELETE', `/api/v1/webhooks/${endpoint.id}/previous-secret`, undefined],
      ['POST', `/api/v1/webhooks/${endpoint.id}/test`, undefined],
      ['GET', `/api/v1/webhooks/${endpoint.id}/attempts`, undefined],
      ['POST', `/api/v1/webhooks/${endpoint.id}/resend`, { since: new Date(0).toISOString() }],
    ] as const) {
      const res = await app.inject({ method, url, headers: as(bob), ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'NOTIFY_ENDPOINT_NOT_FOUND' } });
    }
    const still = (
      await app.inject({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}`, headers: as(ada) })
    ).json<{ url: string }>();
    expect(still.url).toBe('https://hooks.example/tickline');
    expect((await host.endpoints.forSending(endpoint.id))!.secrets).toHaveLength(2);

    const test = await app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${endpoint.id}/test`,
      headers: as(ada),
    });
    expect(test.statusCode).toBe(202);
    const queued = await sql.query(
      'select 1 from notify_deliveries where notification_id = $1 and target = $2',
      [test.json<{ notificationId: string }>().notificationId, endpoint.id],
    );
    expect(queued.rowCount).toBe(1);
  });

  it('routes - rules: unknown kinds and bad quiet hours are coded 400s and change nothing', async () => {
    const before = (
      await app.inject({ method: 'GET', url: '/api/v1/notification-rules', headers: as(ada) })
    ).json<{ rules: unknown[]; settings: unknown }>();
    // One rule per kind a user may route (strategy.parity and strategy.data_health joined in round 5).
    expect(before.rules).toHaveLength(10);
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/notification-rules/lottery.won',
      headers: as(ada),
      payload: { channels: ['email'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'NOTIFY_UNKNOWN_KIND' } });
    for (const quietHours of [
      { start: '25:00', end: '07:00' },
      { start: '22:00', end: '7am' },
    ]) {
      const res = await app.inject({
        method: 'PATCH',
        url: '/api/v1/notification-rules',
        headers: as(ada),
        payload: { quietHours },
      });
      expect(res.json()).toMatchObject({ error: { code: 'NOTIFY_INVALID_QUIET_HOURS' } });
    }
    const zone = await app.inject({
      method: 'PATCH',
      url: '/api/v1/notification-rules',
      headers: as(ada),
      payload: { timeZone: 'Mars/Base', quietHours: { start: '22:00', end: '07:00' } },
    });
    expect(zone.json()).toMatchObject({ error: { code: 'NOTIFY_INVALID_QUIET_HOURS' } });
    const after = (
      await app.inject({ method: 'GET', url: '/api/v1/notification-rules', headers: as(ada) })
    ).json();
    expect(after).toEqual(before);

    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/notification-rules/order.filled',
      headers: as(ada),
      payload: { channels: ['sms', 'push'], urgent: true },
    });
    expect(put.json()).toMatchObject({
      kind: 'order.filled',
      channels: ['sms', 'push'],
      urgent: true,
      isDefault: false,
    });
    const patched = await app.inject({
      method: 'PATCH',
      url: '/api/v1/notification-rules',
      headers: as(ada),
      payload: { timeZone: 'Asia/Seoul', quietHours: { start: '23:00', end: '07:30' } },
    });
    expect(patched.json()).toMatchObject({
      timeZone: 'Asia/Seoul',
      quietHours: { start: '23:00', end: '07:30' },
    });
  });

  it('routes - inbox: pages, unread count, mark read, mark all read; not your notification is 404', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = uuidv7();
      ids.push(id);
      await addToInbox(sql, {
        id,
        userId: ada,
        kind: NotificationKind.BacktestCompleted,
        severity: Severity.Info,
        title: `n${i}`,
        body: 'b',
        data: {},
        createdAt: new Date().toISOString(),
        locale: 'en',
      });
    }
    const first = (
      await app.inject({ method: 'GET', url: '/api/v1/notifications?limit=2', headers: as(ada) })
    ).json<{ items: Array<{ id: string }>; nextCursor: string; unread: number }>();
    expect(first.items.map((i) => i.id)).toEqual([ids[4], ids[3]]);
    expect(first.unread).toBe(5);
    const second = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/notifications?limit=2&before=${first.nextCursor}`,
        headers: as(ada),
      })
    ).json<{ items: Array<{ id: string }> }>();
    expect(second.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/notifications/${ids[0]}/read`, headers: as(bob) }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/notifications/${ids[0]}/read`, headers: as(ada) }))
        .statusCode,
    ).toBe(204);
    expect(
      (
        await app.inject({ method: 'GET', url: '/api/v1/notifications/unread-count', headers: as(ada) })
      ).json(),
    ).toEqual({ unread: 4 });
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/notifications/read-all', headers: as(ada) })).json(),
    ).toEqual({ marked: 4 });
    // Each mark read told the user's stream the count after it: the bell follows the API.
    expect(await publisher.flush(10_000)).toBe(true);
    const reads = (await log.read({ from: 0, limit: 10_000 }))
      .filter((r) => r.type === 'notification.inbox.read')
      .map((r) => decodeEvent(r.payload))
      .filter((e) => e.subject === ada)
      .map((e) => e.data);
    expect(reads).toEqual([
      { ids: [ids[0]], unread: 4 },
      { ids: null, unread: 0 },
    ]);
    expect(
      (
        await app.inject({ method: 'GET', url: '/api/v1/notifications?unread=true', headers: as(ada) })
      ).json(),
    ).toMatchObject({ items: [], unread: 0 });
    const tooMany = await app.inject({
      method: 'GET',
      url: '/api/v1/notifications?limit=1000',
      headers: as(ada),
    });
    expect(tooMany.statusCode, tooMany.body).toBe(400);
  });

  it('routes - push subscriptions and the VAPID key; private push endpoints are refused', async () => {
    const key = (
      await app.inject({
        method: 'GET',
        url: '/api/v1/push-subscriptions/vapid-public-key',
        headers: as(ada),
      })
    ).json<{ publicKey: string }>();
    expect(key.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const keys = {
      p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
      auth: 'tBHItJI5svbpez7KI4CCXg',
    };
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/push-subscriptions',
      headers: as(ada),
      payload: { endpoint: 'http://127.0.0.1/push/1', keys },
    });
    expect(bad.json()).toMatchObject({ error: { code: 'NOTIFY_URL_REJECTED' } });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/push-subscriptions',
      headers: as(ada),
      payload: { endpoint: 'https://push.example/send/abc', keys, device: 'phone' },
    });
    expect(ok.statusCode).toBe(201);
    const { id } = ok.json<{ id: string }>();
    expect(
      (
        await app.inject({ method: 'DELETE', url: `/api/v1/push-subscriptions/${id}`, headers: as(bob) })
      ).json(),
    ).toMatchObject({ error: { code: 'NOTIFY_SUBSCRIPTION_NOT_FOUND' } });
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/push-subscriptions', headers: as(ada) })).json<{
        subscriptions: unknown[];
      }>().subscriptions,
    ).toHaveLength(1);
  });

  it('routes - entitlements follow the caller’s tier as their credential says, never written back', async () => {
    const carol = uuidv7();
    const phone = (tier: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/notification-phone',
        headers: { ...as(carol), 'x-test-tier': tier },
        payload: { phone: '+15551239876' },
      });
    const storedTier = async () =>
      (await sql.query<{ tier: string }>('select tier from notify_preferences where user_id = $1', [carol]))
        .rows[0]?.tier;
    const free = await phone('free');
    expect([free.statusCode, free.json().error.code]).toEqual([403, 'NOTIFY_CHANNEL_NOT_ENTITLED']);
    expect((await phone('premium')).statusCode).toBe(202);
    // The stored copy (deliveries planned from events) moves only with account.tier.changed.
    expect(await storedTier()).toBe('free');
    expect((await phone('free')).statusCode).toBe(403);
  });

  it('routes - a phone is verified by the code sent through Twilio; status callbacks must be signed', async () => {
    const start = await app.inject({
      method: 'POST',
      url: '/api/v1/notification-phone',
      headers: as(ada),
      payload: { phone: '+821012345678' },
    });
    expect(start.statusCode).toBe(202);
    expect(start.json()).toEqual({
      status: 'code_sent',
      phone: '+821012345678',
      expiresAt: expect.any(String),
    });
    expect(Date.parse(start.json<{ expiresAt: string }>().expiresAt) - Date.now()).toBeGreaterThan(
      9 * 60_000,
    );
    const code = /code is (\d{6})/.exec(twilio.sent.at(-1)!.body)![1]!;
    const wrong = code === '000000' ? '000001' : '000000';
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/notification-phone/confirm',
          headers: as(ada),
          payload: { code: wrong },
        })
      ).json(),
    ).toMatchObject({ error: { code: 'NOTIFY_PHONE_NOT_VERIFIED' } });
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/notification-phone', headers: as(ada) })).json(),
    ).toEqual({ phone: '+821012345678', verified: false });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/notification-phone/confirm',
          headers: as(ada),
          payload: { code },
        })
      ).json(),
    ).toEqual({ phone: '+821012345678', verified: true });

    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const url = `${PUBLIC}/api/v1/notification-phone/sms-status`;
    const form = new URLSearchParams(params).toString();
    const signed = await app.inject({
      method: 'POST',
      url: '/api/v1/notification-phone/sms-status',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(TOKEN, url, params),
      },
      payload: form,
    });
    expect(signed.statusCode).toBe(204);
    const forged = await app.inject({
      method: 'POST',
      url: '/api/v1/notification-phone/sms-status',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature('other', url, params),
      },
      payload: form,
    });
    expect(forged.json()).toMatchObject({ error: { code: 'NOTIFY_SIGNATURE_INVALID' } });
  });

  it('admin routes - deliveries with state and next retry, troubled endpoints, replay of finished ones only; admins only', async () => {
    const admin = { ...as(bob), 'x-test-admin': 'yes' };
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: as(ada),
      payload: { url: 'https://hooks.example/admin-view' },
    });
    const endpointId = created.json<{ endpoint: { id: string } }>().endpoint.id;
    const test = await app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/${endpointId}/test`,
      headers: as(ada),
    });
    const { notificationId } = test.json<{ notificationId: string }>();

    const forbidden = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/notify/deliveries',
      headers: as(ada),
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'AUTH_FORBIDDEN' } });

    const list = async () =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/v1/admin/notify/deliveries?notificationId=${notificationId}`,
          headers: admin,
        })
      ).json<{
        deliveries: Array<Record<string, unknown>>;
        counts: Record<string, number>;
        lagSeconds: number;
      }>();
    const queued = await list();
    expect(queued.deliveries).toHaveLength(1);
    expect(queued.deliveries[0]).toMatchObject({
      channel: 'webhook',
      target: endpointId,
      status: 'pending',
      attempts: 0,
      kind: NotificationKind.Test,
    });
    expect(queued.deliveries[0]!.nextAttemptAt).toEqual(expect.any(String));
    expect(queued.counts.pending).toBeGreaterThanOrEqual(1);
    const deliveryId = queued.deliveries[0]!.id as string;

    // Still queued: a replay would race the dispatcher, so it is refused and nothing changes.
    const early = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/notify/deliveries/${deliveryId}/replay`,
      headers: admin,
    });
    expect(early.statusCode).toBe(404);
    expect(early.json()).toMatchObject({ error: { code: 'NOTIFY_DELIVERY_NOT_FOUND' } });

    await sql.query(
      `update notify_deliveries set status = 'failed', attempts = 8, last_error = 'HTTP 500' where id = $1`,
      [deliveryId],
    );
    const failed = (await list()).deliveries[0]!;
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 8,
      lastError: 'HTTP 500',
      nextAttemptAt: null,
    });
    const replay = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/notify/deliveries/${deliveryId}/replay`,
      headers: admin,
    });
    expect(replay.statusCode).toBe(202);
    expect((await list()).deliveries[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      lastError: 'replay',
    });

    await host.endpoints.disable(endpointId, 'gone');
    const troubled = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/notify/endpoints',
      headers: admin,
    });
    expect(troubled.json<{ endpoints: Array<{ id: string; userId: string }> }>().endpoints).toContainEqual(
      expect.objectContaining({ id: endpointId, userId: ada, disabledReason: 'gone' }),
    );
    const notice = { title: 'Maintenance', message: 'At 18:00 UTC', userId: ada };
    const refused = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/notify/notices',
      headers: as(ada),
      payload: notice,
    });
    expect(refused.statusCode).toBe(403);
    const sent = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/notify/notices',
      headers: admin,
      payload: notice,
    });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ eventId: expect.any(String) });

    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/notify/deliveries?status=exploded',
      headers: admin,
    });
    expect(bad.statusCode).toBe(400);
  });
});

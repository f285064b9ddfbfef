import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { silentLogger, systemClock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { providedPostgres, tempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openNotifySql } from '../../testing/notify-sql.ts';
import { startPushReceiver } from '../../testing/push-receiver.ts';
import { startSmtpReceiver } from '../../testing/smtp-receiver.ts';
import { startTwilioMock } from '../../testing/twilio-mock.ts';
import { startWebhookReceiver } from '../../testing/webhook-receiver.ts';
import { createEmailChannel } from '../email/email-channel.ts';
import { createEmailTemplates } from '../email/templates.ts';
import { createInAppChannel } from '../in-app/in-app-channel.ts';
import { listInbox } from '../in-app/inbox-sql.ts';
import { createPushChannel } from '../push/push-channel.ts';
import { saveSubscription } from '../push/subscriptions-sql.ts';
import { createSmsChannel } from '../sms/sms-channel.ts';
import { createEndpointStore } from '../webhook/endpoints-sql.ts';
import { createSecretBox } from '../webhook/secret-box.ts';
import { createWebhookChannel } from '../webhook/webhook-channel.ts';
import { runChannelContract } from './channel-contract.ts';
import webpush from 'web-push';
import { uuidv7 } from '@tickline/kernel';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`notify channels ${postgres.skipReason ?? ''}`, () => {
  let sql: Sql;
  beforeAll(async () => {
    sql = await openNotifySql(postgres, 'notify_channels');
  });
  afterAll(async () => {
    await sql?.close();
  });

  runChannelContract('in_app', async () => {
    const log = createInMemoryEventLog();
    const spill = await tempDir('notify-inapp');
    const publisher = createPublisher({ log, spillDir: spill.path });
    await publisher.start({ logger: silentLogger, fail: () => {} });
    const userId = uuidv7();
    return {
      channel: createInAppChannel({ sql, publisher, clock: systemClock }),
      target: userId,
      userId,
      // The inbox keeps one row per id: a repeat is already deduplicated here.
      received: async () =>
        (await listInbox(sql, userId, { limit: 50 })).items.map((i) => ({
          id: i.id,
          text: `${i.title} ${i.body}`,
        })),
      close: async () => {
        await publisher.stop();
        await log.close();
        await spill.remove();
      },
    };
  });

  runChannelContract('email', async () => {
    const smtp = await startSmtpReceiver();
    const channel = createEmailChannel({
      transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true },
      from: 'Tickline <notify@tickline.test>',
      templates: createEmailTemplates(),
      baseUrl: 'https://tickline.test',
    });
    return {
      channel,
      target: 'ada@example.com',
      userId: uuidv7(),
      received: async () =>
        smtp.received.map((m) => ({
          id: m.mail.headers.get('x-notification-id') as string,
          text: `${m.mail.subject ?? ''} ${m.mail.text ?? ''}`,
        })),
      makeFailing: async () => smtp.refuse(true),
      close: async () => {
        await channel.close();
        await smtp.stop();
      },
    };
  });

  runChannelContract('webhook', async () => {
    const receiver = await startWebhookReceiver();
    const endpoints = createEndpointStore({
      sql,
      box: createSecretBox('test-master-secret-0123456789abcdef'),
      clock: systemClock,
    });
    const userId = uuidv7();
    const { endpoint, secret } = (await endpoints.create({
      userId,
      url: receiver.url('/hook'),
      format: 'standard',
      kinds: [],
      maxEndpoints: 1,
    }))!;
    receiver.setSecret('/hook', [secret]);
    const channel = createWebhookChannel({
      endpoints,
      clock: systemClock,
      timeoutMs: 5_000,
      allowPrivateTargets: true,
      disableAfterMs: 86_400_000,
      responseExcerptBytes: 100,
    });
    return {
      channel,
      target: endpoint.id,
      userId,
      // Only deliveries the reference library verified count.
      received: async () =>
        receiver.received
          .filter((r) => r.verified)
          .map((r) => {
            const body = JSON.parse(r.body) as { data: { title: string; body: string } };
            return { id: r.id, text: `${body.data.title} ${body.data.body}` };
          }),
      makeGone: async () => receiver.respond(410),
      makeFailing: async () => receiver.respond(503),
      close: async () => {
        await channel.close();
        await receiver.stop();
      },
    };
  });

  runChannelContract(
    'sms',
    async () => {
      const twilio = await startTwilioMock('AC0123456789abcdef0123456789abcdef', 'token-123');
      return {
        channel: createSmsChannel({
          baseUrl: twilio.baseUrl,
          accountSid: 'AC0123456789abcdef0123456789abcdef',
          authToken: 'token-123',
          from: '+15550000000',
        }),
        target: '+15551234567',
        userId: uuidv7(),
        received: async () =>
          twilio.sent.map((m) => ({ id: /\[([0-9a-f]{8})\]$/.exec(m.body)?.[1] ?? '', text: m.body })),
        makeFailing: async () => twilio.failNext(503),
        close: () => twilio.stop(),
      };
    },
    { ids: 'prefix' },
  );

  runChannelContract('push', async () => {
    const push = await startPushReceiver();
    const vapid = webpush.generateVAPIDKeys();
    const userId = uuidv7();
    const browser = push.subscribe();
    const sub = await saveSubscription(
      sql,
      { userId, endpoint: browser.endpoint, p256dh: browser.keys.p256dh, auth: browser.keys.auth },
      Date.now(),
    );
    return {
      channel: createPushChannel({
        sql,
        vapid: {
          subject: 'mailto:ops@tickline.test',
          publicKey: vapid.publicKey,
          privateKey: vapid.privateKey,
        },
        ttlSeconds: 3600,
        // The receiver is on loopback.
        allowPrivateTargets: true,
      }),
      target: sub.id,
      userId,
      received: async () =>
        push.received.map((r) => ({
          id: String(r.payload.id),
          text: `${String(r.payload.title)} ${String(r.payload.body)}`,
        })),
      makeGone: async () => push.expire(browser.endpoint),
      makeFailing: async () => push.failNext(503),
      close: () => push.stop(),
    };
  });

  it('push - a push service that now resolves to a private address is refused at send time', async () => {
    // Subscribed while its name was public; DNS now answers loopback (the receiver): the guard
    // at connect time refuses it, as it does for webhooks.
    const push = await startPushReceiver();
    const vapid = webpush.generateVAPIDKeys();
    const browser = push.subscribe();
    const endpoint = browser.endpoint.replace('127.0.0.1', 'localhost');
    const sub = await saveSubscription(
      sql,
      { userId: uuidv7(), endpoint, p256dh: browser.keys.p256dh, auth: browser.keys.auth },
      Date.now(),
    );
    const channel = createPushChannel({
      sql,
      vapid: {
        subject: 'mailto:ops@tickline.test',
        publicKey: vapid.publicKey,
        privateKey: vapid.privateKey,
      },
      ttlSeconds: 60,
    });
    const n = {
      id: uuidv7(),
      userId: sub.userId,
      kind: 'admin.notice' as const,
      severity: 'info' as const,
      title: 't',
      body: 'b',
      data: {},
      createdAt: new Date().toISOString(),
      locale: 'en',
    };
    const result = await channel.send({ deliveryId: uuidv7(), notification: n, target: sub.id, attempt: 1 });
    await channel.close?.();
    await push.stop();
    expect(result).toMatchObject({ outcome: 'rejected' });
    expect(push.received).toHaveLength(0);
  });
});

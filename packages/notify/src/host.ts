/**
 * @module The notify host: builds the pipeline from real, started objects and returns the
 * services to start (in order) and the API the routes use.
 *
 *   domain events ──matcher──▶ notification.requested ──enqueue──▶ SQL queue ──dispatcher──▶ channels
 *                                                                                     └─▶ notification.delivered / .failed
 */
import {
  createConsumerRunner,
  type ConsumerRunner,
  type DedupeStore,
  type EventLog,
  type Publisher,
} from '@tickline/eventlog';
import { systemClock, type Clock, type Logger, type Registry, type Service } from '@tickline/kernel';
import type { ReadSql, Sql } from '@tickline/store';
import type { FastifyRequest } from 'fastify';
import { createNotifyAdminApi, type NotifyAdminApi } from './admin/admin-api.ts';
import { createNotifyApi, type NotifyApi } from './api/notify-api.ts';
import type { NotificationChannel } from './channels/channel.ts';
import { createEmailChannel } from './channels/email/email-channel.ts';
import { createEmailTemplates } from './channels/email/templates.ts';
import { createInAppChannel } from './channels/in-app/in-app-channel.ts';
import { createPushChannel } from './channels/push/push-channel.ts';
import { createSmsChannel } from './channels/sms/sms-channel.ts';
import { createEndpointStore, type EndpointStore } from './channels/webhook/endpoints-sql.ts';
import { createSecretBox } from './channels/webhook/secret-box.ts';
import type { Resolve } from './channels/webhook/ssrf-guard.ts';
import { createWebhookChannel } from './channels/webhook/webhook-channel.ts';
import type { NotifyConfig } from './config.ts';
import { createDispatcher, type Dispatcher } from './dispatch/dispatcher.ts';
import { createDeliveryEngine } from './dispatch/engine.ts';
import { createLogSender, type LogSender } from './dispatch/log-sender.ts';
import { gateOptionsFor } from './dispatch/send-gate.ts';
import { createNotifyMetrics } from './dispatch/notify-metrics.ts';
import { NotificationRequested } from './events.ts';
import { Channel, NotificationKind, Severity } from './kinds.ts';
import { createMatcher, isMatcherType, MATCHER_CONSUMER } from './matching/matcher.ts';
import { stableNotificationId } from './matching/notification-id.ts';
import { createEventSource } from '@tickline/kernel';
import { NotifyError } from './errors.ts';

/** Identity's request authentication as its host offers it (kernel `RequestAuth`), narrowed. */
export interface RequestAuthLike {
  authenticate(request: FastifyRequest): Promise<void>;
  caller(request: FastifyRequest): { readonly userId: string; readonly tier?: string };
  /** The caller, who must be an admin. @throws AUTH_FORBIDDEN */
  admin(request: FastifyRequest): { readonly userId: string };
}

/** What the host needs: real, started objects. */
export interface NotifyHostDeps {
  /** The parsed `notify` section (`notifyConfig.schema.parse(raw.notify)`). */
  settings: NotifyConfig;
  /** The main event log (the consumers read it). */
  eventLog: EventLog;
  /** The started publisher on the main log. */
  publisher: Publisher;
  /** Open SQL with the notify migration applied. */
  sql: Sql;
  /** Read-only queries (the read replica when configured): inbox pages and counts. @default `sql` */
  reads?: ReadSql | undefined;
  /**
   * Key material the key that seals webhook secrets at rest is derived from (HKDF, notify's own
   * label): the master secret, or the process's derived auth keys (`keys.totpEncryptionKey`).
   */
  secret?: string | Uint8Array;
  keys?: { readonly totpEncryptionKey: Uint8Array };
  /**
   * Identity's host where routes are served: request authentication for the routes, and the link
   * of a verification mail, made at send time from the reference the event carries.
   */
  identity?:
    | {
        readonly auth: RequestAuthLike;
        readonly identity?: { emailVerificationLink(verificationId: string): string };
      }
    | undefined;
  /** `http.publicUrl`: where links point when `notify.publicBaseUrl` is unset. */
  publicUrl?: string | undefined;
  metrics: Registry;
  logger: Logger;
  /** @default systemClock */
  clock?: Clock;
  /** Replace or add channel adapters (tests, custom transports). */
  channels?: Partial<Record<Channel, NotificationChannel>>;
  /** DNS used by the SSRF check of URLs (tests). */
  resolve?: Resolve;
  /** Which parts run here. @default all */
  run?: { matcher?: boolean; enqueue?: boolean; dispatcher?: boolean };
}

/** The running notify domain. */
export interface NotifyHost {
  /** Start in this order, stop in reverse (a ServiceHost does both). */
  readonly services: readonly Service[];
  readonly api: NotifyApi;
  /** The operators' delivery views (admin routes). */
  readonly admin: NotifyAdminApi;
  readonly dispatcher: Dispatcher;
  /** Sends from the log (`notify-enqueue`), where this process runs it. */
  readonly sender: LogSender | undefined;
  readonly endpoints: EndpointStore;
  readonly channels: ReadonlyMap<Channel, NotificationChannel>;
  /** Consumers, by name (for their stats and idle()). */
  readonly consumers: ReadonlyMap<string, ConsumerRunner>;
  /** Identity's request authentication, when this process serves routes. */
  readonly auth: RequestAuthLike | undefined;
  /** Closes channel connections (after the services stopped). */
  close(): Promise<void>;
}

/**
 * The runner's own dedupe for the matcher: none. It is a SQL projection whose writes drop a
 * replayed event in the same transaction (account.created claimed in `processed_events`; the
 * requests it publishes carry ids derived from the source event, which the log dedupes), which is
 * the dedupe that survives restarts; the runner's in-memory window repeated it at about 1 s of CPU
 * per 100,000 notifications in a profile of `npm run bench:notify`.
 */
const SQL_CLAIMS_DEDUPE: DedupeStore = {
  unseen: async (ids) => new Set(ids),
  remember: async () => {},
};

/**
 * Builds notify. Nothing starts until the services are started.
 * @example
 * const notify = createNotifyHost({ settings: config.notify, eventLog, publisher, sql, keys, metrics, logger, clock });
 * for (const service of notify.services) host.add(service);
 * await app.register(notifyRoutes, { prefix: '/api/v1', api: notify.api, authenticate });
 */
export function createNotifyHost(deps: NotifyHostDeps): NotifyHost {
  const { settings: config, sql, publisher } = deps;
  const secret = deps.secret ?? deps.keys?.totpEncryptionKey;
  if (secret === undefined)
    throw new NotifyError('NOTIFY_INVALID_INPUT', 'notify needs secret or keys to seal webhook secrets', {
      details: { fields: ['secret', 'keys'] },
    });
  const clock = deps.clock ?? systemClock;
  const metrics = createNotifyMetrics(deps.metrics);
  const endpoints = createEndpointStore({ sql, box: createSecretBox(secret), clock });
  const notices = createEventSource({ source: 'notify/host', clock });
  // Links in mails and the SMS callback: the notify setting, else the server's public URL.
  const publicBaseUrl = config.publicBaseUrl ?? deps.publicUrl;

  const channels = new Map<Channel, NotificationChannel>();
  channels.set(Channel.InApp, createInAppChannel({ sql, publisher, clock }));
  channels.set(
    Channel.Webhook,
    createWebhookChannel({
      endpoints,
      clock,
      timeoutMs: config.webhooks.timeoutMs,
      allowPrivateTargets: config.webhooks.allowPrivateTargets,
      disableAfterMs: config.webhooks.disableAfterMs,
      responseExcerptBytes: config.webhooks.responseExcerptBytes,
      // Tell the owner through notify itself (their other channels).
      onDisabled(endpoint, reason) {
        const at = clock.now();
        const id = stableNotificationId(at, endpoint.id, 'disabled', String(at));
        const event = notices.create(NotificationRequested, {
          subject: endpoint.userId,
          data: {
            notificationId: id,
            userId: endpoint.userId,
            kind: NotificationKind.EndpointDisabled,
            severity: Severity.Critical,
            title: 'A webhook endpoint was disabled',
            body: `Deliveries to ${endpoint.url} stopped (${reason === 'gone' ? 'it answered 410 Gone' : 'it kept failing'}). Fix it and enable it again in the settings.`,
            data: { endpointId: endpoint.id, url: endpoint.url, reason },
            url: '/settings/notifications',
          },
        });
        event.id = id;
        publisher.publish(event);
      },
    }),
  );
  if (config.email.host) {
    channels.set(
      Channel.Email,
      createEmailChannel({
        transport: {
          host: config.email.host,
          port: config.email.port,
          secure: config.email.secure,
          ...(config.email.user
            ? { auth: { user: config.email.user, pass: config.email.password ?? '' } }
            : {}),
        },
        from: config.email.from,
        templates: createEmailTemplates(config.email.templatesDir),
        ...(publicBaseUrl ? { baseUrl: publicBaseUrl } : {}),
        linkOf: (n) => {
          const links = deps.identity?.identity;
          const id = n.data.verificationId;
          return n.kind === NotificationKind.EmailVerification && links && typeof id === 'string'
            ? links.emailVerificationLink(id)
            : undefined;
        },
      }),
    );
  }
  const { accountSid, authToken, from } = config.sms;
  if (accountSid && authToken && from) {
    channels.set(
      Channel.Sms,
      createSmsChannel({
        baseUrl: config.sms.baseUrl,
        accountSid,
        authToken,
        from,
        ...(publicBaseUrl
          ? {
              statusCallbackUrl: new URL('/api/v1/notification-phone/sms-status', publicBaseUrl).toString(),
            }
          : {}),
      }),
    );
  }
  const { vapidPublicKey, vapidPrivateKey } = config.push;
  if (vapidPublicKey && vapidPrivateKey) {
    channels.set(
      Channel.Push,
      createPushChannel({
        sql,
        vapid: { subject: config.push.subject, publicKey: vapidPublicKey, privateKey: vapidPrivateKey },
        ttlSeconds: config.push.ttlSeconds,
        timeoutMs: config.webhooks.timeoutMs,
        allowPrivateTargets: config.webhooks.allowPrivateTargets,
      }),
    );
  }
  for (const [name, channel] of Object.entries(deps.channels ?? {}))
    if (channel) channels.set(name as Channel, channel);

  const engine = createDeliveryEngine({
    sql,
    publisher,
    clock,
    channels,
    retry: { scheduleSeconds: config.dispatch.retryScheduleSeconds, jitter: config.dispatch.retryJitter },
    gate: gateOptionsFor(
      config.dispatch.concurrency,
      config.dispatch.perTargetConcurrency,
      config.dispatch.maxQueueWaitMs,
    ),
    metrics,
    logger: deps.logger,
  });
  const dispatcher = createDispatcher({
    sql,
    clock,
    engine,
    pollIntervalMs: config.dispatch.pollIntervalMs,
    batchSize: config.dispatch.batchSize,
    leaseMs: config.dispatch.leaseMs,
  });
  const run = { matcher: true, enqueue: true, dispatcher: true, ...deps.run };
  const consumers = new Map<string, ConsumerRunner>();
  const services: Service[] = [];
  if (run.matcher) {
    const matcher = createMatcher({ sql, publisher, clock });
    consumers.set(
      MATCHER_CONSUMER,
      createConsumerRunner({
        log: deps.eventLog,
        name: MATCHER_CONSUMER,
        // Every delivered / requested event is on the same log: skipped without being decoded.
        types: isMatcherType,
        dedupe: SQL_CLAIMS_DEDUPE,
        handle: matcher.handle,
        metrics: deps.metrics,
        logger: deps.logger,
      }),
    );
  }
  services.push(...consumers.values());
  // The dispatcher starts before the sender and stops after it: the sender stops fetching first,
  // then the dispatcher lets running attempts end and their outcomes be written.
  if (run.dispatcher || run.enqueue) services.push(dispatcher);
  let sender: LogSender | undefined;
  if (run.enqueue) {
    sender = createLogSender({
      log: deps.eventLog,
      sql,
      config,
      clock,
      engine,
      configured: new Set(channels.keys()),
      batchSize: config.dispatch.batchSize,
      leaseMs: config.dispatch.leaseMs,
    });
    services.push(sender);
  }

  const api = createNotifyApi({
    sql,
    ...(deps.reads ? { reads: deps.reads } : {}),
    config,
    clock,
    endpoints,
    ...(channels.get(Channel.Sms) ? { sms: channels.get(Channel.Sms)! } : {}),
    ...(channels.get(Channel.Email) ? { email: channels.get(Channel.Email)! } : {}),
    wake: () => dispatcher.wake(),
    publisher,
    ...(deps.resolve ? { resolve: deps.resolve } : {}),
  });
  return {
    services,
    api,
    admin: createNotifyAdminApi({ sql, clock, endpoints, publisher, wake: () => dispatcher.wake() }),
    dispatcher,
    sender,
    endpoints,
    channels,
    consumers,
    auth: deps.identity?.auth,
    async close() {
      await Promise.all([...channels.values()].map(async (c) => c.close?.()));
    },
  };
}

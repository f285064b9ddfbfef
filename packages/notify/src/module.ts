/**
 * @module The notify domain module (kernel `DomainModule` shape): the `notify` config section
 * with its defaults, migrations 0008, 0012, 0023 and 0071, the host factory, the `/api/v1` routes (where identity's
 * host serves authentication) and the channel delivery of `notification.inbox.added` / `.read`
 * to `user:{id}`.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { defineModule, type EventEnvelope } from '@tickline/kernel';
import { notifyConfig } from './config.ts';
import { NOTIFY_EVENTS, NOTIFY_USER_EVENT_TYPES } from './events.ts';
import { createNotifyHost, type NotifyHost } from './host.ts';
import { notifyAdminRoutes } from './http/admin-routes.ts';
import { notifyRoutes } from './http/notify-routes.ts';
import { NotifyErrorCodes } from './errors.ts';

/** Folder of notify's migrations, `0008_notify.sql` to `0071_notify_account_facts.sql` (absolute). */
export const NOTIFY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/** Durable name of notify's channel-delivery consumer. */
export const NOTIFY_DELIVERY_CONSUMER = 'notify-delivery';

/** Where a hub publishes (kernel `ChannelSink`, narrowed). */
export interface NotifyChannelSink {
  publish(channel: string, message: { id: string; type: string; data: unknown }): void;
}

/** The routes of a host, bound to identity's authentication; undefined without it. */
function routesOf(host: NotifyHost): FastifyPluginAsync | undefined {
  const auth = host.auth;
  if (!auth) return undefined;
  return async function notifyModuleRoutes(app) {
    await notifyRoutes(app, {
      api: host.api,
      authenticate: async (request) => {
        await auth.authenticate(request);
        // The tier the credential carries now: an admin's change reaches the caller's next token.
        const { userId, tier } = auth.caller(request);
        return tier === undefined ? { userId } : { userId, tier };
      },
    });
    await app.register(notifyAdminRoutes, {
      admin: host.admin,
      requireAdmin: async function requireNotifyAdmin(request) {
        await auth.authenticate(request);
        return auth.admin(request).userId;
      },
    });
  };
}

export const notifyModule = defineModule({
  name: 'notify',
  events: NOTIFY_EVENTS,
  errors: [NotifyErrorCodes],
  config: notifyConfig,
  migrations: NOTIFY_MIGRATIONS_DIR,
  after: ['identity'] as readonly string[],
  createHost: createNotifyHost,
  routes: routesOf,
  /** `notification.inbox.added` and `.read` go to `user:{subject}`. */
  channels: (_host: NotifyHost) => ({
    name: NOTIFY_DELIVERY_CONSUMER,
    eventTypes: NOTIFY_USER_EVENT_TYPES,
    create: (sink: NotifyChannelSink) => ({
      deliver(events: readonly EventEnvelope[]) {
        for (const e of events) sink.publish(`user:${e.subject}`, { id: e.id, type: e.type, data: e.data });
      },
    }),
  }),
});

/**
 * @module The notify domain module: everything the composition root needs in one value — the
 * config section with its defaults, the migration, the host factory, the routes plugin, the event
 * definitions and which events the realtime delivery sends to `user:{id}`.
 */
import { fileURLToPath } from 'node:url';
import { NOTIFY_CONFIG_KEY, NotifyConfigSchema } from './config.ts';
import { NOTIFY_EVENTS, NOTIFY_USER_EVENT_TYPES } from './events.ts';
import { createNotifyHost } from './host.ts';
import { notifyRoutes } from './http/notify-routes.ts';

/** Folder of `0008_notify.sql` (load with store's `loadMigrations(dir)`). */
export const NOTIFY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export const notifyModule = {
  name: 'notify',
  config: { key: NOTIFY_CONFIG_KEY, schema: NotifyConfigSchema },
  migrations: { dir: NOTIFY_MIGRATIONS_DIR },
  events: NOTIFY_EVENTS,
  createHost: createNotifyHost,
  routes: notifyRoutes,
  /** Channel delivery: these event types go to `user:{subject}`. */
  delivery: { userEventTypes: NOTIFY_USER_EVENT_TYPES },
} as const;

/**
 * @module @tickline/notify — notifications: rules and preferences, the matcher → queue →
 * dispatcher pipeline on the event log, and channels (in-app inbox, email, Standard Webhooks,
 * SMS via Twilio, Web Push). Composed through {@link notifyModule}.
 *
 * @example
 * const config = notifyConfig.schema.parse(raw.notify);
 * const notify = createNotifyHost({ settings: config, eventLog, publisher, sql, secret, metrics, logger });
 * for (const service of notify.services) serviceHost.add(service);
 * await app.register(notifyModule.routes, { prefix: '/api/v1', api: notify.api, authenticate });
 */
export { notifyModule, NOTIFY_MIGRATIONS_DIR } from './module.ts';
export { createNotifyHost } from './host.ts';
export { notifyConfig } from './config.ts';
export { notifyRoutes } from './http/notify-routes.ts';
export { notifyAdminRoutes } from './http/admin-routes.ts';
export {
  NotifyConfigSchema,
  NOTIFY_CONFIG_KEY,
  DEFAULT_RETRY_SCHEDULE_S,
  DEFAULT_RETRY_JITTER,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  DEFAULT_DISABLE_AFTER_MS,
  MAX_WEBHOOK_URL_LENGTH,
} from './config.ts';
export {
  NotificationRequested,
  NotificationDelivered,
  NotificationFailed,
  InboxItemAdded,
  NOTIFY_EVENTS,
  NOTIFY_USER_EVENT_TYPES,
} from './events.ts';
export { NotificationKind, Channel, Severity, RULE_KINDS, CHANNELS } from './kinds.ts';
export {
  NotifyErrorCodes,
  NotifyError,
  isNotifyInvalidInputError,
  isUrlRejectedError,
  isEndpointNotFoundError,
  isChannelNotEntitledError,
  isVerificationThrottledError,
} from './errors.ts';
export { MATCHER_CONSUMER } from './matching/matcher.ts';
export { ENQUEUE_CONSUMER } from './dispatch/log-sender.ts';

export type { NotifyConfig, NotifyConfigInput } from './config.ts';
export type { NotifyHost, NotifyHostDeps } from './host.ts';
export type { NotifyRoutesOptions } from './http/notify-routes.ts';
export type { NotifyAdminRoutesOptions } from './http/admin-routes.ts';
export type { NotifyAdminApi } from './admin/admin-api.ts';
export type { NotifyApi, Actor } from './api/notify-api.ts';
export type {
  NotificationChannel,
  ChannelDelivery,
  SendResult,
  OutgoingNotification,
} from './channels/channel.ts';
export type {
  NotificationRequestedData,
  NotificationDeliveredData,
  NotificationFailedData,
  InboxItemAddedData,
} from './events.ts';
export type { NotifyErrorCode } from './errors.ts';

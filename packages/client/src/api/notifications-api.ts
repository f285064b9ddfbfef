/**
 * @module Notifications: the inbox (pages, unread count, mark read), rules per kind and settings
 * (quiet hours, time zone, rate limit, email), webhook endpoints (the secret is returned once, at
 * creation and rotation), Web Push subscriptions and the SMS number. New inbox entries arrive live
 * as `notification.inbox.added` on `user:{id}`.
 */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  CreatedWebhook,
  InboxPage,
  NotificationChannelName,
  NotificationPhone,
  NotificationRule,
  PhoneVerificationStarted,
  NotificationRules,
  NotificationSettings,
  NotificationSettingsPatch,
  PushSubscriptionInfo,
  RotatedSecret,
  WebhookAttempt,
  WebhookEndpointInfo,
  WebhookFormat,
} from '@tickline/protocol';

export interface WebhookInput {
  url: string;
  format?: WebhookFormat;
  /** Kinds sent to this endpoint; empty = every kind routed to webhooks. */
  kinds?: string[];
}

/** What `PushSubscription.toJSON()` gives, plus a device label. */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  expirationTime?: number | null;
  device?: string;
}

export interface NotificationsApi {
  inbox(options?: { limit?: number; before?: string; unreadOnly?: boolean }): Promise<InboxPage>;
  unreadCount(): Promise<number>;
  markRead(id: string): Promise<void>;
  /** Resolves with how many were marked. */
  markAllRead(): Promise<number>;
  rules(): Promise<NotificationRules>;
  /** Sets the channels of one kind (an empty list mutes it). */
  putRule(
    kind: string,
    rule: { channels: NotificationChannelName[]; urgent?: boolean },
  ): Promise<NotificationRule>;
  /** Back to the tier's default. */
  resetRule(kind: string): Promise<void>;
  updateSettings(patch: NotificationSettingsPatch): Promise<NotificationSettings>;
  /** Confirms the pending notification email with the code sent to it. */
  confirmEmail(code: string): Promise<NotificationSettings>;
  webhooks: {
    list(): Promise<WebhookEndpointInfo[]>;
    /** The signing secret is in this result only. */
    create(input: WebhookInput): Promise<CreatedWebhook>;
    update(id: string, patch: Partial<WebhookInput> & { enabled?: boolean }): Promise<WebhookEndpointInfo>;
    remove(id: string): Promise<void>;
    /** A new secret, shown once; the previous one keeps signing until `previousValidUntil`. */
    rotateSecret(id: string): Promise<RotatedSecret>;
    test(id: string): Promise<{ notificationId: string }>;
    attempts(id: string, options?: { limit?: number; before?: number }): Promise<WebhookAttempt[]>;
    /** Sends one notification again, or every one since a time; resolves with how many were queued. */
    resend(id: string, what: { notificationId: string } | { since: string }): Promise<number>;
  };
  push: {
    /** null when the server has no VAPID key (push not configured). */
    vapidPublicKey(): Promise<string | null>;
    list(): Promise<PushSubscriptionInfo[]>;
    subscribe(input: PushSubscriptionInput): Promise<PushSubscriptionInfo>;
    remove(id: string): Promise<void>;
  };
  phone: {
    get(): Promise<NotificationPhone>;
    /** Sends a verification code by SMS; says until when it works. */
    start(phone: string): Promise<PhoneVerificationStarted>;
    confirm(code: string): Promise<void>;
    remove(): Promise<void>;
  };
}

export function createNotificationsApi(send: AuthorizedSend, paths: ClientPaths): NotificationsApi {
  const one = (base: string, id: string) => `${base}/${encodeURIComponent(id)}`;
  const hooks = paths.webhooks;
  const push = paths.pushSubscriptions;
  return {
    inbox: (options = {}) =>
      send({
        method: 'GET',
        path: paths.notifications,
        query: {
          limit: options.limit,
          before: options.before,
          unread: options.unreadOnly === undefined ? undefined : String(options.unreadOnly),
        },
      }),
    unreadCount: async () =>
      (await send<{ unread: number }>({ method: 'GET', path: `${paths.notifications}/unread-count` })).unread,
    markRead: async (id) => {
      await send<void>({ method: 'POST', path: `${one(paths.notifications, id)}/read` });
    },
    markAllRead: async () =>
      (await send<{ marked: number }>({ method: 'POST', path: `${paths.notifications}/read-all` })).marked,
    rules: () => send({ method: 'GET', path: paths.notificationRules }),
    putRule: (kind, rule) => send({ method: 'PUT', path: one(paths.notificationRules, kind), body: rule }),
    resetRule: async (kind) => {
      await send<void>({ method: 'DELETE', path: one(paths.notificationRules, kind) });
    },
    updateSettings: (patch) => send({ method: 'PATCH', path: paths.notificationRules, body: patch }),
    confirmEmail: (code) => send({ method: 'POST', path: paths.notificationEmailConfirm, body: { code } }),
    webhooks: {
      list: async () =>
        (await send<{ endpoints: WebhookEndpointInfo[] }>({ method: 'GET', path: hooks })).endpoints,
      create: (input) => send({ method: 'POST', path: hooks, body: input }),
      update: (id, patch) => send({ method: 'PATCH', path: one(hooks, id), body: patch }),
      remove: async (id) => {
        await send<void>({ method: 'DELETE', path: one(hooks, id) });
      },
      rotateSecret: (id) => send({ method: 'POST', path: `${one(hooks, id)}/rotate-secret` }),
      test: (id) => send({ method: 'POST', path: `${one(hooks, id)}/test` }),
      attempts: async (id, options = {}) =>
        (
          await send<{ attempts: WebhookAttempt[] }>({
            method: 'GET',
            path: `${one(hooks, id)}/attempts`,
            query: { limit: options.limit, before: options.before },
          })
        ).attempts,
      resend: async (id, what) =>
        (await send<{ queued: number }>({ method: 'POST', path: `${one(hooks, id)}/resend`, body: what }))
          .queued,
    },
    push: {
      vapidPublicKey: async () =>
        (await send<{ publicKey: string | null }>({ method: 'GET', path: `${push}/vapid-public-key` }))
          .publicKey,
      list: async () =>
        (await send<{ subscriptions: PushSubscriptionInfo[] }>({ method: 'GET', path: push })).subscriptions,
      subscribe: (input) => send({ method: 'POST', path: push, body: input }),
      remove: async (id) => {
        await send<void>({ method: 'DELETE', path: one(push, id) });
      },
    },
    phone: {
      get: () => send({ method: 'GET', path: paths.notificationPhone }),
      start: (phone) => send({ method: 'POST', path: paths.notificationPhone, body: { phone } }),
      confirm: async (code) => {
        await send<void>({ method: 'POST', path: `${paths.notificationPhone}/confirm`, body: { code } });
      },
      remove: async () => {
        await send<void>({ method: 'DELETE', path: paths.notificationPhone });
      },
    },
  };
}

/**
 * @module The notify API: what the routes (and the future web pages) call. Every method takes the
 * acting user's id and touches only that user's rows; another user's endpoint or subscription is
 * "not found", never "forbidden", so ids cannot be probed.
 */
import type { Publisher } from '@tickline/eventlog';
import { createEventSource, uuidv7, type Clock } from '@tickline/kernel';
import { createReadSql, type ReadSql, type Sql } from '@tickline/store';
import type { NotificationChannel } from '../channels/channel.ts';
import {
  listInbox,
  markAllRead,
  markRead,
  unreadCount,
  type InboxPage,
} from '../channels/in-app/inbox-sql.ts';
import {
  deleteSubscription,
  listSubscriptions,
  saveSubscription,
  type PushSubscriptionRecord,
} from '../channels/push/subscriptions-sql.ts';
import { deletePhone, readPhone } from '../channels/sms/phones-sql.ts';
import { verifyTwilioSignature } from '../channels/sms/twilio-signature.ts';
import type { EndpointStore, WebhookEndpoint, WebhookFormat } from '../channels/webhook/endpoints-sql.ts';
import { checkWebhookUrl, type Resolve } from '../channels/webhook/ssrf-guard.ts';
import type { NotifyConfig } from '../config.ts';
import { NotifyError } from '../errors.ts';
import { InboxItemsRead } from '../events.ts';
import { Channel, CHANNELS, NotificationKind, RULE_KINDS, Severity } from '../kinds.ts';
import { requeue, type AttemptRecord } from '../queue/delivery-sql.ts';
import { insertDeliveries, insertNotifications } from '../queue/rows-sql.ts';
import { withEndpoints } from '../rules/plan-deliveries.ts';
import { isValidTimeZone, QUIET_TIME } from '../rules/quiet-hours.ts';
import {
  deleteRule,
  ensureUsers,
  loadRules,
  putRule,
  readSettings,
  tierDefaults,
  updateSettings,
  type SettingsPatch,
} from '../rules/preferences-sql.ts';
import { createVerification, requireEntitled } from './verification-api.ts';

/** The acting user as the gateway authenticated them. */
export interface Actor {
  userId: string;
  /**
   * The caller's tier as their credential carries it now. A request's entitlements, defaults and
   * limits follow it; without it (callers that pass none) notify's stored copy decides, which
   * identity's `account.tier.changed` keeps current for deliveries planned from events. Never
   * written back: a token from before a change (its revocation is cached for up to 2 s on other
   * gateways) must not undo the change.
   */
  tier?: string;
}

export interface RuleView {
  kind: string;
  channels: string[];
  urgent: boolean;
  /** No rule stored: the tier's default applies. */
  isDefault: boolean;
}

export interface SettingsView {
  /** The notification address as set (the account's, or one proven by its code). */
  email: string | null;
  /**
   * `email` is proven, so notification mail goes there: the account's address once identity
   * verified it (as `GET /me` says), another address once its code came back.
   */
  emailVerified: boolean;
  /** An address waiting for the code sent to it; notifications still go to `email`. */
  pendingEmail: string | null;
  locale: string;
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  rateLimitPerHour: number;
  smsDailyCap: number;
}

export interface AttemptView {
  id: number;
  notificationId: string;
  ok: boolean;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  durationMs: number;
  attemptedAt: string;
}

export interface NotifyApiOptions {
  sql: Sql;
  /**
   * Inbox pages and counts: the read replica, except right after the user's own mark read (see
   * `ReadSql.forKey`). @default `sql`
   */
  reads?: ReadSql;
  config: NotifyConfig;
  clock: Clock;
  endpoints: EndpointStore;
  /** The SMS channel (sends verification codes), when configured. */
  sms?: NotificationChannel;
  /** The email channel (sends notification-email codes), when configured. */
  email?: NotificationChannel;
  /** Wakes the dispatcher after queuing a test send or a resend. */
  wake: () => void;
  /** Publishes `notification.inbox.read` after a mark read, so open dashboards follow the count. */
  publisher?: Publisher;
  /** DNS for the SSRF check (tests inject one). */
  resolve?: Resolve;
}

export interface NotifyApi {
  inbox(actor: Actor, options: { limit: number; before?: string; unreadOnly?: boolean }): Promise<InboxPage>;
  unread(actor: Actor): Promise<number>;
  markRead(actor: Actor, id: string): Promise<void>;
  markAllRead(actor: Actor): Promise<number>;
  rules(
    actor: Actor,
  ): Promise<{ kinds: string[]; channels: string[]; rules: RuleView[]; settings: SettingsView }>;
  putRule(actor: Actor, kind: string, rule: { channels: string[]; urgent?: boolean }): Promise<RuleView>;
  deleteRule(actor: Actor, kind: string): Promise<void>;
  updateSettings(actor: Actor, patch: SettingsPatch): Promise<SettingsView>;
  createEndpoint(
    actor: Actor,
    input: { url: string; format?: WebhookFormat; kinds?: string[] },
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }>;
  listEndpoints(actor: Actor): Promise<WebhookEndpoint[]>;
  getEndpoint(actor: Actor, id: string): Promise<WebhookEndpoint>;
  updateEndpoint(
    actor: Actor,
    id: string,
    patch: { url?: string; format?: WebhookFormat; kinds?: string[]; enabled?: boolean },
  ): Promise<WebhookEndpoint>;
  deleteEndpoint(actor: Actor, id: string): Promise<void>;
  rotateSecret(actor: Actor, id: string): Promise<{ secret: string; previousValidUntil: string }>;
  /** Stops the previous secret signing at once. @throws NOTIFY_ENDPOINT_NOT_FOUND */
  revokePreviousSecret(actor: Actor, id: string): Promise<void>;
  testEndpoint(actor: Actor, id: string): Promise<{ notificationId: string }>;
  attempts(actor: Actor, id: string, options: { limit: number; before?: number }): Promise<AttemptView[]>;
  resend(actor: Actor, id: string, notificationId: string): Promise<number>;
  resendSince(actor: Actor, id: string, since: Date): Promise<number>;
  vapidPublicKey(): string | undefined;
  subscribePush(
    actor: Actor,
    input: { endpoint: string; keys: { p256dh: string; auth: string }; device?: string },
  ): Promise<PushSubscriptionRecord>;
  listPush(actor: Actor): Promise<PushSubscriptionRecord[]>;
  deletePush(actor: Actor, id: string): Promise<void>;
  /** Texts a code to `phone`; resolves with when the code stops working. */
  startPhone(actor: Actor, phone: string): Promise<{ expiresAt: Date }>;
  confirmPhone(actor: Actor, code: string): Promise<{ phone: string }>;
  /** The code sent to the pending notification email came back: it becomes the address. */
  confirmEmail(actor: Actor, code: string): Promise<SettingsView>;
  readPhone(actor: Actor): Promise<{ phone: string; verified: boolean } | null>;
  deletePhone(actor: Actor): Promise<void>;
  /** Checks a Twilio status callback's signature. */
  verifySmsCallback(url: string, params: Record<string, string>, signature: string | undefined): void;
}

function settingsView(p: Awaited<ReturnType<typeof readSettings>>): SettingsView {
  return {
    email: p.emailSetting ?? p.email,
    emailVerified: p.emailVerified ?? p.email !== null,
    pendingEmail: p.pendingEmail ?? null,
    locale: p.locale,
    timeZone: p.timeZone,
    quietHours: p.quietStart && p.quietEnd ? { start: p.quietStart, end: p.quietEnd } : null,
    rateLimitPerHour: p.rateLimitPerHour,
    smsDailyCap: p.smsDailyCap,
  };
}

export function createNotifyApi(options: NotifyApiOptions): NotifyApi {
  const { sql, config, clock, endpoints } = options;
  const verification = createVerification({
    sql,
    config,
    clock,
    ...(options.sms ? { sms: options.sms } : {}),
    ...(options.email ? { email: options.email } : {}),
  });
  const reads = options.reads ?? createReadSql({ primary: sql });
  const allowPrivate = config.webhooks.allowPrivateTargets;
  const inboxEvents = createEventSource({ source: 'notify/in-app', clock });

  async function sync(actor: Actor): Promise<void> {
    await ensureUsers(sql, [actor.userId]);
  }

  /** The actor's settings, their tier deciding what the tier decides. */
  const settingsOf = (actor: Actor) => readSettings(sql, config, actor.userId, actor.tier);

  function checkKinds(kinds: readonly string[]): void {
    for (const kind of kinds) {
      if (!(RULE_KINDS as readonly string[]).includes(kind)) {
        throw new NotifyError('NOTIFY_UNKNOWN_KIND', `unknown notification kind: ${kind}`, {
          details: { kind, kinds: RULE_KINDS },
        });
      }
    }
  }

  /**
   * The count after a mark read, on the user's stream: the bell and every open inbox take it as
   * is (the API is the one source of the unread count; the dashboard keeps none of its own).
   */
  async function announceRead(userId: string, ids: string[] | null): Promise<void> {
    if (!options.publisher) return;
    const unread = await unreadCount(sql, userId);
    options.publisher.publish(inboxEvents.create(InboxItemsRead, { subject: userId, data: { ids, unread } }));
  }

  /**
   * The account's own address (or none) is used at once; any other is only proven by the code
   * sent to it, and until then notifications keep going where they went.
   */
  async function changeEmail(userId: string, email: string | null): Promise<void> {
    const current = await readSettings(sql, config, userId);
    const { rows } = await sql.query<{ account_email: string | null }>(
      'select account_email from notify_preferences where user_id = $1',
      [userId],
    );
    const account = rows[0]?.account_email ?? null;
    if (email === null || email.toLowerCase() === account?.toLowerCase()) {
      await sql.query(
        `update notify_preferences set email = $2, email_verified_at = null, pending_email = null,
           email_code_hash = null, updated_at = now() where user_id = $1`,
        [userId, email === null ? null : account],
      );
      return;
    }
    if (current.emailVerified && email.toLowerCase() === current.emailSetting?.toLowerCase()) return;
    await verification.startEmail(userId, email);
  }

  async function ownEndpoint(actor: Actor, id: string): Promise<WebhookEndpoint> {
    return endpoints.get(actor.userId, id);
  }

  return {
    inbox: (actor, o) => listInbox(reads.forKey(actor.userId), actor.userId, o),
    unread: (actor) => unreadCount(reads.forKey(actor.userId), actor.userId),
    async markRead(actor, id) {
      if (!(await markRead(sql, actor.userId, id, new Date(clock.now())))) {
        throw new NotifyError('NOTIFY_NOTIFICATION_NOT_FOUND', 'no such notification', { details: { id } });
      }
      // The inbox the user reloads next must show the mark: their reads stay on the primary a while.
      reads.noteWrite(actor.userId);
      await announceRead(actor.userId, [id]);
    },
    async markAllRead(actor) {
      const marked = await markAllRead(sql, actor.userId, new Date(clock.now()));
      if (marked > 0) reads.noteWrite(actor.userId);
      if (marked > 0) await announceRead(actor.userId, null);
      return marked;
    },
    async rules(actor) {
      await sync(actor);
      const settings = await settingsOf(actor);
      const stored = (await loadRules(sql, [actor.userId])).get(actor.userId) ?? new Map();
      // What a kind without a rule goes to (plan-deliveries.ts), within what the tier allows.
      const tier = tierDefaults(config, settings.tier);
      const defaults = withEndpoints(tier.channels).filter((c) => tier.allowedChannels.includes(c));
      const rules = RULE_KINDS.map((kind): RuleView => {
        const rule = stored.get(kind);
        return rule
          ? { kind, channels: [...rule.channels], urgent: rule.urgent, isDefault: false }
          : {
              kind,
              channels: kind === NotificationKind.SourceDown ? [] : [...defaults],
              urgent: false,
              isDefault: true,
            };
      });
      return { kinds: [...RULE_KINDS], channels: [...CHANNELS], rules, settings: settingsView(settings) };
    },
    async putRule(actor, kind, rule) {
      checkKinds([kind]);
      await sync(actor);
      await requireEntitled(sql, config, actor.userId, rule.channels, actor.tier);
      const channels = [...new Set(rule.channels)] as Channel[];
      await putRule(sql, actor.userId, kind, { channels, urgent: rule.urgent ?? false });
      return { kind, channels, urgent: rule.urgent ?? false, isDefault: false };
    },
    async deleteRule(actor, kind) {
      checkKinds([kind]);
      await deleteRule(sql, actor.userId, kind);
    },
    async updateSettings(actor, patch) {
      if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
        throw new NotifyError('NOTIFY_INVALID_QUIET_HOURS', `unknown time zone: ${patch.timeZone}`, {
          details: { field: 'timeZone' },
        });
      }
      const q = patch.quietHours;
      if (q && (!QUIET_TIME.test(q.start) || !QUIET_TIME.test(q.end))) {
        throw new NotifyError('NOTIFY_INVALID_QUIET_HOURS', 'quiet hours must be HH:MM times', {
          details: { field: 'quietHours', quietHours: q },
        });
      }
      await sync(actor);
      const { email, ...rest } = patch;
      // The address first: when it cannot be verified (no SMTP, throttled) nothing else changes.
      if (email !== undefined) await changeEmail(actor.userId, email);
      await updateSettings(sql, actor.userId, rest);
      return settingsView(await settingsOf(actor));
    },
    async createEndpoint(actor, input) {
      await sync(actor);
      await requireEntitled(sql, config, actor.userId, [Channel.Webhook], actor.tier);
      checkKinds(input.kinds ?? []);
      const url = await checkWebhookUrl(input.url, allowPrivate, options.resolve);
      const settings = await settingsOf(actor);
      const limit = tierDefaults(config, settings.tier).maxWebhookEndpoints;
      const created = await endpoints.create({
        userId: actor.userId,
        url: url.toString(),
        format: input.format ?? 'standard',
        kinds: input.kinds ?? [],
        maxEndpoints: limit,
      });
      if (created === undefined)
        throw new NotifyError('NOTIFY_LIMIT_REACHED', `at most ${limit} webhook endpoints`, {
          details: { limit: 'maxWebhookEndpoints', max: limit },
        });
      return created;
    },
    listEndpoints: (actor) => endpoints.list(actor.userId),
    getEndpoint: ownEndpoint,
    async updateEndpoint(actor, id, patch) {
      await ownEndpoint(actor, id);
      if (patch.kinds) checkKinds(patch.kinds);
      const url =
        patch.url === undefined
          ? undefined
          : (await checkWebhookUrl(patch.url, allowPrivate, options.resolve)).toString();
      return endpoints.update(actor.userId, id, { ...patch, ...(url ? { url } : {}) });
    },
    deleteEndpoint: (actor, id) => endpoints.remove(actor.userId, id),
    revokePreviousSecret: (actor, id) => endpoints.revokePrevious(actor.userId, id),
    async rotateSecret(actor, id) {
      const overlap = config.webhooks.rotationOverlapMs;
      const secret = await endpoints.rotate(actor.userId, id, overlap);
      return { secret, previousValidUntil: new Date(clock.now() + overlap).toISOString() };
    },
    async testEndpoint(actor, id) {
      const endpoint = await ownEndpoint(actor, id);
      const now = clock.now();
      const notificationId = uuidv7(now);
      await sql.transaction(async (tx) => {
        await insertNotifications(tx, [
          {
            id: notificationId,
            user_id: actor.userId,
            kind: NotificationKind.Test,
            severity: Severity.Info,
            title: 'Test notification',
            body: `A test from Tickline to ${endpoint.url}.`,
            data: { test: true },
            created_at: new Date(now),
          },
        ]);
        await insertDeliveries(tx, [
          {
            id: uuidv7(now),
            notification_id: notificationId,
            user_id: actor.userId,
            channel: Channel.Webhook,
            target: endpoint.id,
            status: 'pending',
            next_attempt_at: new Date(now),
          },
        ]);
      });
      options.wake();
      return { notificationId };
    },
    async attempts(actor, id, o) {
      await ownEndpoint(actor, id);
      const { rows } = await sql.query<
        Omit<AttemptRecord, 'delivery_id' | 'channel' | 'target'> & { id: number }
      >(
        `select id, notification_id, ok, status_code, response_excerpt, error, duration_ms, attempted_at from notify_attempts
         where channel = 'webhook' and target = $1 and ($2::bigint is null or id < $2) order by id desc limit $3`,
        [id, o.before ?? null, o.limit],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        notificationId: r.notification_id,
        ok: r.ok,
        statusCode: r.status_code,
        responseExcerpt: r.response_excerpt,
        error: r.error,
        durationMs: r.duration_ms,
        attemptedAt: r.attempted_at.toISOString(),
      }));
    },
    async resend(actor, id, notificationId) {
      await ownEndpoint(actor, id);
      const n = await requeue(sql, clock.now(), [
        { notificationId, userId: actor.userId, channel: Channel.Webhook, target: id },
      ]);
      if (n === 0)
        throw new NotifyError(
          'NOTIFY_NOTIFICATION_NOT_FOUND',
          'this notification was never sent to this endpoint',
          { details: { notificationId } },
        );
      options.wake();
      return n;
    },
    async resendSince(actor, id, since) {
      await ownEndpoint(actor, id);
      const { rows } = await sql.query<{ notification_id: string }>(
        `select notification_id from notify_deliveries where channel = 'webhook' and target = $1 and created_at >= $2 and status in ('delivered', 'failed')`,
        [id, since],
      );
      const n = await requeue(
        sql,
        clock.now(),
        rows.map((r) => ({
          notificationId: r.notification_id,
          userId: actor.userId,
          channel: Channel.Webhook,
          target: id,
        })),
      );
      options.wake();
      return n;
    },
    vapidPublicKey: () => config.push.vapidPublicKey,
    async subscribePush(actor, input) {
      if (!config.push.vapidPublicKey)
        throw new NotifyError('NOTIFY_CHANNEL_NOT_CONFIGURED', 'Web Push is not configured', {
          details: { channel: 'push' },
        });
      // The push service URL is where we will POST: the same SSRF rules as webhooks.
      await checkWebhookUrl(input.endpoint, allowPrivate, options.resolve);
      await sync(actor);
      await requireEntitled(sql, config, actor.userId, [Channel.Push], actor.tier);
      return saveSubscription(
        sql,
        {
          userId: actor.userId,
          endpoint: input.endpoint,
          p256dh: input.keys.p256dh,
          auth: input.keys.auth,
          device: input.device,
        },
        clock.now(),
      );
    },
    listPush: (actor) => listSubscriptions(sql, actor.userId),
    async deletePush(actor, id) {
      if (!(await deleteSubscription(sql, id, actor.userId))) {
        throw new NotifyError('NOTIFY_SUBSCRIPTION_NOT_FOUND', 'no such push subscription', {
          details: { id },
        });
      }
    },
    async startPhone(actor, phone) {
      await sync(actor);
      return verification.startPhone(actor.userId, phone, actor.tier);
    },
    confirmPhone: (actor, code) => verification.confirmPhone(actor.userId, code),
    async confirmEmail(actor, code) {
      await verification.confirmEmail(actor.userId, code);
      return settingsView(await settingsOf(actor));
    },
    async readPhone(actor) {
      return (await readPhone(sql, actor.userId)) ?? null;
    },
    deletePhone: (actor) => deletePhone(sql, actor.userId),
    verifySmsCallback(url, params, signature) {
      const token = config.sms.authToken;
      if (!token || !verifyTwilioSignature(token, url, params, signature)) {
        throw new NotifyError('NOTIFY_SIGNATURE_INVALID', 'status callback signature does not verify');
      }
    },
  };
}

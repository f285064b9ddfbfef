/**
 * @module The notifications API on the wire (`/api/v1/notifications`, `/notification-rules`,
 * `/webhooks`, `/push-subscriptions`, `/notification-phone`, and the admin delivery views under
 * `/api/v1/admin/notify`): response schemas the gateway documents its answers with, and the types
 * the SDK and the dashboard read.
 */
import { z } from 'zod';

const Time = z.string().describe('RFC 3339');

/**
 * What a notification is about; a rule maps a kind to channels. Kinds are coarser than event
 * types: every identity security event is one kind, `security`.
 */
export const NotificationKind = {
  AccountReady: 'account.ready',
  /** A verification link for the user's email (identity): email only, never held. */
  EmailVerification: 'account.email_verification',
  Security: 'security',
  BacktestCompleted: 'backtest.completed',
  StrategySignal: 'strategy.signal',
  /** A live strategy run was paused by a failure (error, CPU, memory) or the kill switch. */
  StrategyPaused: 'strategy.paused',
  /** A live run's parity check first found it apart from its backtest replay. */
  StrategyParity: 'strategy.parity',
  /** A feed a user's live runs read turned unhealthy (their entries stop) or healthy again. */
  StrategyDataHealth: 'strategy.data_health',
  OrderFilled: 'order.filled',
  SourceDown: 'market.source.down',
  AdminNotice: 'admin.notice',
  /** notify disabled one of the user's webhook endpoints (410, or failing for days). */
  EndpointDisabled: 'webhook.disabled',
  /** A test send from the API (`POST /api/v1/webhooks/:id/test`). */
  Test: 'test',
  /** Several held notifications sent as one, when quiet hours end or the rate limit resets. */
  Digest: 'digest',
} as const;
export type NotificationKind = (typeof NotificationKind)[keyof typeof NotificationKind];

export const InboxItemSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: Time,
  readAt: Time.nullable(),
});

/** The data of `notification.inbox.added` on `user:{id}`: the new entry and the unread count after it. */
export const InboxAddedSchema = InboxItemSchema.omit({ readAt: true }).extend({ unread: z.number().int() });

/**
 * The data of `notification.inbox.read` on `user:{id}`: which entries were marked read (`null`:
 * all of them) and the unread count after it, so every open tab and the bell agree with the API.
 */
export const InboxReadSchema = z.object({ ids: z.array(z.uuid()).nullable(), unread: z.number().int() });

export const InboxPageSchema = z.object({
  items: z.array(InboxItemSchema),
  nextCursor: z.uuid().nullable(),
  unread: z.number().int(),
});

export const UnreadCountSchema = z.object({ unread: z.number().int() });
export const MarkedSchema = z.object({ marked: z.number().int() });

/** Where a notification can go. */
export const NotificationChannelNameSchema = z.enum(['in_app', 'email', 'webhook', 'sms', 'push']);

export const NotificationRuleSchema = z.object({
  kind: z.string(),
  channels: z.array(z.string()),
  urgent: z.boolean(),
  isDefault: z.boolean(),
});

export const NotificationSettingsSchema = z.object({
  email: z
    .string()
    .nullable()
    .describe("Where email notifications go: the account's address, or one proven by its code"),
  emailVerified: z
    .boolean()
    .describe(
      "`email` is proven, and notification mail goes only to a proven address: the account's once its verification link was opened (GET /me's emailVerified), another once its code came back",
    ),
  pendingEmail: z
    .string()
    .nullable()
    .describe('An address waiting for the code sent to it (POST /notification-email/confirm)'),
  locale: z.string(),
  timeZone: z.string(),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  rateLimitPerHour: z.number().int(),
  smsDailyCap: z.number().int(),
});

export const NotificationRulesSchema = z.object({
  kinds: z.array(z.string()),
  channels: z.array(z.string()),
  rules: z.array(NotificationRuleSchema),
  settings: NotificationSettingsSchema,
});

export const WebhookFormatSchema = z.enum(['standard', 'slack', 'discord']);

export const WebhookEndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  format: WebhookFormatSchema,
  kinds: z.array(z.string()),
  disabledAt: Time.nullable(),
  disabledReason: z.string().nullable(),
  failingSince: Time.nullable(),
  createdAt: Time,
});

export const CreatedWebhookSchema = z.object({
  endpoint: WebhookEndpointSchema,
  secret: z.string().describe('whsec_…, shown in this response only'),
});
export const RotatedSecretSchema = z.object({ secret: z.string(), previousValidUntil: Time });
export const QueuedTestSchema = z.object({ notificationId: z.uuid() });
export const QueuedSchema = z.object({ queued: z.number().int() });

export const WebhookAttemptSchema = z.object({
  id: z.number(),
  notificationId: z.uuid(),
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  attemptedAt: Time,
});
export const WebhookAttemptsSchema = z.object({ attempts: z.array(WebhookAttemptSchema) });

export const PushSubscriptionInfoSchema = z.object({
  id: z.uuid(),
  endpoint: z.string(),
  device: z.string().nullable(),
  createdAt: Time,
});
export const VapidPublicKeySchema = z.object({ publicKey: z.string().nullable() });

export const NotificationPhoneSchema = z.object({ phone: z.string().nullable(), verified: z.boolean() });
/** The answer of `POST /notification-phone`: a code was texted to the number, pending until confirmed. */
export const PhoneVerificationStartedSchema = z.object({
  status: z.literal('code_sent'),
  phone: z.string().describe('The number (E.164) the code went to; SMS waits for it to be confirmed'),
  expiresAt: Time.describe('When the code stops working (POST /notification-phone/confirm before then)'),
});

/** A delivery's state in the queue. */
export const DeliveryStatusSchema = z.enum(['pending', 'sending', 'held', 'delivered', 'failed', 'digested']);

/** One row of the admin delivery view. */
export const AdminDeliverySchema = z.object({
  id: z.uuid(),
  notificationId: z.uuid(),
  userId: z.uuid(),
  kind: z.string(),
  title: z.string(),
  channel: z.string(),
  target: z.string().describe('Endpoint or subscription id, address, or user id (in-app)'),
  status: DeliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: Time.nullable().describe('When it is tried again (pending or held)'),
  lastError: z.string().nullable(),
  createdAt: Time,
  deliveredAt: Time.nullable(),
});

export const AdminDeliveriesSchema = z.object({
  deliveries: z.array(AdminDeliverySchema),
  /** Deliveries per status over the queue (not only this page). */
  counts: z.record(z.string(), z.number().int()),
  /** Seconds the oldest due delivery has waited; 0 when none is due. */
  lagSeconds: z.number(),
});

export const AdminEndpointSchema = WebhookEndpointSchema.extend({ userId: z.uuid() });
export const AdminEndpointsSchema = z.object({ endpoints: z.array(AdminEndpointSchema) });

export type InboxItem = z.infer<typeof InboxItemSchema>;
export type InboxAdded = z.infer<typeof InboxAddedSchema>;
export type InboxRead = z.infer<typeof InboxReadSchema>;
export type InboxPage = z.infer<typeof InboxPageSchema>;
export type NotificationChannelName = z.infer<typeof NotificationChannelNameSchema>;
export type NotificationRule = z.infer<typeof NotificationRuleSchema>;
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
export type NotificationRules = z.infer<typeof NotificationRulesSchema>;
export type WebhookFormat = z.infer<typeof WebhookFormatSchema>;
export type WebhookEndpointInfo = z.infer<typeof WebhookEndpointSchema>;
export type CreatedWebhook = z.infer<typeof CreatedWebhookSchema>;
export type RotatedSecret = z.infer<typeof RotatedSecretSchema>;
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionInfoSchema>;
export type NotificationPhone = z.infer<typeof NotificationPhoneSchema>;
export type PhoneVerificationStarted = z.infer<typeof PhoneVerificationStartedSchema>;
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;
export type AdminDelivery = z.infer<typeof AdminDeliverySchema>;
export type AdminDeliveries = z.infer<typeof AdminDeliveriesSchema>;
export type AdminEndpoint = z.infer<typeof AdminEndpointSchema>;

/** The settings a user may change (`PATCH /notification-rules`). */
export interface NotificationSettingsPatch {
  email?: string | null;
  locale?: string;
  timeZone?: string;
  quietHours?: { start: string; end: string } | null;
  rateLimitPerHour?: number | null;
}

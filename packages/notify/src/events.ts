/** @module Events notify publishes: the notification lifecycle and the in-app live event. */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';
import { ALL_KINDS, CHANNELS, SEVERITIES } from './kinds.ts';

export const NotificationRequestedDataSchema = z.object({
  /** Same as the envelope id: stable across replays of the source event. */
  notificationId: z.uuid(),
  userId: z.uuid(),
  kind: z.enum(ALL_KINDS),
  severity: z.enum(SEVERITIES),
  title: z.string().max(200),
  body: z.string().max(4_000),
  /** Kind-specific fields, shown to the user's receivers as is. */
  data: z.record(z.string(), z.unknown()),
  /** The domain event it was made from. */
  sourceEventId: z.string().optional(),
  /** A page of the dashboard the notification is about (`/backtests/…`). */
  url: z.string().max(500).optional(),
  /**
   * Deliver by email to this address only, whatever the user's rules and notification email say
   * (a verification mail goes to the address being verified).
   */
  email: z.email().max(254).optional(),
});
export type NotificationRequestedData = z.infer<typeof NotificationRequestedDataSchema>;

/** A domain event matched a user's rules (subject: the user id). */
export const NotificationRequested = defineEvent<NotificationRequestedData>({
  type: 'notification.requested',
  description: "A domain event matched a user's notification rules; delivery per channel follows.",
  schema: NotificationRequestedDataSchema,
});

const deliveryFields = {
  notificationId: z.uuid(),
  userId: z.uuid(),
  kind: z.enum(ALL_KINDS),
  channel: z.enum(CHANNELS),
  /** The channel's address: user id, email, endpoint id, subscription id or phone. */
  target: z.string(),
  attempts: z.number().int().min(1),
};

export const NotificationDeliveredDataSchema = z.object(deliveryFields);
export type NotificationDeliveredData = z.infer<typeof NotificationDeliveredDataSchema>;

/** A channel delivered a notification (subject: the user id). */
export const NotificationDelivered = defineEvent<NotificationDeliveredData>({
  type: 'notification.delivered',
  description: 'A channel delivered a notification to one target (receiver answered success).',
  schema: NotificationDeliveredDataSchema,
});

export const NotificationFailedDataSchema = z.object({
  ...deliveryFields,
  /** Why it stopped: attempts exhausted, target gone (410/404), endpoint disabled. */
  reason: z.string(),
});
export type NotificationFailedData = z.infer<typeof NotificationFailedDataSchema>;

/** A channel gave up on a notification (subject: the user id). */
export const NotificationFailed = defineEvent<NotificationFailedData>({
  type: 'notification.failed',
  description: 'A channel gave up on a notification for one target (attempts exhausted or target gone).',
  schema: NotificationFailedDataSchema,
});

export const InboxItemAddedDataSchema = z.object({
  id: z.uuid(),
  kind: z.enum(ALL_KINDS),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  unread: z.number().int().min(0),
});
export type InboxItemAddedData = z.infer<typeof InboxItemAddedDataSchema>;

/**
 * A notification landed in a user's inbox (subject: the user id). The realtime delivery routes it
 * to `user:{subject}` so open dashboards show it live.
 */
export const InboxItemAdded = defineEvent<InboxItemAddedData>({
  type: 'notification.inbox.added',
  description: "A notification landed in the user's in-app inbox; delivered live on user:{id}.",
  schema: InboxItemAddedDataSchema,
});

export const InboxItemsReadDataSchema = z.object({
  /** The entries marked read; null = every unread entry of the user. */
  ids: z.array(z.uuid()).nullable(),
  unread: z.number().int().min(0),
});
export type InboxItemsReadData = z.infer<typeof InboxItemsReadDataSchema>;

/**
 * Inbox entries were marked read (subject: the user id), with the unread count after: routed to
 * `user:{subject}` like {@link InboxItemAdded}, so the bell and every open inbox follow the API's
 * count instead of keeping their own.
 */
export const InboxItemsRead = defineEvent<InboxItemsReadData>({
  type: 'notification.inbox.read',
  description: 'Inbox entries were marked read; delivered live on user:{id} with the unread count after.',
  schema: InboxItemsReadDataSchema,
});

export const AdminNoticeSentDataSchema = z.object({
  title: z.string().min(1).max(200),
  message: z.string().min(1).max(4_000),
  /** One user; absent = every user notify knows. */
  userId: z.uuid().optional(),
  /** `urgent` may use SMS where the user's rule allows. */
  severity: z.enum(['info', 'urgent']),
  /** The admin who sent it. */
  sentBy: z.string(),
});
export type AdminNoticeSentData = z.infer<typeof AdminNoticeSentDataSchema>;

/** An administrator sent a notice to one user or to everyone (subject: the user id or `everyone`). */
export const AdminNoticeSent = defineEvent<AdminNoticeSentData>({
  type: 'admin.notice.sent',
  description:
    'An administrator sent a notice to one user or to every user; notify delivers it per their rules.',
  schema: AdminNoticeSentDataSchema,
});

/** Every event notify defines, for the process registry. */
export const NOTIFY_EVENTS = [
  NotificationRequested,
  NotificationDelivered,
  NotificationFailed,
  InboxItemAdded,
  InboxItemsRead,
  AdminNoticeSent,
] as const;

/** Event types the realtime delivery sends to `user:{subject}`. */
export const NOTIFY_USER_EVENT_TYPES: readonly string[] = [InboxItemAdded.type, InboxItemsRead.type];

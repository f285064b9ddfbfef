/**
 * @module The `NotificationChannel` port: one small interface every channel adapter implements
 * (in-app, email, webhook, SMS, Web Push). The dispatcher owns the queue, retries and the
 * attempt log; an adapter only sends one message to one target and says what happened.
 */
import type { Channel, NotificationKind, Severity } from '../kinds.ts';

/** A notification as channels see it. */
export interface OutgoingNotification {
  /** Stable across retries and resends: receivers dedupe on it. */
  id: string;
  userId: string;
  kind: NotificationKind;
  severity: Severity;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** RFC 3339. */
  createdAt: string;
  locale: string;
  /** For a digest: the notifications it carries. */
  items?: ReadonlyArray<{ id: string; kind: string; title: string; body: string; createdAt: string }>;
}

/**
 * What every receiver is shown of a notification (the webhook payload's `data`, the email
 * template's context): never the user id or locale, which are routing, not content.
 */
export function receiverFields(
  n: OutgoingNotification,
): Pick<OutgoingNotification, 'id' | 'kind' | 'severity' | 'title' | 'body' | 'data'> {
  return { id: n.id, kind: n.kind, severity: n.severity, title: n.title, body: n.body, data: n.data };
}

/** One send. */
export interface ChannelDelivery {
  deliveryId: string;
  notification: OutgoingNotification;
  /** The channel's address (user id, email, endpoint id, subscription id, phone). */
  target: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** What a send came to. */
export type SendResult =
  /** The receiver accepted it. */
  | { outcome: 'delivered'; statusCode?: number; excerpt?: string }
  /** Worth another attempt later (timeout, 5xx, connection refused, 429). */
  | { outcome: 'retry'; error: string; statusCode?: number; excerpt?: string; retryAfterMs?: number }
  /** The target no longer exists (410, unknown subscription): stop, and the adapter forgot it. */
  | { outcome: 'gone'; error: string; statusCode?: number; excerpt?: string }
  /** This message can never be delivered to this target (4xx, bad address). */
  | { outcome: 'rejected'; error: string; statusCode?: number; excerpt?: string };

/** The port. */
export interface NotificationChannel {
  readonly channel: Channel;
  /** Sends one message; never throws for a receiver's failure (it returns it). */
  send(delivery: ChannelDelivery): Promise<SendResult>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/** Shortens a receiver's answer for the attempt log. */
export function excerpt(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  return buf.length <= maxBytes ? text : `${buf.subarray(0, maxBytes).toString()}…`;
}

/** The message text of any thrown value. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

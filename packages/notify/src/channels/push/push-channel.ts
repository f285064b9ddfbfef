/**
 * @module The Web Push channel: the payload is encrypted for the device (RFC 8291, aes128gcm)
 * and the request carries a VAPID token (RFC 8292), both made by `web-push`; the request is sent
 * through the guarded client (SSRF check at connect time, a deadline, a bounded read), so
 * plain-http push services (tests) work too. `TTL` and `Urgency` are always set
 * (RFC 8030 requires TTL). 404 or 410 means the subscription expired: it is deleted.
 */
import webpush from 'web-push';
import type { Sql } from '@tickline/store';
import { isUrlRejectedError } from '../../errors.ts';
import { Channel, Severity } from '../../kinds.ts';
import { describe, type NotificationChannel } from '../channel.ts';
import { createGuardedClient } from '../http/guarded-client.ts';
import { deleteSubscription, getSubscription } from './subscriptions-sql.ts';

export interface PushChannelOptions {
  sql: Sql;
  vapid: { subject: string; publicKey: string; privateKey: string };
  ttlSeconds: number;
  /** The deadline of one attempt (ms). @default 15_000 */
  timeoutMs?: number;
  /** Push services on private addresses (tests): the webhooks' setting. @default false */
  allowPrivateTargets?: boolean;
}

/** Bytes of a push service's answer kept in the attempt log. */
export const PUSH_EXCERPT_BYTES = 256;

/** Push payloads stay under the 3,993 octets one aes128gcm record can carry. */
export const MAX_PUSH_BODY_CHARS = 1_000;

export function createPushChannel(options: PushChannelOptions): NotificationChannel {
  // The endpoint was checked at subscribe; DNS may point it elsewhere since (rebinding), so the
  // guard runs again at connect time, and the answer is read only up to the excerpt.
  const http = createGuardedClient({
    allowPrivateTargets: options.allowPrivateTargets ?? false,
    timeoutMs: options.timeoutMs ?? 15_000,
    excerptBytes: PUSH_EXCERPT_BYTES,
  });
  return {
    channel: Channel.Push,
    async send({ notification: n, target }) {
      const sub = await getSubscription(options.sql, target);
      if (!sub) return { outcome: 'gone', error: 'subscription deleted' };
      const payload = JSON.stringify({
        id: n.id,
        kind: n.kind,
        title: n.title,
        body: n.body.slice(0, MAX_PUSH_BODY_CHARS),
        url: typeof n.data.url === 'string' ? n.data.url : '/notifications',
      });
      const details = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        payload,
        {
          vapidDetails: options.vapid,
          TTL: options.ttlSeconds,
          urgency: n.severity === Severity.Info ? 'normal' : 'high',
          // Topic: a newer message with the same topic replaces an undelivered one (base64url, ≤ 32).
          topic: n.id.replace(/-/g, '').slice(0, 32),
          contentEncoding: 'aes128gcm',
        },
      );
      try {
        const response = await http.post(new URL(details.endpoint), {
          headers: details.headers,
          body: details.body ?? '',
        });
        const text = response.excerpt;
        const status = response.statusCode;
        if (status >= 200 && status < 300) return { outcome: 'delivered', statusCode: status, excerpt: text };
        if (status === 404 || status === 410) {
          await deleteSubscription(options.sql, sub.id);
          return {
            outcome: 'gone',
            statusCode: status,
            excerpt: text,
            error: `push service answered ${status}: subscription removed`,
          };
        }
        if (status === 400 || status === 401 || status === 403 || status === 413) {
          return {
            outcome: 'rejected',
            statusCode: status,
            excerpt: text,
            error: `push service answered ${status}`,
          };
        }
        return {
          outcome: 'retry',
          statusCode: status,
          excerpt: text,
          error: `push service answered ${status}`,
        };
      } catch (error) {
        // A push service on a private address is refused for good: it will not become public.
        if (isUrlRejectedError(error)) return { outcome: 'rejected', error: describe(error) };
        return { outcome: 'retry', error: describe(error) };
      }
    },
    close: () => http.close(),
  };
}

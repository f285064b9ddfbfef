/**
 * @module One attempt of one delivery: the channel sends, and the result becomes what the recorder
 * writes — delivered, a retry on the schedule (or the receiver's longer Retry-After), or failed
 * once the schedule is spent or the target is gone. Shared by the log path and the SQL path.
 */
import type { Clock } from '@tickline/kernel';
import { describe, type NotificationChannel, type SendResult } from '../channels/channel.ts';
import type { Channel } from '../kinds.ts';
import { nextDelayMs, type RetryPolicy } from '../queue/retry-schedule.ts';
import type { AttemptObserver } from './notify-metrics.ts';
import type { DeliveryWork, RecordEntry } from './recorder.ts';

export interface AttemptOptions {
  channels: ReadonlyMap<Channel, NotificationChannel>;
  retry: RetryPolicy;
  clock: Clock;
  /** Told of every attempt (see attemptObserver). */
  observe: AttemptObserver;
}

/** Sends `work` once and says what to record. Never throws. */
export async function attemptDelivery(options: AttemptOptions, work: DeliveryWork): Promise<RecordEntry> {
  const { clock } = options;
  const channel = options.channels.get(work.channel);
  const started = performance.now();
  let result: SendResult;
  if (!channel) result = { outcome: 'rejected', error: `channel ${work.channel} is not configured` };
  else {
    try {
      result = await channel.send({
        deliveryId: work.id,
        notification: work.notification,
        target: work.target,
        attempt: work.attempts,
      });
    } catch (error) {
      result = { outcome: 'retry', error: describe(error) };
    }
  }
  const attemptedAt = clock.now();
  const delivered = result.outcome === 'delivered';
  const error = result.outcome === 'delivered' ? null : result.error;
  options.observe(
    work.channel,
    result.outcome,
    delivered ? (attemptedAt - Date.parse(work.notification.createdAt)) / 1000 : undefined,
  );
  const attempt = {
    delivery_id: work.id,
    notification_id: work.notification.id,
    channel: work.channel,
    target: work.target,
    ok: delivered,
    status_code: result.statusCode ?? null,
    response_excerpt: result.excerpt ?? null,
    error,
    duration_ms: Math.round(performance.now() - started),
    attempted_at: new Date(attemptedAt),
  };
  if (delivered) return { work, status: 'delivered', error: null, attempt };
  const delay =
    result.outcome === 'retry'
      ? nextDelayMs(options.retry, work.attempts, Math.random(), result.retryAfterMs)
      : undefined;
  return delay === undefined
    ? { work, status: 'failed', error, attempt }
    : { work, status: 'pending', nextAttemptMs: attemptedAt + delay, error, attempt };
}

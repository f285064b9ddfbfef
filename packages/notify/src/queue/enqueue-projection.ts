/**
 * @module The enqueue consumer: `notification.requested` events become the notification row and
 * one queue row per (channel, target), in ONE transaction with the consumer's checkpoint (store's
 * projection). The notification row is keyed by the request's event id, so it is the claim: a
 * redelivered or replayed event inserts nothing and changes nothing, and a committed notification
 * is never lost: the queue is in SQL, not in memory.
 */
import { uuidv7, type Clock, type EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import type { NotifyConfig } from '../config.ts';
import type { Channel } from '../kinds.ts';
import type { DeliveryHandoff, HandedDelivery } from '../dispatch/dispatcher.ts';
import { NotificationRequested, type NotificationRequestedData } from '../events.ts';
import { planDeliveries, type UserPreferences } from '../rules/plan-deliveries.ts';
import { ensureUsers, loadPreferences, loadRules, tierDefaults } from '../rules/preferences-sql.ts';
import {
  insertDeliveries,
  insertNewNotifications,
  type DeliveryRow,
  type NotificationRow,
} from './rows-sql.ts';
import { addToHourlyCounts, loadCounters, loadTargets } from './targets-sql.ts';

export const ENQUEUE_CONSUMER = 'notify-enqueue';

export interface EnqueueProjectionOptions {
  sql: Sql;
  config: NotifyConfig;
  clock: Clock;
  /** Called after a commit that queued deliveries due now (wakes the dispatcher). */
  onQueued?: () => void;
  /** The dispatcher of this process: deliveries due now go to it in memory, already leased. */
  handoff?: DeliveryHandoff;
  /** The channels this server sends on; no delivery is planned on another. @default all */
  configured?: ReadonlySet<Channel>;
}

/** Creates the projection; its `handle` is the consumer runner's handler. */
export function createEnqueueProjection(options: EnqueueProjectionOptions): SqlProjection {
  const { config, clock } = options;
  let queuedDue = false;
  let handed: HandedDelivery[] = [];
  const projection = createSqlProjection({
    sql: options.sql,
    consumer: ENQUEUE_CONSUMER,
    // The notification row, keyed by the request's id, is the claim (see `enqueue`).
    claims: false,
    project: async (tx, events) => {
      const result = await enqueue(tx, config, clock.now(), events, options);
      queuedDue = result.due || queuedDue;
      handed.push(...result.handed);
    },
  });
  return {
    ...projection,
    handle: async (events, context) => {
      queuedDue = false;
      handed = [];
      try {
        await projection.apply(events, context);
      } catch (error) {
        options.handoff?.release(handed.length);
        throw error;
      }
      options.handoff?.accept(handed);
      if (queuedDue) options.onQueued?.();
    },
  };
}

/** What {@link enqueue} queued: any delivery due now in SQL, and those handed to the dispatcher. */
export interface EnqueueResult {
  due: boolean;
  handed: HandedDelivery[];
}

/**
 * Writes the notifications and their deliveries, on the `configured` channels only. With
 * `handoff`, a delivery due now is written leased to this process (`sending`, attempt 1) and
 * returned in `handed` for the dispatcher, as far as the dispatcher has room; the rest are
 * `pending` for the SQL claim.
 */
export async function enqueue(
  tx: SqlTx,
  config: NotifyConfig,
  nowMs: number,
  events: readonly EventEnvelope[],
  { handoff, configured }: Pick<EnqueueProjectionOptions, 'handoff' | 'configured'> = {},
): Promise<EnqueueResult> {
  const all = events.filter(
    (e) => e.type === NotificationRequested.type,
  ) as EventEnvelope<NotificationRequestedData>[];
  const handed: HandedDelivery[] = [];
  if (all.length === 0) return { due: false, handed };
  await ensureUsers(tx, [...new Set(all.map((e) => e.data.userId))]);
  const rows = new Map(all.map((e) => [e.data.notificationId, notificationRow(e.data, nowMs)]));
  // The notification row is the event's claim: a replayed request (same id) inserts nothing and
  // plans nothing, so its deliveries, counters and hand-offs are not made twice.
  const fresh = await insertNewNotifications(tx, [...rows.values()]);
  const requested = all.filter((e) => fresh.delete(e.data.notificationId));
  if (requested.length === 0) return { due: false, handed };
  const userIds = [...new Set(requested.map((e) => e.data.userId))];
  const prefs = await loadPreferences(tx, config, userIds);
  const rules = await loadRules(tx, userIds);
  const counters = await loadCounters(tx, userIds, nowMs);
  const stored = new Map([...counters].map(([id, c]) => [id, c.lastHour]));
  const targets = await loadTargets(tx, userIds, new Map([...prefs].map(([id, p]) => [id, p.email])));
  const deliveries: DeliveryRow[] = [];
  let due = false;
  const leaseUntil = handoff ? new Date(nowMs + handoff.leaseMs) : undefined;
  for (const event of requested) {
    const n = event.data;
    const p: UserPreferences = prefs.get(n.userId)!;
    const data = rows.get(n.notificationId)!.data;
    const planned = planDeliveries({
      kind: n.kind,
      severity: n.severity,
      nowMs,
      preferences: p,
      rule: rules.get(n.userId)?.get(n.kind),
      defaultChannels: tierDefaults(config, p.tier).channels,
      targets: targets.get(n.userId)!,
      counters: counters.get(n.userId)!,
      ...(configured ? { configured } : {}),
    });
    for (const d of planned) {
      const id = uuidv7(nowMs);
      const handOver = d.status === 'pending' && d.dueAtMs <= nowMs && handoff?.reserve(1) === 1;
      if (handOver) {
        handed.push({
          id,
          channel: d.channel,
          target: d.target,
          attempts: 1,
          leaseUntilMs: leaseUntil!.getTime(),
          notification: {
            id: n.notificationId,
            userId: n.userId,
            kind: n.kind,
            severity: n.severity,
            title: n.title,
            body: n.body,
            data,
            createdAt: new Date(nowMs).toISOString(),
            locale: p.locale,
          },
        });
      } else if (d.status === 'pending') due = true;
      deliveries.push({
        id,
        notification_id: n.notificationId,
        user_id: n.userId,
        channel: d.channel,
        target: d.target,
        status: handOver ? 'sending' : d.status,
        next_attempt_at: new Date(d.dueAtMs),
        last_error: d.reason ?? null,
        ...(handOver ? { attempts: 1, lease_until: leaseUntil! } : {}),
      });
    }
  }
  await insertDeliveries(tx, deliveries);
  // The planner advanced each user's counter past what was stored: store the difference.
  await addToHourlyCounts(
    tx,
    new Map([...counters].map(([id, c]) => [id, c.lastHour - (stored.get(id) ?? 0)])),
    nowMs,
  );
  return { due, handed };
}

/** The `notify_notifications` row of a request. */
function notificationRow(n: NotificationRequestedData, nowMs: number): NotificationRow {
  return {
    id: n.notificationId,
    user_id: n.userId,
    kind: n.kind,
    severity: n.severity,
    title: n.title,
    body: n.body,
    data: { ...n.data, ...(n.url ? { url: n.url } : {}) },
    source_event_id: n.sourceEventId ?? null,
    created_at: new Date(nowMs),
  };
}

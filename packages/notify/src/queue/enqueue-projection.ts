/**
 * @module The enqueue consumer: `notification.requested` events become the notification row and
 * one queue row per (channel, target), in ONE transaction with the consumer's claim of the event
 * ids and its checkpoint (store's idempotent projection). A redelivered or replayed event changes
 * nothing, and a committed notification is never lost: the queue is in SQL, not in memory.
 */
import { uuidv7, type Clock, type EventEnvelope } from '@tickline/kernel';
import { createSqlProjection, insertRows, type Sql, type SqlProjection, type SqlTx } from '@tickline/store';
import type { NotifyConfig } from '../config.ts';
import { NotificationRequested, type NotificationRequestedData } from '../events.ts';
import { planDeliveries, type UserPreferences } from '../rules/plan-deliveries.ts';
import { ensureUsers, loadPreferences, loadRules, tierDefaults } from '../rules/preferences-sql.ts';
import { loadCounters, loadTargets } from './targets-sql.ts';

export const ENQUEUE_CONSUMER = 'notify-enqueue';

export interface EnqueueProjectionOptions {
  sql: Sql;
  config: NotifyConfig;
  clock: Clock;
  /** Called after a commit that queued deliveries due now (wakes the dispatcher). */
  onQueued?: () => void;
}

/** Creates the projection; its `handle` is the consumer runner's handler. */
export function createEnqueueProjection(options: EnqueueProjectionOptions): SqlProjection {
  const { config, clock } = options;
  let queuedDue = false;
  const projection = createSqlProjection({
    sql: options.sql,
    consumer: ENQUEUE_CONSUMER,
    project: async (tx, events) => {
      queuedDue = (await enqueue(tx, config, clock.now(), events)) || queuedDue;
    },
  });
  return {
    ...projection,
    handle: async (events, context) => {
      queuedDue = false;
      await projection.apply(events, context);
      if (queuedDue) options.onQueued?.();
    },
  };
}

/** Writes the notifications and their deliveries; true when any delivery is due now. */
export async function enqueue(
  tx: SqlTx,
  config: NotifyConfig,
  nowMs: number,
  events: readonly EventEnvelope[],
): Promise<boolean> {
  const requested = events.filter(
    (e) => e.type === NotificationRequested.type,
  ) as EventEnvelope<NotificationRequestedData>[];
  if (requested.length === 0) return false;
  const userIds = [...new Set(requested.map((e) => e.data.userId))];
  await ensureUsers(tx, userIds);
  const prefs = await loadPreferences(tx, config, userIds);
  const rules = await loadRules(tx, userIds);
  const counters = await loadCounters(tx, userIds, nowMs);
  const targets = await loadTargets(tx, userIds, new Map([...prefs].map(([id, p]) => [id, p.email])));
  const notifications: Record<string, unknown>[] = [];
  const deliveries: Record<string, unknown>[] = [];
  let due = false;
  for (const event of requested) {
    const n = event.data;
    const p: UserPreferences = prefs.get(n.userId)!;
    notifications.push({
      id: n.notificationId,
      user_id: n.userId,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body,
      data: { ...n.data, ...(n.url ? { url: n.url } : {}) },
      source_event_id: n.sourceEventId ?? null,
      created_at: new Date(nowMs),
    });
    const planned = planDeliveries({
      kind: n.kind,
      severity: n.severity,
      nowMs,
      preferences: p,
      rule: rules.get(n.userId)?.get(n.kind),
      defaultChannels: tierDefaults(config, p.tier).channels,
      targets: targets.get(n.userId)!,
      counters: counters.get(n.userId)!,
    });
    for (const d of planned) {
      if (d.status === 'pending') due = true;
      deliveries.push({
        id: uuidv7(nowMs),
        notification_id: n.notificationId,
        user_id: n.userId,
        channel: d.channel,
        target: d.target,
        status: d.status,
        next_attempt_at: new Date(d.dueAtMs),
        last_error: d.reason ?? null,
      });
    }
  }
  await insertRows(tx, {
    table: 'notify_notifications',
    columns: {
      id: 'uuid',
      user_id: 'uuid',
      kind: 'text',
      severity: 'text',
      title: 'text',
      body: 'text',
      data: 'jsonb',
      source_event_id: 'text',
      created_at: 'timestamptz',
    },
    rows: notifications,
  });
  if (deliveries.length > 0) {
    await insertRows(tx, {
      table: 'notify_deliveries',
      columns: {
        id: 'uuid',
        notification_id: 'uuid',
        user_id: 'uuid',
        channel: 'text',
        target: 'text',
        status: 'text',
        next_attempt_at: 'timestamptz',
        last_error: 'text',
      },
      rows: deliveries,
    });
  }
  return due;
}

/**
 * @module The operators' view of delivery: recent deliveries with their state, attempts and next
 * retry, the queue's counts and lag, every user's disabled or failing webhook endpoints, and a
 * replay of one delivery. Admin only (the routes check the role); reads across users.
 */
import type { Publisher } from '@tickline/eventlog';
import { createEventSource, type Clock } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { AdminDeliveries, AdminDelivery, AdminEndpoint, DeliveryStatus } from '@tickline/protocol';
import type { EndpointStore } from '../channels/webhook/endpoints-sql.ts';
import { NotifyError } from '../errors.ts';
import { AdminNoticeSent, type AdminNoticeSentData } from '../events.ts';

export interface NotifyAdminApiOptions {
  sql: Sql;
  clock: Clock;
  endpoints: EndpointStore;
  /** Where an admin notice is published (the matcher turns it into notifications). */
  publisher: Publisher;
  /** Wakes the dispatcher after a replay. */
  wake: () => void;
}

export interface DeliveryQuery {
  limit: number;
  status?: DeliveryStatus;
  channel?: string;
  /** Only this notification's deliveries. */
  notificationId?: string;
}

export interface NotifyAdminApi {
  deliveries(query: DeliveryQuery): Promise<AdminDeliveries>;
  troubledEndpoints(limit: number): Promise<AdminEndpoint[]>;
  /**
   * Queues one finished delivery again, due now.
   * @throws NOTIFY_DELIVERY_NOT_FOUND when there is none, or it is still queued
   */
  replay(deliveryId: string): Promise<void>;
  /**
   * Publishes `admin.notice.sent`; the matcher makes one notification per recipient, delivered by
   * their rules for `admin.notice`. Resolves with the event id.
   */
  sendNotice(notice: AdminNoticeSentData): Promise<{ eventId: string }>;
}

interface DeliveryRow {
  id: string;
  notification_id: string;
  user_id: string;
  kind: string;
  title: string;
  channel: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** States whose `next_attempt_at` is a future attempt rather than history. */
const WAITING: ReadonlySet<DeliveryStatus> = new Set(['pending', 'held', 'sending']);

const toDelivery = (r: DeliveryRow): AdminDelivery => ({
  id: r.id,
  notificationId: r.notification_id,
  userId: r.user_id,
  kind: r.kind,
  title: r.title,
  channel: r.channel,
  target: r.target,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: WAITING.has(r.status) ? r.next_attempt_at.toISOString() : null,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  deliveredAt: r.delivered_at?.toISOString() ?? null,
});

export function createNotifyAdminApi({
  sql,
  clock,
  endpoints,
  publisher,
  wake,
}: NotifyAdminApiOptions): NotifyAdminApi {
  const events = createEventSource({ source: 'notify/admin', clock });
  return {
    async sendNotice(notice) {
      const event = events.create(AdminNoticeSent, { subject: notice.userId ?? 'everyone', data: notice });
      publisher.publish(event);
      return { eventId: event.id };
    },
    async deliveries(query) {
      const now = new Date(clock.now());
      const [page, counts, lag] = await Promise.all([
        sql.query<DeliveryRow>(
          `select d.id, d.notification_id, d.user_id, n.kind, n.title, d.channel, d.target, d.status,
                  d.attempts, d.next_attempt_at, d.last_error, d.created_at, d.delivered_at
           from notify_deliveries d join notify_notifications n on n.id = d.notification_id
           where ($2::text is null or d.status = $2) and ($3::text is null or d.channel = $3)
             and ($4::uuid is null or d.notification_id = $4)
           order by d.created_at desc, d.id desc limit $1`,
          [query.limit, query.status ?? null, query.channel ?? null, query.notificationId ?? null],
        ),
        sql.query<{ status: string; n: number }>(
          'select status, count(*)::int as n from notify_deliveries group by status',
        ),
        sql.query<{ oldest: Date | null }>(
          `select min(next_attempt_at) as oldest from notify_deliveries
           where status = 'pending' and next_attempt_at <= $1`,
          [now],
        ),
      ]);
      const oldest = lag.rows[0]?.oldest;
      return {
        deliveries: page.rows.map(toDelivery),
        counts: Object.fromEntries(counts.rows.map((r) => [r.status, Number(r.n)])),
        lagSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
      };
    },
    async troubledEndpoints(limit) {
      return endpoints.listTroubled(limit);
    },
    async replay(deliveryId) {
      // Only finished rows: replaying a queued one would race the dispatcher that holds it.
      const { rowCount } = await sql.query(
        `update notify_deliveries set status = 'pending', next_attempt_at = $2, attempts = 0,
           lease_until = null, last_error = 'replay'
         where id = $1 and status in ('delivered', 'failed')`,
        [deliveryId, new Date(clock.now())],
      );
      if (rowCount === 0) {
        throw new NotifyError('NOTIFY_DELIVERY_NOT_FOUND', 'no finished delivery with that id', {
          details: { id: deliveryId },
        });
      }
      wake();
    },
  };
}

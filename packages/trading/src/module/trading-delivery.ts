/**
 * @module The trading channel delivery: live runs' events (order lifecycle, signals, pauses, fills
 * booked by a portfolio) go where `liveEventChannels` says — the owner's `user:{id}`, and a
 * strategy's signals also to `strategy:{id}:signals`, which only the strategy's owner (or an admin)
 * may subscribe to: the rule this module hands realtime (see {@link signalChannelRules}).
 */
import type { ChannelAccessRule, ChannelDelivery } from '@tickline/kernel';
import { hasAdminPower } from '@tickline/protocol';
import type { SqlQueryable } from '@tickline/store';
import { OrderEvents } from '../broker/events.ts';
import { LIVE_EVENTS, liveEventChannels } from '../live/live-events.ts';

/**
 * Durable consumer name (kept stable: renaming it replays or skips history). Until the split of
 * `trading` out of `strategy` these events were read by `strategy-delivery`; a delivery consumer
 * starts at the log head, as that one did (live fan-out, not replay).
 */
export const TRADING_DELIVERY_CONSUMER = 'trading-delivery';

export const tradingDelivery: ChannelDelivery = {
  name: TRADING_DELIVERY_CONSUMER,
  eventTypes: [...OrderEvents.map((e) => e.type), ...LIVE_EVENTS.map((e) => e.type)],
  create(sink) {
    return {
      deliver(events) {
        for (const event of events) {
          const message = { id: event.id, type: event.type, data: event.data };
          for (const channel of liveEventChannels(event.type, event.data)) sink.publish(channel, message);
        }
      },
    };
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may subscribe to `strategy:{id}:signals`: the strategy's owner, or an admin. Anyone else —
 * and anyone for a strategy that does not exist — gets realtime's refusal (`RT_FORBIDDEN`), so a
 * stranger cannot tell an unknown id from someone else's.
 */
export function signalChannelRules(sql: SqlQueryable): ChannelAccessRule[] {
  return [
    {
      pattern: 'strategy:{id}:signals',
      async allow(subscriber, { id }) {
        // Admin power is the role and, for a stream opened with an API key's ticket, the scope.
        if (hasAdminPower(subscriber)) return true;
        if (id === undefined || !UUID.test(id)) return false;
        const { rows } = await sql.query<{ user_id: string }>(
          'select user_id from strategies where id = $1',
          [id],
        );
        return rows[0]?.user_id === subscriber.userId;
      },
    },
  ];
}

/** The delivery of a running trading host: its events, and the rule of the signals channel. */
export function tradingDeliveryFor(sql: SqlQueryable): ChannelDelivery {
  return { ...tradingDelivery, rules: signalChannelRules(sql) };
}

/**
 * @module The strategy channel delivery: backtest and research progress and completion go to the owner's
 * `user:{id}` channel (the event subject), where only that user may subscribe — the same path
 * `account.snapshot.generated` takes. Live trading's events (order lifecycle, signals, pauses,
 * fills booked by a portfolio) go where `liveEventChannels` says: the owner's `user:{id}`, and a
 * strategy's signals also to `strategy:{id}:signals`, which only the strategy's owner (or an admin)
 * may subscribe to: the rule this module hands realtime (see {@link strategyChannelRules}).
 */
import type { ChannelAccessRule, ChannelDelivery } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import { OrderEvents } from '../broker/events.ts';
import { LIVE_EVENTS, liveEventChannels } from '../live/live-events.ts';
import { BacktestCompleted, BacktestProgress, ResearchCompleted, ResearchProgress } from './strategy-events.ts';
import { hasAdminPower } from '@tickline/protocol';

/** Durable consumer name (kept stable: renaming it replays or skips history). */
export const STRATEGY_DELIVERY_CONSUMER = 'strategy-delivery';

/** Backtest and research jobs: their owner's alone. */
const USER_TYPES = new Set([BacktestProgress.type, BacktestCompleted.type, ResearchProgress.type, ResearchCompleted.type]);

export const strategyDelivery: ChannelDelivery = {
  name: STRATEGY_DELIVERY_CONSUMER,
  eventTypes: [
    BacktestProgress.type,
    BacktestCompleted.type,
    ResearchProgress.type,
    ResearchCompleted.type,
    ...OrderEvents.map((e) => e.type),
    ...LIVE_EVENTS.map((e) => e.type),
  ],
  create(sink) {
    return {
      deliver(events) {
        for (const event of events) {
          const message = { id: event.id, type: event.type, data: event.data };
          if (USER_TYPES.has(event.type)) sink.publish(`user:${event.subject}`, message);
          else
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
export function strategyChannelRules(sql: SqlQueryable): ChannelAccessRule[] {
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

/** The delivery of a running strategy host: its events, and the rule of its signals channel. */
export function strategyDeliveryFor(sql: SqlQueryable): ChannelDelivery {
  return { ...strategyDelivery, rules: strategyChannelRules(sql) };
}

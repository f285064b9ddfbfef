/**
 * @module The strategy channel delivery: backtest progress and completion go to the owner's
 * `user:{id}` channel (the event subject), where only that user may subscribe — the same path
 * `account.snapshot.generated` takes. Live trading's events (order lifecycle, signals, pauses,
 * fills booked by a portfolio) go where `liveEventChannels` says: the owner's `user:{id}`, and a
 * strategy's signals also to `strategy:{id}:signals`.
 */
import type { ChannelDelivery } from '@tickline/kernel';
import { OrderEvents } from '../broker/events.ts';
import { LIVE_EVENTS, liveEventChannels } from '../live/live-events.ts';
import { BacktestCompleted, BacktestProgress } from './strategy-events.ts';

/** Durable consumer name (kept stable: renaming it replays or skips history). */
export const STRATEGY_DELIVERY_CONSUMER = 'strategy-delivery';

const BACKTEST_TYPES = new Set([BacktestProgress.type, BacktestCompleted.type]);

export const strategyDelivery: ChannelDelivery = {
  name: STRATEGY_DELIVERY_CONSUMER,
  eventTypes: [
    BacktestProgress.type,
    BacktestCompleted.type,
    ...OrderEvents.map((e) => e.type),
    ...LIVE_EVENTS.map((e) => e.type),
  ],
  create(sink) {
    return {
      deliver(events) {
        for (const event of events) {
          const message = { id: event.id, type: event.type, data: event.data };
          if (BACKTEST_TYPES.has(event.type)) sink.publish(`user:${event.subject}`, message);
          else
            for (const channel of liveEventChannels(event.type, event.data)) sink.publish(channel, message);
        }
      },
    };
  },
};

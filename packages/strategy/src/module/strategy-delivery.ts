/**
 * @module The strategy channel delivery: backtest, research and history-download progress and completion go to the
 * owner's `user:{id}` channel (the event subject), where only that user may subscribe — the same
 * path `account.snapshot.generated` takes. Live runs' events (orders, signals, pauses, portfolio
 * fills) are `@tickline/trading`'s delivery.
 */
import type { ChannelDelivery } from '@tickline/kernel';
import {
  BacktestCompleted,
  BacktestProgress,
  HistoryDownloadCompleted,
  HistoryDownloadProgress,
  ResearchCompleted,
  ResearchProgress,
} from './strategy-events.ts';

/** Durable consumer name (kept stable: renaming it replays or skips history). */
export const STRATEGY_DELIVERY_CONSUMER = 'strategy-delivery';

export const strategyDelivery: ChannelDelivery = {
  name: STRATEGY_DELIVERY_CONSUMER,
  eventTypes: [
    BacktestProgress.type,
    BacktestCompleted.type,
    ResearchProgress.type,
    ResearchCompleted.type,
    HistoryDownloadProgress.type,
    HistoryDownloadCompleted.type,
  ],
  create(sink) {
    return {
      deliver(events) {
        for (const event of events)
          sink.publish(`user:${event.subject}`, { id: event.id, type: event.type, data: event.data });
      },
    };
  },
};

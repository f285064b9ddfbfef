/**
 * @module The market-delivery consumer (gateway role): market events from the main log onto the
 * hub's public channels — `market:{symbol}:trades` (every trade), `market:{symbol}:candles:{interval}`
 * (forming updates and closes), `market:{symbol}:indicators:{interval}` (live indicator values
 * after each candle of a live interval) — and a throttled `market:{symbol}:ticker`: at most one message per
 * `tickerIntervalMs` per symbol, carrying the latest-value store's ticker (last price, 24 h stats).
 * Where no collector runs in the process, the consumer also feeds the latest-value store and keeps
 * the last status of each source; each change also goes out on `market:sources` with every
 * source's status, and each ticker carries its whole last trade, so a gateway that takes only its
 * clients' channels from the delivery log can answer the ticker and sources routes from the newest
 * message of those channels.
 * Symbols come from validated events; the composition root's sink also refuses a channel name
 * that is not one (a foreign producer).
 */
import {
  createBeatService,
  uuidv7,
  type ChannelDelivery,
  type ChannelSink,
  type EventEnvelope,
  type Service,
} from '@tickline/kernel';
import {
  MarketCandleClosed,
  MarketCandleUpdated,
  MarketIndicatorsUpdated,
  MarketSourceStatus,
  MarketTrade,
} from '../candles/events.ts';
import type { LatestStore } from '../latest/latest-store.ts';
import type { Candle, Trade } from '../port/market-message.ts';
import type { SourceStatusChange } from '../port/source-status.ts';
import type { SourceView } from './market-view.ts';

export const MARKET_DELIVERY_CONSUMER = 'market-delivery';
/** Type of the messages on `market:{symbol}:ticker`. */
export const TICKER_MESSAGE_TYPE = 'market.ticker';
/** Type of the messages on `market:sources`. */
export const SOURCES_MESSAGE_TYPE = 'market.sources';

/** Channel names. */
export const marketChannel = {
  trades: (symbol: string) => `market:${symbol}:trades`,
  candles: (symbol: string, interval: string) => `market:${symbol}:candles:${interval}`,
  ticker: (symbol: string) => `market:${symbol}:ticker`,
  indicators: (symbol: string, interval: string) => `market:${symbol}:indicators:${interval}`,
  sources: 'market:sources',
};

/** The event types the delivery reads. */
export const MARKET_DELIVERY_TYPES: readonly string[] = [
  MarketTrade.type,
  MarketCandleUpdated.type,
  MarketCandleClosed.type,
  MarketIndicatorsUpdated.type,
  MarketSourceStatus.type,
];

/** Options for {@link createMarketDelivery}. */
export interface MarketDeliveryOptions {
  sink: ChannelSink;
  latest: LatestStore;
  /** Write trades into `latest` (false when the collector in this process already does). */
  feedLatest: boolean;
  /** Called with each `market.source.status` seen; returns every source's status to publish. */
  onSourceStatus?: (change: SourceStatusChange) => readonly SourceView[];
  /** @default 250 */
  tickerIntervalMs: number;
}

/** The handler and the ticker beat beside it. */
export interface MarketDelivery {
  deliver(events: readonly EventEnvelope[]): void;
  /** Publishes the ticker of each symbol that traded since the last beat. */
  readonly ticker: Service;
}

export function createMarketDelivery(options: MarketDeliveryOptions): MarketDelivery {
  const { sink } = options;
  const dirty = new Set<string>();

  function publishTickers(): void {
    for (const symbol of dirty) {
      const ticker = options.latest.get(symbol);
      if (!ticker) continue;
      sink.publish(marketChannel.ticker(symbol), {
        id: uuidv7(),
        type: TICKER_MESSAGE_TYPE,
        data: {
          symbol,
          last: ticker.lastTrade.price,
          lastSize: ticker.lastTrade.size,
          lastSide: ticker.lastTrade.side,
          lastTradeAt: ticker.lastTrade.exchangeTime,
          stats24h: ticker.stats24h,
          lastTrade: ticker.lastTrade,
        },
      });
    }
    dirty.clear();
  }

  function deliver(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      switch (event.type) {
        case MarketTrade.type: {
          const trade = event.data as Trade;
          if (options.feedLatest) options.latest.write(trade);
          dirty.add(trade.symbol);
          sink.publish(marketChannel.trades(trade.symbol), { id: event.id, type: event.type, data: trade });
          break;
        }
        case MarketCandleUpdated.type:
        case MarketCandleClosed.type: {
          const candle = event.data as Candle;
          sink.publish(marketChannel.candles(candle.symbol, candle.interval), {
            id: event.id,
            type: event.type,
            data: candle,
          });
          break;
        }
        case MarketIndicatorsUpdated.type: {
          const data = event.data as { symbol: string; interval: string };
          sink.publish(marketChannel.indicators(data.symbol, data.interval), {
            id: event.id,
            type: event.type,
            data,
          });
          break;
        }
        case MarketSourceStatus.type: {
          const sources = options.onSourceStatus?.(event.data as SourceStatusChange);
          if (sources)
            sink.publish(marketChannel.sources, {
              id: uuidv7(),
              type: SOURCES_MESSAGE_TYPE,
              data: { sources },
            });
          break;
        }
      }
    }
  }

  const ticker = createBeatService({
    name: 'market-ticker',
    intervalMs: options.tickerIntervalMs,
    beat: async () => publishTickers(),
  });
  return { deliver, ticker };
}

/** What {@link marketDelivery} reads of the market host (structural: the host builds a delivery too). */
interface DeliveringHost {
  readonly view: { readonly latest: LatestStore; readonly feedLatest: boolean };
  readonly tickerIntervalMs: number;
  noteSourceStatus(change: SourceStatusChange): readonly SourceView[];
}

/** The market's channel delivery on a process with a hub (gateway, all). */
export function marketDelivery(host: DeliveringHost): ChannelDelivery {
  return {
    name: MARKET_DELIVERY_CONSUMER,
    eventTypes: MARKET_DELIVERY_TYPES,
    create(sink) {
      const delivery = createMarketDelivery({
        sink,
        latest: host.view.latest,
        feedLatest: host.view.feedLatest,
        onSourceStatus: (change) => host.noteSourceStatus(change),
        tickerIntervalMs: host.tickerIntervalMs,
      });
      return { deliver: (events) => delivery.deliver(events), services: [delivery.ticker] };
    },
  };
}

/**
 * @module The market-delivery consumer (gateway role): market events from the main log onto the
 * hub's public channels — `market:{symbol}:trades` (every trade), `market:{symbol}:candles:{interval}`
 * (forming updates and closes), `market:{symbol}:indicators:{interval}` (live indicator values
 * after each candle of a live interval) — and a throttled `market:{symbol}:ticker`: at most one message per
 * `tickerIntervalMs` per symbol, carrying the latest-value store's ticker (last price, 24 h stats).
 * Where no collector runs in the process, the consumer also feeds the latest-value store and keeps
 * the last status of each source, so the ticker and sources routes work on a gateway alone.
 */
import type { EventHandler } from '@tickline/eventlog';
import { uuidv7, type EventEnvelope } from '@tickline/kernel';
import type { Candle, LatestStore, SourceStatusChange, Trade } from '@tickline/market';
import { isValidChannelName, type Hub } from '@tickline/realtime';

export const MARKET_DELIVERY_CONSUMER = 'market-delivery';
/** Type of the messages on `market:{symbol}:ticker`. */
export const TICKER_MESSAGE_TYPE = 'market.ticker';

const TRADE = 'market.trade';
const CANDLE_UPDATED = 'market.candle.updated';
const CANDLE_CLOSED = 'market.candle.closed';
const SOURCE_STATUS = 'market.source.status';
const INDICATORS = 'market.indicators.updated';

/** Channel names. */
export const marketChannel = {
  trades: (symbol: string) => `market:${symbol}:trades`,
  candles: (symbol: string, interval: string) => `market:${symbol}:candles:${interval}`,
  ticker: (symbol: string) => `market:${symbol}:ticker`,
  indicators: (symbol: string, interval: string) => `market:${symbol}:indicators:${interval}`,
};

/** Options for {@link createMarketDelivery}. */
export interface MarketDeliveryOptions {
  hub: () => Hub;
  latest: LatestStore;
  /** Write trades into `latest` (false when the collector in this process already does). */
  feedLatest: boolean;
  /** Called with each `market.source.status` seen. */
  onSourceStatus?: (change: SourceStatusChange) => void;
  /** @default 250 */
  tickerIntervalMs: number;
}

/** The consumer handler and the ticker timer around it. */
export interface MarketDelivery {
  handle: EventHandler;
  /** Starts the ticker timer. */
  start(): void;
  stop(): void;
}

export function createMarketDelivery(options: MarketDeliveryOptions): MarketDelivery {
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  function publish(channel: string, event: { id: string; type: string; data: unknown }): void {
    // Symbols come from validated events; the check guards against a foreign producer.
    if (isValidChannelName(channel)) options.hub().publish(channel, event);
  }

  function publishTickers(): void {
    for (const symbol of dirty) {
      const ticker = options.latest.get(symbol);
      if (!ticker) continue;
      publish(marketChannel.ticker(symbol), {
        id: uuidv7(),
        type: TICKER_MESSAGE_TYPE,
        data: {
          symbol,
          last: ticker.lastTrade.price,
          lastSize: ticker.lastTrade.size,
          lastSide: ticker.lastTrade.side,
          lastTradeAt: ticker.lastTrade.exchangeTime,
          stats24h: ticker.stats24h,
        },
      });
    }
    dirty.clear();
  }

  const handle: EventHandler = async function deliverMarketEvents(events: EventEnvelope[]) {
    for (const event of events) {
      switch (event.type) {
        case TRADE: {
          const trade = event.data as Trade;
          if (options.feedLatest) options.latest.write(trade);
          dirty.add(trade.symbol);
          publish(marketChannel.trades(trade.symbol), { id: event.id, type: event.type, data: trade });
          break;
        }
        case CANDLE_UPDATED:
        case CANDLE_CLOSED: {
          const candle = event.data as Candle;
          publish(marketChannel.candles(candle.symbol, candle.interval), {
            id: event.id,
            type: event.type,
            data: candle,
          });
          break;
        }
        case INDICATORS: {
          const data = event.data as { symbol: string; interval: string };
          publish(marketChannel.indicators(data.symbol, data.interval), {
            id: event.id,
            type: event.type,
            data,
          });
          break;
        }
        case SOURCE_STATUS:
          options.onSourceStatus?.(event.data as SourceStatusChange);
          break;
      }
    }
  };

  return {
    handle,
    start() {
      timer ??= setInterval(publishTickers, options.tickerIntervalMs).unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

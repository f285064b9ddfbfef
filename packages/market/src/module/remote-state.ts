/**
 * @module Market state on a gateway that takes only its clients' channels from the delivery log
 * (scaled mode): no trade reaches it unless a client watches the symbol, so the ticker and sources
 * routes read the newest `market:{symbol}:ticker` / `market:sources` message the log holds (one
 * direct get each), kept for a short while so a burst of requests costs one read.
 */
import type { ChannelMessage } from '@tickline/kernel';
import type { SourcesMessage, TickerMessage } from '@tickline/protocol';
import type { Ticker } from '../latest/latest-store.ts';
import { marketChannel } from './market-delivery.ts';
import type { SourceView } from './market-view.ts';

/** Where the newest message of a channel comes from (realtime's host, `liveState`). */
export interface LiveState {
  latest(channel: string): Promise<ChannelMessage | undefined>;
}

/** Market state read from the delivery log. */
export interface RemoteMarketState {
  ticker(symbol: string): Promise<Ticker | undefined>;
  sources(): Promise<SourceView[]>;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** Reads no more often than every `cacheMs` per channel (the ticker's own period is a fit). */
export function createRemoteMarketState(live: LiveState, cacheMs: number): RemoteMarketState {
  const cache = new Map<string, Cached<unknown>>();
  function read<T>(channel: string, convert: (data: unknown) => T): Promise<T> {
    const now = performance.now();
    const hit = cache.get(channel);
    if (hit && now - hit.at < cacheMs) return hit.value as Promise<T>;
    const value = live.latest(channel).then((message) => convert(message?.data));
    // A failed read is not kept: the next request tries again.
    value.catch(() => cache.delete(channel));
    cache.set(channel, { at: now, value });
    return value;
  }
  return {
    ticker: (symbol) =>
      read(marketChannel.ticker(symbol), (data) => {
        const message = data as TickerMessage | undefined;
        if (!message?.lastTrade) return undefined;
        return { symbol, lastTrade: message.lastTrade, stats24h: message.stats24h, version: 0 };
      }),
    sources: () =>
      read(marketChannel.sources, (data) => [...((data as SourcesMessage | undefined)?.sources ?? [])]),
  };
}

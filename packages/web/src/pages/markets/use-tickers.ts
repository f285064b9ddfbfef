/** @module Live tickers of some symbols from `market:{symbol}:ticker` (the gateway sends at most a few per second). */
import { useEvents } from '@tickline/client/react';
import { useState } from 'react';
import { Channel, EventType, type TickerMessage } from '@tickline/protocol';

/** The latest ticker per symbol, plus when it arrived (for a flash on change). */
export function useTickers(
  symbols: readonly string[],
): ReadonlyMap<string, TickerMessage & { receivedAt: number }> {
  const [tickers, setTickers] = useState<ReadonlyMap<string, TickerMessage & { receivedAt: number }>>(
    new Map(),
  );
  useEvents<TickerMessage>(
    [EventType.MarketTicker],
    (event) =>
      setTickers((current) =>
        new Map(current).set(event.data.symbol, { ...event.data, receivedAt: Date.now() }),
      ),
    { channels: symbols.map(Channel.marketTicker) },
  );
  return tickers;
}

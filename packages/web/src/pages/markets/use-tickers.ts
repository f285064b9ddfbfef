/** @module Live tickers of some symbols from `market:{symbol}:ticker` (the gateway sends at most a few per second). */
import { useEvents } from '@tickline/client/react';
import { useState } from 'react';
import { marketChannel, TICKER_EVENT, type TickerMessage } from './market-types.ts';

/** The latest ticker per symbol, plus when it arrived (for a flash on change). */
export function useTickers(
  symbols: readonly string[],
): ReadonlyMap<string, TickerMessage & { receivedAt: number }> {
  const [tickers, setTickers] = useState<ReadonlyMap<string, TickerMessage & { receivedAt: number }>>(
    new Map(),
  );
  useEvents<TickerMessage>(
    [TICKER_EVENT],
    (event) =>
      setTickers((current) =>
        new Map(current).set(event.data.symbol, { ...event.data, receivedAt: Date.now() }),
      ),
    { channels: symbols.map(marketChannel.ticker) },
  );
  return tickers;
}

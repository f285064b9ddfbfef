/**
 * @module The interval a market's page opens at. A market collected here opens at 1 s, its newest
 * candles. A market with imported history only (no source here: `configured: false`, e.g. a
 * venue's 2021 klines uploaded as ETH-BTC) has no 1 s candles and never will; its page used to
 * open on an empty 1 s chart saying candles "appear as trades arrive". It opens at the first
 * interval in {@link HISTORY_FIRST} that has candles instead (one small read per interval tried).
 */
import type { CandleInterval, MarketSummary } from '@tickline/protocol';
import { useSession } from '../../app/session.tsx';
import { useAsync } from '../../components/use-async.ts';

/** Where history usually is: the intervals venues publish klines at, research's first. */
export const HISTORY_FIRST: readonly CandleInterval[] = ['1h', '1d', '1m', '15m', '5m', '1s'];

/**
 * The interval to open `symbol` at; undefined while it is being found. `listed` tells whether the
 * market list has answered (`market` is then the symbol's entry, undefined when it has none).
 */
export function useOpeningInterval(
  symbol: string,
  market: MarketSummary | undefined,
  listed: boolean,
): CandleInterval | undefined {
  const { client } = useSession();
  const historyOnly = market !== undefined && !market.configured;
  const found = useAsync(async () => {
    if (!historyOnly) return '1s';
    const exchange = market.exchanges[0];
    for (const interval of HISTORY_FIRST) {
      const query = new URLSearchParams({ interval, limit: '1', ...(exchange ? { exchange } : {}) });
      const { candles } = await client.requestPublic<{ candles: unknown[] }>({
        method: 'GET',
        path: `/api/v1/markets/${encodeURIComponent(symbol)}/candles?${query.toString()}`,
      });
      if (candles.length > 0) return interval;
    }
    return '1s';
  }, [client, symbol, historyOnly]);
  // Nothing is probed until the market list answers, nor for a market it does not hold.
  if (!listed) return undefined;
  return found.status === 'loading' ? undefined : (found.data ?? '1s');
}

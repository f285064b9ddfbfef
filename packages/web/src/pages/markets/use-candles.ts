/**
 * @module Candles of one symbol and interval: history from the API, then live updates from
 * `market:{symbol}:candles:{interval}` merged by open time (a forming candle is replaced in place,
 * a new one appended). A stream gap reloads the history.
 */
import { useEvents } from '@tickline/client/react';
import { useCallback, useState } from 'react';
import { useSession } from '../../app/session.tsx';
import { useAsync } from '../../components/use-async.ts';
import { Channel, EventType, type AdjustModeName, type Candle, type CandleInterval } from '@tickline/protocol';
import { candlesQuery } from './price-adjustment.ts';

/** The events of a candles channel: a forming candle changed, a candle closed. */
const CANDLE_EVENTS = [EventType.MarketCandleUpdated, EventType.MarketCandleClosed] as const;
/** Candles loaded and kept (the API's default page). */
const HISTORY_LIMIT = 500;

export interface CandlesState {
  status: 'loading' | 'error' | 'ready';
  error?: unknown;
  candles: readonly Candle[];
  /** Live updates applied since the history loaded. */
  updates: number;
  reload: () => void;
}

/**
 * `adjust` back-adjusts the history for corporate actions (price-adjustment.ts); live candles need
 * none: they are after every ex date the history knows.
 */
export function useCandles(
  symbol: string,
  interval: CandleInterval,
  exchange: string | undefined,
  adjust: AdjustModeName = 'none',
): CandlesState {
  const { client } = useSession();
  const [live, setLive] = useState<{ key: string; candles: Candle[]; updates: number }>();
  const key = `${symbol}/${interval}/${exchange ?? ''}/${adjust}`;
  const history = useAsync(async () => {
    const answer = await client.requestPublic<{ candles: Candle[] }>({
      method: 'GET',
      path: `/api/v1/markets/${encodeURIComponent(symbol)}/candles?${candlesQuery(interval, HISTORY_LIMIT, exchange, adjust)}`,
    });
    setLive({ key, candles: answer.candles, updates: 0 });
    return answer.candles;
  }, [client, key]);

  const apply = useCallback(
    (candle: Candle) =>
      setLive((current) => {
        if (!current || current.key !== key) return current;
        if (exchange && candle.exchange !== exchange) return current;
        return { ...current, candles: merge(current.candles, candle), updates: current.updates + 1 };
      }),
    [key, exchange],
  );
  useEvents<Candle>(CANDLE_EVENTS, (event) => apply(event.data), {
    channels: [Channel.marketCandles(symbol, interval)],
    onReset: history.reload,
  });

  const candles = live?.key === key ? live.candles : (history.data ?? []);
  return {
    status: history.status,
    error: history.status === 'error' ? history.error : undefined,
    candles,
    updates: live?.key === key ? live.updates : 0,
    reload: history.reload,
  };
}

function merge(candles: Candle[], candle: Candle): Candle[] {
  const last = candles[candles.length - 1];
  if (!last || candle.openTime > last.openTime) return [...candles, candle].slice(-HISTORY_LIMIT);
  const index = candles.findLastIndex((c) => c.openTime === candle.openTime);
  if (index < 0) return candles; // older than the window: not shown
  const next = candles.slice();
  next[index] = candle;
  return next;
}

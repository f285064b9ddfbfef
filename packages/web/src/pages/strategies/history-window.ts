/**
 * @module The window a backtest or research form opens on: the held history series with the most
 * candles (`GET /api/v1/history/series` — the shipped Binance history on a fresh install, or what
 * the user downloaded), so the first click runs on data instead of answering STRATEGY_NO_DATA.
 * Without any history the forms keep their own defaults (recent recorded candles).
 */
import type { HistorySeries } from '@tickline/protocol';
import { useEffect, useState } from 'react';
import { useSession } from '../../app/session.tsx';
import { utcInputValue } from './backtest-range.ts';

export interface FormWindow {
  symbol: string;
  interval: string;
  /** `datetime-local` values, UTC. */
  from: string;
  to: string;
}

/** The series with the most candles, as form values; undefined when none is held. */
export function historyWindow(series: readonly HistorySeries[]): FormWindow | undefined {
  const s = series[0];
  if (!s) return undefined;
  return {
    symbol: s.symbol,
    interval: s.interval,
    from: utcInputValue(Date.parse(s.from)),
    to: utcInputValue(Date.parse(s.to)),
  };
}

/**
 * {@link historyWindow} of the server's history, read once. `ready` turns true when the answer (or
 * a failure) came: a form renders only then, so its defaults never change under the user's typing.
 */
export function useHistoryWindow(): { ready: boolean; window?: FormWindow | undefined } {
  const { client } = useSession();
  const [state, setState] = useState<{ ready: boolean; window?: FormWindow | undefined }>({ ready: false });
  useEffect(() => {
    let live = true;
    client
      .request<{ series: HistorySeries[] }>({ method: 'GET', path: '/api/v1/history/series?limit=1' })
      .then(
        (r) => live && setState({ ready: true, window: historyWindow(r.series) }),
        // The forms keep their own defaults.
        () => live && setState({ ready: true }),
      );
    return () => {
      live = false;
    };
  }, [client]);
  return state;
}

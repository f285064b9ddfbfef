/**
 * @module What STRATEGY_NO_DATA tells a user to do: the exact `tickline market download` for the
 * range asked, and the dashboard's Get history view, which any signed-in user may use.
 */
import { isHistoryVenue, parseEquitySymbol } from '@tickline/market';

export interface NoDataQuery {
  symbol: string;
  interval: string;
  from: number;
  to: number;
  exchange?: string | undefined;
}

/** The download that fills `q`, as a command, plus where the dashboard does the same. */
export function noDataHint(q: NoDataQuery): { command: string; text: string } {
  const share = parseEquitySymbol(q.symbol);
  const own = share ? (share.exchange === 'US' ? 'alpaca' : 'kis') : 'binance';
  const venue = q.exchange && isHistoryVenue(q.exchange) ? q.exchange : own;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const command = `tickline market download --symbol ${q.symbol} --interval ${q.interval} --venue ${venue} --from ${iso(q.from)} --to ${iso(q.to)}`;
  return {
    command,
    text: `get the history first: \`${command}\`, or the dashboard's Markets → Get history`,
  };
}

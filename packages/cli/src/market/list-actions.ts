/**
 * @module `tickline market list`: the markets a server collects or holds, each with its venues,
 * last price, a share's exchange and currency, and its exchange's session now (open, closing
 * when; closed, opening when; a pair 24/7), from `GET /api/v1/markets`.
 */
import { sessionText } from '@tickline/client';
import type { MarketSummary } from '@tickline/protocol';
import { alignColumns } from '../columns.ts';
import type { CliIo } from '../io.ts';
import { publicApiClient, type ApiOptions } from '../api/api-client.ts';
import { serverApi } from './history-over-api.ts';

export interface MarketListOptions extends ApiOptions {
  config?: string;
  json?: boolean;
}

/** The markets as aligned columns. */
export function formatMarkets(markets: readonly MarketSummary[]): string {
  if (markets.length === 0) return 'no markets\n';
  const head = ['symbol', 'exchange', 'currency', 'venues', 'last', 'session'];
  const rows = markets.map((m) => [
    m.symbol,
    m.listing ? `${m.listing.exchange} (${m.listing.name})` : '-',
    m.listing?.currency ?? '-',
    m.exchanges.join(',') || '-',
    m.lastPrice === null ? '-' : String(m.lastPrice),
    sessionText(m.session, m.listing) + (m.session.holiday ? ` (${m.session.holiday})` : ''),
  ]);
  return `${alignColumns(head, rows).join('\n')}\n`;
}

/** `market list`. */
export async function listMarketsCommand(
  io: CliIo,
  o: MarketListOptions,
  fetchFn?: typeof fetch,
): Promise<void> {
  // A public route: no sign-in needed (a stored credential is sent all the same).
  const call = publicApiClient(io, serverApi(io, o.config, o), fetchFn);
  const { markets } = await call<{ markets: MarketSummary[] }>('GET', '/markets');
  io.out(o.json ? `${JSON.stringify({ markets })}\n` : formatMarkets(markets));
}

/**
 * @module Markets: every symbol with its live ticker, a share's exchange and session badge, and
 * the status of each market source.
 */
import type { ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePolling } from '../../components/use-polling.ts';
import type { MarketSummary, SourceStatus } from '@tickline/protocol';
import { formatPercent, formatPrice } from './market-format.ts';
import { useTickers } from './use-tickers.ts';
import { listingText, SessionBadge, useSessionReload } from './session-badge.tsx';

/** Source status has no stream of its own: re-read this often. */
const SOURCES_REFRESH_MS = 5_000;

export function MarketsPage(): ReactNode {
  const { client } = useSession();
  const markets = useAsync(
    async () =>
      (await client.requestPublic<{ markets: MarketSummary[] }>({ method: 'GET', path: '/api/v1/markets' }))
        .markets,
    [client],
  );
  const symbols = (markets.data ?? []).map((m) => m.symbol);
  const tickers = useTickers(symbols);
  useSessionReload(markets.data, markets.reload);

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Markets</h1>
        <p className="muted">
          Prices update live from the stream. Pick a market for its chart, or{' '}
          <Link to="/history">get history</Link> from a venue to backtest and research on.
        </p>
      </header>
      <div className="grid markets-layout">
        <section className="card" aria-labelledby="markets-title">
          <h2 id="markets-title">Symbols</h2>
          {markets.status === 'error' && !markets.data ? (
            <ErrorState error={markets.error} onRetry={markets.reload} />
          ) : !markets.data ? (
            <Loading label="Loading markets…" />
          ) : markets.data.length === 0 ? (
            <Empty title="No markets yet">Configure market sources and symbols, then they appear here.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Session</th>
                  <th scope="col" className="num">
                    Last
                  </th>
                  <th scope="col" className="num">
                    24h
                  </th>
                  <th scope="col" className="num hide-phone">
                    24h volume
                  </th>
                </tr>
              </thead>
              <tbody>
                {markets.data.map((market) => {
                  const ticker = tickers.get(market.symbol);
                  const change = ticker?.stats24h?.changePercent;
                  return (
                    <tr key={market.symbol} data-symbol={market.symbol}>
                      <th scope="row">
                        <Link to={`/markets/${encodeURIComponent(market.symbol)}`}>{market.symbol}</Link>
                        <div className="muted small">
                          {[listingText(market), market.exchanges.join(', ') || 'no trades yet']
                            .filter(Boolean)
                            .join(' · ')}
                        </div>
                      </th>
                      <td>
                        <SessionBadge market={market} />
                      </td>
                      <td className="num" data-testid="ticker-last">
                        <span key={ticker?.receivedAt} className="flash">
                          {formatPrice(ticker?.last ?? market.lastPrice)}
                        </span>
                      </td>
                      <td className={`num ${change === undefined ? '' : change >= 0 ? 'up' : 'down'}`}>
                        {formatPercent(change)}
                      </td>
                      <td className="num hide-phone">
                        {ticker?.stats24h
                          ? ticker.stats24h.volume.toLocaleString(undefined, { maximumFractionDigits: 2 })
                          : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
        <SourcesCard />
      </div>
    </main>
  );
}

const SOURCE_PILL: Record<SourceStatus['state'], string> = {
  live: 'pill pill-good',
  connecting: 'pill pill-warn',
  stale: 'pill pill-warn',
  backing_off: 'pill pill-warn',
  failed: 'pill pill-bad',
};

/** Source status, re-read every few seconds. */
export function SourcesCard(): ReactNode {
  const { client } = useSession();
  const sources = usePolling(
    async () =>
      (
        await client.requestPublic<{ sources: SourceStatus[] }>({
          method: 'GET',
          path: '/api/v1/markets/sources',
        })
      ).sources,
    SOURCES_REFRESH_MS,
    [client],
  );
  const { reload } = sources;
  return (
    <section className="card" aria-labelledby="sources-title">
      <h2 id="sources-title">Sources</h2>
      {sources.status === 'error' && !sources.data ? (
        <ErrorState error={sources.error} onRetry={reload} />
      ) : !sources.data ? (
        <Loading label="Loading sources…" />
      ) : sources.data.length === 0 ? (
        <Empty title="No sources running" />
      ) : (
        <ul className="source-list">
          {sources.data.map((source) => (
            <li key={source.name}>
              <div className="row">
                <strong>{source.name}</strong>
                <span className={SOURCE_PILL[source.state]}>{source.state.replace('_', ' ')}</span>
              </div>
              <div className="muted small">
                {source.exchange}
                {source.tradesPerSecond !== undefined
                  ? ` · ${source.tradesPerSecond.toFixed(1)} trades/s`
                  : ''}
                {source.rejected ? ` · ${source.rejected} rejected` : ''}
                {source.detail ? ` · ${source.detail}` : ''}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * @module One market: live ticker, candlestick chart with an interval switch (history from the
 * API, live candles from the stream), overlays (SMA, EMA, Bollinger) and panes (RSI, MACD), and
 * the signals of the user's live strategies on this symbol marked on the candles as they arrive.
 * A share's chart is split-adjusted by default (a switch offers total return and raw prices); its
 * header names the exchange and currency and shows the session badge.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { formatQuantity } from '../portfolio/portfolio-format.ts';
import { useSignalFeed } from '../live/use-signal-feed.ts';
import { CandleChart, OVERLAYS, PANES, type ChartSignal, type Indicator } from './candle-chart.tsx';
import { CANDLE_INTERVALS, type AdjustModeName, type CandleInterval, type MarketSummary } from '@tickline/protocol';
import { ADJUSTMENTS, defaultAdjustment, isShare } from './price-adjustment.ts';
import { formatPercent, formatPrice } from './market-format.ts';
import { useCandles } from './use-candles.ts';
import { useOpeningInterval } from './use-opening-interval.ts';
import { useTickers } from './use-tickers.ts';
import { listingText, SessionBadge, useSessionReload } from './session-badge.tsx';

const LABELS: Record<Indicator, string> = {
  sma: 'SMA 20',
  ema: 'EMA 50',
  bollinger: 'Bollinger 20/2',
  rsi: 'RSI 14',
  macd: 'MACD 12/26/9',
};

export function MarketPage({ symbol }: { symbol: string }): ReactNode {
  const { client } = useSession();
  const [picked, setChartInterval] = useState<CandleInterval>();
  const [indicators, setIndicators] = useState<ReadonlySet<Indicator>>(new Set(['sma', 'rsi']));
  const markets = useAsync(
    async () =>
      (await client.requestPublic<{ markets: MarketSummary[] }>({ method: 'GET', path: '/api/v1/markets' }))
        .markets,
    [client],
  );
  const market = markets.data?.find((m) => m.symbol === symbol);
  useSessionReload(market ? [market] : undefined, markets.reload);
  const exchange = market?.exchanges[0];
  const opening = useOpeningInterval(symbol, market, markets.data !== undefined);
  const interval = picked ?? opening ?? '1s';
  const [pickedAdjust, setAdjust] = useState<{ symbol: string; adjust: AdjustModeName }>();
  const adjust = pickedAdjust?.symbol === symbol ? pickedAdjust.adjust : defaultAdjustment(symbol);
  const candles = useCandles(symbol, interval, exchange, adjust);
  const ticker = useTickers([symbol]).get(symbol);
  const change = ticker?.stats24h?.changePercent;
  // Where live trading does not run here the list fails: the chart then marks arrivals only.
  const runs = useAsync(() => client.liveStrategies.list(), [client]);
  const feed = useSignalFeed(runs.data);
  const signals = useMemo<ChartSignal[]>(
    () =>
      feed
        .filter((s) => s.symbol === symbol)
        .map((s) => ({
          time: s.candleCloseTime,
          side: s.side,
          text: `${s.side} ${formatQuantity(s.quantity)}`,
        })),
    [feed, symbol],
  );

  const toggle = (name: Indicator) =>
    setIndicators((current) => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });

  return (
    <main id="main" className="page">
      <header className="page-header market-header">
        <div>
          <p className="muted small">
            <Link to="/markets">Markets</Link> / {symbol}
          </p>
          <h1>{symbol}</h1>
          <p className="muted market-listing">
            {market ? (
              <>
                <span data-testid="market-listing">
                  {[listingText(market), exchange ? `via ${exchange}` : ''].filter(Boolean).join(' · ') || ' '}
                </span>{' '}
                <SessionBadge market={market} />
              </>
            ) : markets.data ? (
              'Not collected here'
            ) : (
              ' '
            )}
          </p>
        </div>
        <div className="market-price" aria-live="off">
          <span className="stat-value" data-testid="market-last">
            {formatPrice(ticker?.last ?? market?.lastPrice)}
          </span>
          <span className={change === undefined ? 'muted' : change >= 0 ? 'up' : 'down'}>
            {formatPercent(change)} 24h
          </span>
        </div>
      </header>
      <section className="card chart-card" aria-label={`${symbol} chart`}>
        <div className="chart-toolbar">
          <div role="radiogroup" aria-label="Interval" className="segmented">
            {CANDLE_INTERVALS.map((value) => (
              <button
                key={value}
                type="button"
                role="radio"
                aria-checked={interval === value}
                className={interval === value ? 'segment segment-on' : 'segment'}
                onClick={() => setChartInterval(value)}
              >
                {value}
              </button>
            ))}
          </div>
          {isShare(symbol) ? (
            <div role="radiogroup" aria-label="Prices" className="segmented">
              {ADJUSTMENTS.map(({ value, label }) => (
                <button
                  key={value}
                  type="button"
                  role="radio"
                  aria-checked={adjust === value}
                  className={adjust === value ? 'segment segment-on' : 'segment'}
                  onClick={() => setAdjust({ symbol, adjust: value })}
                >
                  {label}
                </button>
              ))}
            </div>
          ) : null}
          <fieldset className="indicator-toggles">
            <legend className="visually-hidden">Indicators</legend>
            {[...OVERLAYS, ...PANES].map((name) => (
              <label key={name} className="check">
                <input type="checkbox" checked={indicators.has(name)} onChange={() => toggle(name)} />
                {LABELS[name]}
              </label>
            ))}
          </fieldset>
        </div>
        {candles.status === 'error' && candles.candles.length === 0 ? (
          <ErrorState error={candles.error} onRetry={candles.reload} />
        ) : candles.status === 'loading' && candles.candles.length === 0 ? (
          <Loading label="Loading candles…" />
        ) : null}
        <CandleChart
          candles={candles.candles}
          signals={signals}
          viewKey={`${symbol}/${interval}`}
          indicators={indicators}
          label={`${symbol} ${interval} candlestick chart, ${candles.candles.length} candles${candles.updates ? `, ${candles.updates} live updates` : ''}${signals.length ? `, ${signals.length} strategy signals` : ''}`}
        />
        {candles.status === 'ready' && candles.candles.length === 0 && (picked ?? opening) ? (
          <p className="muted">
            {market && !market.configured
              ? `No ${interval} candles: ${symbol} has no live source here, so only imported history shows.`
              : `No ${interval} candles yet: they appear as trades arrive.`}
          </p>
        ) : null}
      </section>
    </main>
  );
}

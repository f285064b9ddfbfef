/**
 * @module A backtest's results: status, metrics, equity and drawdown, the price with trades
 * marked and the strategy's plot series, the breakdowns per pair, exit reason and day, the trade
 * list a page at a time, and the log with a search (a run still queued or running shows its result
 * when it ends); `/backtests/compare/:ids` shows several runs' metrics side by side.
 */
import { useEvents } from '@tickline/client/react';
import { EventType, type BacktestCompletedEvent, type BacktestTrade } from '@tickline/protocol';
import { useEffect, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { EquityChart, TradesChart, type PriceCandle } from './backtest-charts.tsx';
import { BacktestLog } from './backtest-log.tsx';
import { utcRangeText } from './backtest-range.ts';
import { BacktestTrades } from './backtest-trades.tsx';
import { loadRangeCandles } from './chart-candles.ts';
import { MetricsTable } from './metrics-table.tsx';

/** The stream says when a run ends; the poll only covers a dropped stream. */
const ACTIVE_POLL_MS = 5_000;

export function BacktestPage({ id }: { id: string }): ReactNode {
  const { client } = useSession();
  const state = useAsync(async () => {
    const detail = await client.backtests.get(id);
    if (detail.backtest.status !== 'succeeded')
      return { detail, curves: null, trades: [] as BacktestTrade[], candles: [] };
    const [curves, { trades }] = await Promise.all([
      client.backtests.equity(id),
      client.backtests.trades(id),
    ]);
    const b = detail.backtest;
    // Page by page to the run's end: one request holds 5,000 bars (chart-candles.ts).
    const page = async (from: number, to: number, limit: number) => {
      const query = new URLSearchParams({
        interval: b.interval,
        from: String(from),
        to: String(to),
        limit: String(limit),
      });
      const { candles } = await client.requestPublic<{ candles: PriceCandle[] }>({
        method: 'GET',
        path: `/api/v1/markets/${encodeURIComponent(b.symbol)}/candles?${query.toString()}`,
      });
      return candles;
    };
    const candles = await loadRangeCandles(page, Date.parse(b.from), Date.parse(b.to));
    return { detail, curves, trades, candles };
  }, [client, id]);
  // A run opened while queued or running (a research set's backtest opens here at once) shows its
  // result when it ends: from `backtest.completed` on the user's stream, a slow poll behind it.
  const { reload } = state;
  useEvents<BacktestCompletedEvent>([EventType.BacktestCompleted], (event) => {
    if (event.data.backtestId === id) reload();
  });
  const status = state.data?.detail.backtest.status;
  const active = status === 'queued' || status === 'running';
  useEffect(() => {
    if (!active) return undefined;
    const timer = setTimeout(reload, ACTIVE_POLL_MS);
    return () => clearTimeout(timer);
  });
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <ErrorState error={state.error} onRetry={state.reload} />
      </main>
    );
  if (state.data === undefined)
    return (
      <main id="main" className="page">
        <Loading />
      </main>
    );
  const { detail, curves, trades, candles } = state.data;
  const b = detail.backtest;
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>
          Backtest {b.symbol} {b.interval}
        </h1>
        <p className="muted">
          <Link to={`/strategies/${b.strategyId}`}>strategy v{b.version}</Link> · {utcRangeText(b.from)} →{' '}
          {utcRangeText(b.to)} · <span data-testid="backtest-status">{b.status}</span>
          {b.error ? ` · ${b.error.code}: ${b.error.message}` : ''}
        </p>
      </header>
      {detail.result && curves ? (
        <div className="stack">
          <section className="card" aria-labelledby="metrics-title">
            <h2 id="metrics-title">Metrics</h2>
            <MetricsTable columns={[{ label: `v${b.version}`, metrics: detail.result.metrics }]} />
          </section>
          <section className="card" aria-labelledby="equity-title">
            <h2 id="equity-title">Equity and drawdown</h2>
            <EquityChart curves={curves} />
          </section>
          <section className="card" aria-labelledby="trades-title">
            <h2 id="trades-title">Trades on the price</h2>
            <TradesChart candles={candles} trades={trades} plots={detail.result.plots} />
            <BacktestTrades trades={trades} />
          </section>
          <section className="card" aria-labelledby="log-title">
            <h2 id="log-title">Log</h2>
            <BacktestLog lines={detail.result.logs} />
          </section>
        </div>
      ) : null}
    </main>
  );
}

export function CompareBacktestsPage({ ids }: { ids: string }): ReactNode {
  const { client } = useSession();
  const list = ids.split(',').filter(Boolean).slice(0, 6);
  const state = useAsync(() => Promise.all(list.map((id) => client.backtests.get(id))), [client, ids]);
  if (state.status === 'error')
    return (
      <main id="main" className="page">
        <ErrorState error={state.error} onRetry={state.reload} />
      </main>
    );
  if (state.data === undefined)
    return (
      <main id="main" className="page">
        <Loading />
      </main>
    );
  const columns = state.data.flatMap((d) =>
    d.result
      ? [
          {
            label: `v${d.backtest.version} ${d.backtest.symbol} ${d.backtest.id.slice(-6)}`,
            metrics: d.result.metrics,
          },
        ]
      : [],
  );
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Compare backtests</h1>
      </header>
      <section className="card">
        <MetricsTable columns={columns} />
      </section>
    </main>
  );
}

/**
 * @module Trade results as FreqUI shows them, for a portfolio or a live run: the profit summary
 * (realized and unrealized, wins and losses, fees, per run, pair, exit reason and day) and the
 * closed trades (entry, exit, quantity, fees, duration, profit and %), a page at a time. The
 * breakdown table and the trade columns are shared with the backtest page.
 */
import type { ClosedTradesResponse, ProfitBucket, ProfitSummary } from '@tickline/client';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { formatPrice } from '../markets/market-format.ts';
import { formatPnl, formatQuantity, pnlClass } from './portfolio-format.ts';
import { formatDuration, formatPct } from './results-format.ts';
import { ORDER_EVENTS, useSettledEvents } from './use-portfolio.ts';

/** Closed trades a page shows. */
const PAGE = 20;
const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

/** Whose results: a portfolio's (all its runs and manual trades) or one live run's. */
export type ResultsSource = { kind: 'portfolio'; id: string } | { kind: 'run'; id: string };

/** Closed trades grouped by one key (pair, exit reason, day, run). */
export function BreakdownTable(props: { title: string; buckets: readonly ProfitBucket[] }): ReactNode {
  if (props.buckets.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="table" data-testid={`breakdown-${props.title.toLowerCase().replace(/\s+/g, '-')}`}>
        <thead>
          <tr>
            <th scope="col">{props.title}</th>
            <th className="num">Trades</th>
            <th className="num">Wins / losses</th>
            <th className="num">Profit</th>
            <th className="num">%</th>
            <th className="num hide-phone">Fees</th>
          </tr>
        </thead>
        <tbody>
          {props.buckets.map((b) => (
            <tr key={b.key} data-key={b.key}>
              <th scope="row">{b.key}</th>
              <td className="num">{b.trades}</td>
              <td className="num">
                {b.wins} / {b.losses}
              </td>
              <td className={`num ${pnlClass(b.profit)}`}>{formatPnl(b.profit)}</td>
              <td className={`num ${pnlClass(b.profit)}`}>{formatPct(b.profitPct)}</td>
              <td className="num hide-phone">{formatPnl(-b.fees)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stat(props: { label: string; value: string; tone?: number; testId?: string }): ReactNode {
  return (
    <div className="stat">
      <span className="stat-label">{props.label}</span>
      <span
        className={`stat-value ${props.tone === undefined ? '' : pnlClass(props.tone)}`}
        data-testid={props.testId}
      >
        {props.value}
      </span>
    </div>
  );
}

export function ProfitSummaryView(props: { profit: ProfitSummary; showRuns: boolean }): ReactNode {
  const p = props.profit;
  return (
    <div className="stack">
      <div className="portfolio-stats" data-testid="profit-summary">
        <Stat label="Realized" value={formatPnl(p.realized)} tone={p.realized} testId="profit-realized" />
        <Stat
          label="Unrealized"
          value={formatPnl(p.unrealized)}
          tone={p.unrealized}
          testId="profit-unrealized"
        />
        <Stat label="Closed trades" value={String(p.trades)} testId="profit-trades" />
        <Stat label="Win rate" value={p.trades > 0 ? `${Math.round(p.winRate * 100)} %` : '—'} />
        <Stat label="Fees" value={formatPnl(-p.fees)} />
        <Stat label="Avg duration" value={p.trades > 0 ? formatDuration(p.avgDurationMs) : '—'} />
      </div>
      {props.showRuns && p.byRun.length > 1 ? <BreakdownTable title="Run" buckets={p.byRun} /> : null}
      <BreakdownTable title="Pair" buckets={p.byPair} />
      <BreakdownTable title="Exit reason" buckets={p.byExitReason} />
      <BreakdownTable title="Day" buckets={p.byDay} />
    </div>
  );
}

/** One closed trade as a row; the backtest page maps its trades onto it. */
export interface TradeRow {
  key: string;
  symbol: string;
  direction: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  fees: number;
  profit: number;
  profitPct: number;
  reason: string;
}

export function ClosedTradesTable(props: { rows: readonly TradeRow[] }): ReactNode {
  return (
    <div className="table-scroll">
      <table className="table" data-testid="closed-trades">
        <thead>
          <tr>
            <th scope="col">Pair</th>
            <th>Entry</th>
            <th className="hide-phone">Exit</th>
            <th className="num">Quantity</th>
            <th className="num">Entry price</th>
            <th className="num">Exit price</th>
            <th className="num hide-phone">Fees</th>
            <th className="num">Duration</th>
            <th className="num">Profit</th>
            <th className="num">%</th>
            <th className="hide-phone">Exit reason</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((t) => (
            <tr key={t.key} data-symbol={t.symbol}>
              <th scope="row">
                {t.symbol}
                <div className="muted small">{t.direction}</div>
              </th>
              <td>{time(t.entryTime)}</td>
              <td className="hide-phone">{time(t.exitTime)}</td>
              <td className="num" data-testid="trade-quantity">
                {formatQuantity(t.quantity)}
              </td>
              <td className="num">{formatPrice(t.entryPrice)}</td>
              <td className="num">{formatPrice(t.exitPrice)}</td>
              <td className="num hide-phone" data-testid="trade-fees">
                {formatPnl(-t.fees)}
              </td>
              <td className="num" data-testid="trade-duration">
                {formatDuration(t.exitTime - t.entryTime)}
              </td>
              <td className={`num ${pnlClass(t.profit)}`}>{formatPnl(t.profit)}</td>
              <td className={`num ${pnlClass(t.profit)}`}>{formatPct(t.profitPct)}</td>
              <td className="hide-phone">{t.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / next page buttons and where we are. */
export function Pager(props: {
  page: number;
  pages?: number;
  hasNext: boolean;
  onPage: (page: number) => void;
}): ReactNode {
  return (
    <div className="row" data-testid="pager">
      <button
        type="button"
        className="button button-small"
        disabled={props.page === 0}
        onClick={() => props.onPage(props.page - 1)}
      >
        ← Newer
      </button>
      <span className="muted small" data-testid="pager-page">
        Page {props.page + 1}
        {props.pages === undefined ? '' : ` of ${props.pages}`}
      </span>
      <button
        type="button"
        className="button button-small"
        disabled={!props.hasNext}
        onClick={() => props.onPage(props.page + 1)}
      >
        Older →
      </button>
    </div>
  );
}

/** The profit summary and the closed trades of `source`, refreshed on order events. */
export function TradeResults(props: { source: ResultsSource }): ReactNode {
  const { client } = useSession();
  const { kind, id } = props.source;
  // The cursor of each page reached so far: page n is read with cursors[n].
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState(0);
  const cursor = cursors[page];
  const profit = useAsync(
    () => (kind === 'run' ? client.liveStrategies.profit(id) : client.portfolios.profit(id)),
    [client, kind, id],
  );
  const trades = useAsync(
    (): Promise<ClosedTradesResponse> =>
      kind === 'run'
        ? client.liveStrategies.trades(id, { cursor, limit: PAGE })
        : client.portfolios.trades(id, { cursor, limit: PAGE }),
    [client, kind, id, cursor],
  );
  useSettledEvents(ORDER_EVENTS, () => {
    profit.reload();
    trades.reload();
  });
  const next = trades.data?.nextCursor;
  const turn = (to: number) => {
    if (to > page && next !== undefined) setCursors([...cursors.slice(0, to), next]);
    setPage(to);
  };

  if (profit.status === 'error' && !profit.data)
    return <ErrorState error={profit.error} onRetry={profit.reload} />;
  if (!profit.data) return <Loading label="Loading results…" />;
  return (
    <div className="stack" data-testid="trade-results">
      <ProfitSummaryView profit={profit.data} showRuns={kind === 'portfolio'} />
      {trades.status === 'error' && !trades.data ? (
        <ErrorState error={trades.error} onRetry={trades.reload} />
      ) : null}
      {trades.data && trades.data.total === 0 ? (
        <Empty title="No closed trades yet">A trade shows here once its position is back to flat.</Empty>
      ) : null}
      {trades.data && trades.data.total > 0 ? (
        <>
          <ClosedTradesTable
            rows={trades.data.trades.map((t) => ({ ...t, key: t.id, reason: t.exitReason }))}
          />
          <Pager
            page={page}
            pages={Math.ceil(trades.data.total / PAGE)}
            hasNext={next !== undefined}
            onPage={turn}
          />
        </>
      ) : null}
    </div>
  );
}

/**
 * @module A research run (`/research/:id`): progress while it runs (from `research.progress` on the
 * user's stream, with a slow poll behind it), then its report —
 * the look-ahead verdict, the recursive (warm-up) check, the walk-forward windows, the ranked parameter sets
 * with their equity curves and "use this set" (parameter-sets.tsx) — and the overfitting
 * measures every report carries.
 */
import { useEvents } from '@tickline/client/react';
import { EventType, type ResearchCompletedEvent, type ResearchProgressEvent } from '@tickline/protocol';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { utcRangeText } from '../strategies/backtest-range.ts';
import { RecursiveCard } from './recursive-card.tsx';
import { ParameterSets, setText } from './parameter-sets.tsx';
import {
  RESEARCH_KIND_NAMES,
  type Overfitting,
  type ResearchDetail,
  type ResearchReport,
} from './research-types.ts';

/** The stream carries progress; the poll only covers a dropped stream. */
const POLL_MS = 5_000;
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const fixed = (v: number | null, d = 3) => (v === null ? '–' : v.toFixed(d));
const day = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);

export function ResearchPage({ id }: { id: string }): ReactNode {
  const { client } = useSession();
  const state = useAsync(
    () =>
      client.request<ResearchDetail>({ method: 'GET', path: `/api/v1/research/${encodeURIComponent(id)}` }),
    [client, id],
  );
  const [streamed, setStreamed] = useState<number>();
  const { reload } = state;
  useEvents<ResearchProgressEvent | ResearchCompletedEvent>(
    [EventType.ResearchProgress, EventType.ResearchCompleted],
    (event) => {
      if (event.data.researchId !== id) return;
      if ('progress' in event.data) setStreamed(event.data.progress);
      else reload();
    },
  );
  const status = state.data?.research.status;
  const active = status === 'queued' || status === 'running';
  useEffect(() => {
    if (!active) return undefined;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  });
  if (state.status === 'error' && state.data === undefined)
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
  const { research: r, report } = state.data;
  const done = Math.max(r.progress, streamed ?? 0);
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>
          {RESEARCH_KIND_NAMES[r.kind]} · {r.feeds.map((f) => `${f.symbol} ${f.interval}`).join(', ')}
        </h1>
        <p className="muted">
          <Link to={`/strategies/${r.strategyId}`}>strategy v{r.version}</Link> · {utcRangeText(r.from)} →{' '}
          {utcRangeText(r.to)} · <span data-testid="research-status">{r.status}</span>
          {active ? ` ${pct(done)}` : ''}
          {r.error ? ` · ${r.error.code}: ${r.error.message}` : ''}
        </p>
        {r.estimate ? (
          <p className="muted" data-testid="research-estimate">
            Estimated before it ran: {r.estimate.summary}
          </p>
        ) : null}
        {active ? (
          <progress
            className="progress-wide"
            max={1}
            value={done}
            aria-label="research progress"
            data-testid="research-progress"
          >
            {pct(done)}
          </progress>
        ) : null}
      </header>
      {report ? <ReportView report={report} researchId={r.id} strategyId={r.strategyId} /> : null}
    </main>
  );
}

/**
 * A window's score, or a dash that says why there is none: Sharpe and Sortino come from per-bar
 * returns (a window needs two bars and some variation, Sortino a losing bar), Calmar from a CAGR
 * (30 days or more) and a drawdown.
 */
function Score({ value }: { value: number | null }): ReactNode {
  if (value !== null) return fixed(value);
  return (
    <abbr
      className="muted"
      title="No score: the window's returns do not vary, it has no loss or drawdown to divide by, or (Calmar) it spans under 30 days, too short for a CAGR."
    >
      n/a
    </abbr>
  );
}

function ReportView({
  report,
  researchId,
  strategyId,
}: {
  report: ResearchReport;
  researchId: string;
  strategyId: string;
}): ReactNode {
  return (
    <div className="stack">
      <OverfittingCard overfitting={report.overfitting} />
      {report.lookahead ? (
        <section className="card" aria-labelledby="lookahead-title">
          <h2 id="lookahead-title">Look-ahead check</h2>
          <p data-testid="lookahead-verdict">
            {report.lookahead.ok
              ? `Clean: ${report.lookahead.signals} orders identical at ${report.lookahead.cutoffs.length} cut points.`
              : `${report.lookahead.differences.length} cut points changed earlier orders: the strategy reads data it could not have had.`}
          </p>
          {report.lookahead.differences.length > 0 ? (
            <ul>
              {report.lookahead.differences.map((d) => (
                <li key={d.cutoff}>
                  cut at {day(d.cutoff)}: first differing order at {day(d.time)}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      {report.recursive ? <RecursiveCard report={report.recursive} /> : null}
      {report.walkForward ? (
        <section className="card" aria-labelledby="wf-title">
          <h2 id="wf-title">Walk-forward</h2>
          <p>
            Out-of-sample return {pct(report.walkForward.totalReturn)}, max drawdown{' '}
            {pct(report.walkForward.maxDrawdown)}, per-bar Sharpe{' '}
            {fixed(report.walkForward.outOfSampleBarSharpe, 4)}
          </p>
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Out of sample</th>
                  <th>Chosen parameters</th>
                  <th className="num">In-sample score</th>
                  <th className="num">Out-of-sample score</th>
                  <th className="num">Return</th>
                  <th className="num">Trades</th>
                </tr>
              </thead>
              <tbody>
                {report.walkForward.windows.map((w) => (
                  <tr key={w.outSample.from}>
                    <td>
                      {day(w.outSample.from)} → {day(w.outSample.to)}
                    </td>
                    <td>{setText(w.bestParams)}</td>
                    <td className="num">
                      <Score value={w.inSampleScore} />
                    </td>
                    <td className="num">
                      <Score value={w.outSampleScore} />
                    </td>
                    <td className="num">{pct(w.outSampleReturn)}</td>
                    <td className="num">{w.outSampleTrades}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {report.search ? (
        <ParameterSets
          researchId={researchId}
          strategyId={strategyId}
          objective={report.search.objective}
          trials={report.search.trials}
        />
      ) : null}
    </div>
  );
}

function OverfittingCard({ overfitting: o }: { overfitting: Overfitting }): ReactNode {
  return (
    <section className="card" aria-labelledby="overfit-title">
      <h2 id="overfit-title">Overfitting</h2>
      <dl className="metrics">
        <dt>Deflated Sharpe ratio</dt>
        <dd data-testid="dsr">
          {fixed(o.deflatedSharpe.value, 4)}{' '}
          <span className="muted">
            probability the best of {o.deflatedSharpe.trials} trials
            {o.priorTrials ? ` (${o.priorTrials} of them declared as tried before)` : ''} beats luck (per-bar
            SR {fixed(o.deflatedSharpe.sharpe, 4)} vs {fixed(o.deflatedSharpe.benchmark, 4)} expected from
            chance)
          </span>
        </dd>
        <dt>Probability of backtest overfitting</dt>
        <dd data-testid="pbo">
          {o.pbo ? (
            <>
              {fixed(o.pbo.value, 4)}{' '}
              <span className="muted">
                share of {o.pbo.splits} CSCV splits where the in-sample best fell below the out-of-sample
                median
              </span>
            </>
          ) : (
            <span className="muted">n/a: {o.pboNote}</span>
          )}
        </dd>
      </dl>
    </section>
  );
}

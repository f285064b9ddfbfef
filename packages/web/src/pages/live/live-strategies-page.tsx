/**
 * @module Live strategies: run a strategy version on live feeds of the paper portfolio, and watch
 * each run — running or paused (with the reason), candles seen, its last signal, its logs — with
 * pause, resume, stop, stop entries and force exit; below, the feed of every run's signals as they arrive on `user:{id}`.
 * Signals, pauses and order events on `user:{id}` also refresh the list at once.
 */
import type { LiveRun, StrategySummary } from '@tickline/client';
import { EventType } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { Link } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePolling } from '../../components/use-polling.ts';
import { codedErrorText } from '../portfolio/portfolio-format.ts';
import { ORDER_EVENTS, usePortfolio, useSettledEvents } from '../portfolio/use-portfolio.ts';
import { EnableLiveForm } from './enable-live-form.tsx';
import { dataHealthText, pauseText, positionText, signalText, timeText } from './live-format.ts';
import { RunExitControls } from './run-exit-controls.tsx';
import { ParityPanel } from './parity-panel.tsx';
import { RunResults } from './run-results.tsx';
import { SignalFeed } from './signal-feed.tsx';
import { useSignalFeed } from './use-signal-feed.ts';

/** Candle counts move without an event on the user's channel: re-read this often. */
const RUNS_REFRESH_MS = 10_000;

export function LiveStrategiesPage(): ReactNode {
  const { client } = useSession();
  const portfolio = usePortfolio();
  const runs = usePolling(() => client.liveStrategies.list(), RUNS_REFRESH_MS, [client]);
  const strategies = useAsync(() => client.strategies.list(), [client]);
  // Fills move a run's position: its card shows what a force exit would close.
  useSettledEvents([EventType.StrategySignal, EventType.StrategyLivePaused, ...ORDER_EVENTS], runs.reload);
  const signals = useSignalFeed(runs.data);
  const initial = new URLSearchParams(window.location.search).get('strategy') ?? undefined;

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Live strategies</h1>
        <p className="muted">
          A live run executes a saved version on each closed candle — the same engine as the backtest — and
          trades your paper <Link to="/portfolio">portfolio</Link>.
        </p>
      </header>
      <div className="stack">
        <div className="grid live-layout">
          <section className="card stack" aria-labelledby="enable-title">
            <h2 id="enable-title">Run a strategy live</h2>
            {portfolio.data ? (
              <EnableLiveForm
                portfolioId={portfolio.data.portfolioId}
                {...(initial === undefined ? {} : { initialStrategy: initial })}
                onEnabled={() => runs.reload()}
              />
            ) : portfolio.status === 'error' ? (
              <ErrorState error={portfolio.error} onRetry={portfolio.reload} />
            ) : (
              <Loading label="Waiting for your paper portfolio…" />
            )}
          </section>
          <section className="card stack" aria-labelledby="runs-title">
            <h2 id="runs-title">Runs</h2>
            {runs.status === 'error' && !runs.data ? (
              <ErrorState error={runs.error} onRetry={runs.reload} />
            ) : !runs.data ? (
              <Loading />
            ) : runs.data.length === 0 ? (
              <Empty title="Nothing runs live yet">Pick a strategy version and its feeds to start one.</Empty>
            ) : (
              <RunList runs={runs.data} strategies={strategies.data ?? []} onChange={runs.reload} />
            )}
          </section>
        </div>
        <section className="card stack" aria-labelledby="signals-title">
          <h2 id="signals-title">Signals</h2>
          <SignalFeed signals={signals} strategies={strategies.data ?? []} />
        </section>
      </div>
    </main>
  );
}

function RunList(props: {
  runs: readonly LiveRun[];
  strategies: readonly StrategySummary[];
  onChange: () => void;
}): ReactNode {
  const { client } = useSession();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const names = new Map(props.strategies.map((s) => [s.id, s.name]));

  async function act(run: LiveRun, what: 'pause' | 'resume' | 'disable') {
    setBusy(run.id);
    setError(undefined);
    try {
      await client.liveStrategies[what](run.id);
    } catch (caught) {
      setError(codedErrorText(caught));
    } finally {
      setBusy(undefined);
      props.onChange();
    }
  }

  return (
    <>
      <FormError message={error} />
      <ul className="run-list" data-testid="live-runs">
        {props.runs.map((run) => {
          const last = run.lastSignals[run.lastSignals.length - 1];
          const reason = pauseText(run);
          const health = dataHealthText(run);
          return (
            <li key={run.id} className="run" data-run={run.id} data-state={run.state}>
              <div className="row spread">
                <div>
                  <Link to={`/strategies/${encodeURIComponent(run.strategyId)}`}>
                    <strong>{run.strategyName ?? names.get(run.strategyId) ?? run.strategyId}</strong>
                  </Link>{' '}
                  <span className="muted">v{run.version}</span>
                </div>
                <span
                  className={run.state === 'running' ? 'pill pill-good' : 'pill pill-warn'}
                  data-testid="run-state"
                >
                  {run.state}
                </span>
              </div>
              {reason ? (
                <p className="run-pause small" role="note" data-testid="pause-reason">
                  {reason}
                </p>
              ) : null}
              {health ? (
                <p className="run-pause small" role="note" data-testid="data-health">
                  {health}
                </p>
              ) : null}
              <dl className="run-facts small">
                <div>
                  <dt>Candles</dt>
                  <dd>{run.candles}</dd>
                </div>
                <div>
                  <dt>Signals</dt>
                  <dd>{run.signals}</dd>
                </div>
                <div>
                  <dt>Position</dt>
                  <dd data-testid="run-position">{positionText(run)}</dd>
                </div>
                <div>
                  <dt>Last candle</dt>
                  <dd>{timeText(run.lastCandleTime)}</dd>
                </div>
                <div className="grow">
                  <dt>Last signal</dt>
                  <dd data-testid="last-signal">
                    {last ? (
                      <>
                        <span className={`side-${last.side}`}>{signalText(last)}</span>
                        {last.reason ? <span className="muted"> · {last.reason}</span> : null}
                      </>
                    ) : (
                      <span className="muted">none yet</span>
                    )}
                  </dd>
                </div>
              </dl>
              <div className="row">
                {run.state === 'running' ? (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={busy === run.id}
                    onClick={() => void act(run, 'pause')}
                  >
                    Pause
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button-small button-primary"
                    disabled={busy === run.id}
                    onClick={() => void act(run, 'resume')}
                  >
                    Resume
                  </button>
                )}
                <button
                  type="button"
                  className="button button-small button-danger"
                  disabled={busy === run.id}
                  onClick={() => void act(run, 'disable')}
                >
                  Stop
                </button>
                <RunExitControls run={run} onChange={props.onChange} />
                {run.logs.length > 0 ? (
                  <details className="run-logs">
                    <summary>Logs ({run.logs.length})</summary>
                    <pre>
                      {run.logs
                        .map((l) => `${timeText(l.time)}  ${l.warmup ? 'warm-up  ' : ''}${l.text}`)
                        .join('\n')}
                    </pre>
                  </details>
                ) : null}
              </div>
              <ParityPanel run={run} />
              <RunResults runId={run.id} />
            </li>
          );
        })}
      </ul>
    </>
  );
}

/**
 * @module Live strategies per strategy process: each process (member, pid, its CPU time) with the
 * runs it holds — state, candles, signals, the sandbox CPU time, failures and the last error — and
 * a pause. Gathered from every strategy process by the operations API; re-read every few seconds.
 */
import { isTicklineApiError } from '@tickline/client';
import type { AdminLivePaused, AdminLiveRun, AdminLiveStrategies, StrategyProcess } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { timeText } from '../live/live-format.ts';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';

/** What the owner reads after "Paused by an administrator:". */
const PAUSE_REASON = 'paused from the Operations page';

/** CPU milliseconds as a person reads them: ms below a second, then seconds, then minutes. */
export function cpuText(ms: number): string {
  if (ms < 1_000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function LiveStrategiesPanel(): ReactNode {
  const { client } = useSession();
  const live = usePolling(
    () => client.request<AdminLiveStrategies>({ method: 'GET', path: `${ADMIN}/live-strategies` }),
    ADMIN_REFRESH_MS,
    [client],
  );
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<string>();

  async function pause(run: AdminLiveRun) {
    if (!window.confirm(`Pause ${run.strategyId} v${run.version} of ${run.userId}? Its owner is told.`))
      return;
    setBusy(run.id);
    try {
      const paused = await client.request<AdminLivePaused>({
        method: 'POST',
        path: `${ADMIN}/live-strategies/${encodeURIComponent(run.id)}/pause`,
        body: { reason: PAUSE_REASON },
      });
      setMessage(`Paused ${paused.run.strategyId} on ${paused.member}.`);
      live.reload();
    } catch (error) {
      setMessage(errorMessage(error));
    } finally {
      setBusy(undefined);
    }
  }

  // No strategy process answering is a state of the deployment, not a failed request.
  const failure = live.status === 'error' ? live.error : undefined;
  const noProcess = isTicklineApiError(failure) && failure.code === 'EVLOG_RPC_NO_RESPONDER';
  const processes = live.data?.processes;
  return (
    <section className="card stack" aria-labelledby="live-admin-title">
      <h2 id="live-admin-title">Live strategies</h2>
      {message ? (
        <p className="muted" role="status" data-testid="live-admin-message">
          {message}
        </p>
      ) : null}
      {noProcess && !processes ? (
        <Empty title="No strategy process answers">
          Live strategies run on processes of the strategy role; none is reachable now.
        </Empty>
      ) : live.status === 'error' && !processes ? (
        <ErrorState error={live.error} onRetry={live.reload} />
      ) : !processes ? (
        <Loading label="Asking the strategy processes…" />
      ) : processes.length === 0 ? (
        <Empty title="No strategy process answers" />
      ) : (
        <div className="table-scroll">
          <table data-testid="live-admin">
            <thead>
              <tr>
                <th scope="col">Strategy</th>
                <th scope="col">Owner</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Candles
                </th>
                <th scope="col" className="num">
                  Signals
                </th>
                <th scope="col" className="num">
                  CPU time
                </th>
                <th scope="col">Errors</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            {processes.map((p) => (
              <ProcessRows key={p.member} process={p} busy={busy} onPause={(run) => void pause(run)} />
            ))}
          </table>
        </div>
      )}
    </section>
  );
}

function ProcessRows(props: {
  process: StrategyProcess;
  busy: string | undefined;
  onPause: (run: AdminLiveRun) => void;
}): ReactNode {
  const { process: p } = props;
  return (
    <tbody data-member={p.member}>
      <tr className="group-row">
        <th scope="colgroup" colSpan={8}>
          {p.member}{' '}
          <span className="muted small">
            pid {p.pid} · process CPU {cpuText(p.cpuMs)}
          </span>
        </th>
      </tr>
      {p.runs.length === 0 ? (
        <tr>
          <td colSpan={8} className="muted small">
            No live strategy runs here.
          </td>
        </tr>
      ) : (
        p.runs.map((run) => (
          <tr key={run.id} data-run={run.id} data-state={run.state}>
            <th scope="row">
              {run.strategyId} <span className="muted">v{run.version}</span>
              <div className="muted small">last candle {timeText(run.lastCandleTime)}</div>
            </th>
            <td className="small mono" title={run.userId}>
              {run.userId.slice(0, 8)}
            </td>
            <td>
              <span className={run.state === 'running' ? 'pill pill-good' : 'pill pill-warn'}>
                {run.state}
              </span>
              {run.pause ? <div className="muted small">{run.pause.code}</div> : null}
            </td>
            <td className="num">{run.candles}</td>
            <td className="num">{run.signals}</td>
            <td className="num" data-testid="run-cpu">
              {cpuText(run.cpuMs)}
            </td>
            <td data-testid="run-errors">
              {run.errors === 0 ? (
                <span className="muted">0</span>
              ) : (
                <>
                  <span className="down">{run.errors}</span>
                  {run.lastError ? (
                    <div className="small" title={run.lastError.reason}>
                      {run.lastError.code} · {timeText(run.lastError.at)}
                    </div>
                  ) : null}
                </>
              )}
            </td>
            <td>
              {run.state === 'running' ? (
                <button
                  type="button"
                  className="button button-small"
                  disabled={props.busy === run.id}
                  onClick={() => props.onPause(run)}
                >
                  Pause
                </button>
              ) : null}
            </td>
          </tr>
        ))
      )}
    </tbody>
  );
}

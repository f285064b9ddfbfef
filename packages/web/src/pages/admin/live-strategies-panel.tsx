/**
 * @module Live strategies per strategy process: each process (member, pid, its CPU time) with the
 * runs it holds — strategy name, owner and portfolio, state, candles, signals, the sandbox CPU
 * time, failures and the last error — a pause, and the admin kill switch on the run's portfolio
 * (picked into the Operations page's kill switch card). Gathered from every strategy process by the
 * operations API; re-read every few seconds.
 */
import { isTicklineApiError } from '@tickline/client';
import type { AdminLivePaused, AdminLiveRun, AdminLiveStrategies, StrategyProcess } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { timeText } from '../live/live-format.ts';
import { adminEngageQuestion, KillSwitchReason, useKillSwitchMove } from '../portfolio/kill-switch-move.ts';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';
import { shortId } from './kill-switch-card.tsx';

/** What the owner reads after "Paused by an administrator:". */
const PAUSE_REASON = 'paused from the Operations page';

/** CPU milliseconds as a person reads them: ms below a second, then seconds, then minutes. */
export function cpuText(ms: number): string {
  if (ms < 1_000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A run's strategy as a person reads it: its name, else its id. */
export function strategyLabel(run: Pick<AdminLiveRun, 'strategyId' | 'strategyName'>): string {
  return run.strategyName ?? run.strategyId;
}

/** A run's portfolio in words: an account's own portfolio has the account's id. */
function portfolioText(run: Pick<AdminLiveRun, 'portfolioId' | 'userId'>): string {
  return run.portfolioId === run.userId
    ? `the portfolio of ${shortId(run.userId)}`
    : `portfolio ${shortId(run.portfolioId)} of ${shortId(run.userId)}`;
}

/** `onPickPortfolio`: a run's portfolio chosen (or stopped) here, for the kill switch card. */
export function LiveStrategiesPanel(props: { onPickPortfolio?: (portfolioId: string) => void }): ReactNode {
  const { onPickPortfolio } = props;
  const { client } = useSession();
  const live = usePolling(
    () => client.request<AdminLiveStrategies>({ method: 'GET', path: `${ADMIN}/live-strategies` }),
    ADMIN_REFRESH_MS,
    [client],
  );
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<string>();
  const kill = useKillSwitchMove(client, (portfolioId) => {
    setMessage(`Kill switch engaged on portfolio ${shortId(portfolioId)}: its owner is told.`);
    onPickPortfolio?.(portfolioId);
    live.reload();
  });

  async function pause(run: AdminLiveRun) {
    if (!window.confirm(`Pause ${strategyLabel(run)} v${run.version} of ${run.userId}? Its owner is told.`))
      return;
    setBusy(run.id);
    try {
      const paused = await client.request<AdminLivePaused>({
        method: 'POST',
        path: `${ADMIN}/live-strategies/${encodeURIComponent(run.id)}/pause`,
        body: { reason: PAUSE_REASON },
      });
      setMessage(`Paused ${strategyLabel(paused.run)} v${paused.run.version} on ${paused.member}.`);
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
  const rowActions: RowActions = {
    busy,
    killBusy: kill.busy,
    onPause: (run) => void pause(run),
    onKill: (run) => {
      setMessage(undefined);
      const question = adminEngageQuestion(`${portfolioText(run)} (running ${strategyLabel(run)})`);
      void kill.move(run.portfolioId, 'engage', question, KillSwitchReason.Admin.engage);
    },
    ...(onPickPortfolio ? { onPick: onPickPortfolio } : {}),
  };
  return (
    <section className="card stack" aria-labelledby="live-admin-title">
      <h2 id="live-admin-title">Live strategies</h2>
      {message ? (
        <p className="muted" role="status" data-testid="live-admin-message">
          {message}
        </p>
      ) : null}
      <FormError message={kill.error} />
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
              <ProcessRows key={p.member} process={p} actions={rowActions} />
            ))}
          </table>
        </div>
      )}
    </section>
  );
}

interface RowActions {
  /** The run being paused. */
  busy: string | undefined;
  /** A kill switch move is under way. */
  killBusy: boolean;
  onPause: (run: AdminLiveRun) => void;
  onKill: (run: AdminLiveRun) => void;
  onPick?: (portfolioId: string) => void;
}

function ProcessRows(props: { process: StrategyProcess; actions: RowActions }): ReactNode {
  const { process: p, actions } = props;
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
            <th scope="row" title={run.strategyId}>
              {strategyLabel(run)} <span className="muted">v{run.version}</span>
              <div className="muted small">last candle {timeText(run.lastCandleTime)}</div>
            </th>
            <OwnerCell run={run} {...(actions.onPick ? { onPick: actions.onPick } : {})} />
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
              <div className="row">
                {run.state === 'running' ? (
                  <button
                    type="button"
                    className="button button-small"
                    disabled={actions.busy === run.id}
                    onClick={() => actions.onPause(run)}
                  >
                    Pause
                  </button>
                ) : null}
                <button
                  type="button"
                  className="button button-small button-danger"
                  title="Engage the admin kill switch on this run's portfolio"
                  disabled={actions.killBusy}
                  onClick={() => actions.onKill(run)}
                >
                  Kill switch
                </button>
              </div>
            </td>
          </tr>
        ))
      )}
    </tbody>
  );
}

/** The run's owner (short id, the full one in a title) and its portfolio, a pick for the kill switch card. */
function OwnerCell({
  run,
  onPick,
}: {
  run: AdminLiveRun;
  onPick?: (portfolioId: string) => void;
}): ReactNode {
  const ownPortfolio = run.portfolioId === run.userId;
  const text = ownPortfolio ? 'their portfolio' : `portfolio ${shortId(run.portfolioId)}`;
  return (
    <td className="small">
      <span className="mono" title={run.userId}>
        {shortId(run.userId)}
      </span>
      <div className="muted" title={`portfolio ${run.portfolioId}`}>
        {onPick ? (
          <button
            type="button"
            className="link-button"
            aria-label={`Show the kill switch of portfolio ${run.portfolioId}`}
            onClick={() => onPick(run.portfolioId)}
          >
            {text}
          </button>
        ) : (
          text
        )}
      </div>
    </td>
  );
}

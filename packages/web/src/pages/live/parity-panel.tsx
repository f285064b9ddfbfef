/**
 * @module A live run's parity report on its card: on demand (the replay is a backtest in the
 * owner's sandbox), the summary — "identical, N decisions" or where the replay first parts from the
 * run — and the decisions side by side, the first divergence highlighted and scrolled to. Above it,
 * the platform's latest scheduled check (`run.parity`, the parity monitor's): a warning naming the
 * decision and field once the run diverged.
 */
import type { LiveRun, ParityReportView } from '@tickline/client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { codedErrorText } from '../portfolio/portfolio-format.ts';
import { decisionText, parityLatestText } from './parity-text.ts';

/** The monitor's latest check of the run, in a line: identical, or where it first diverged. */
export function ParityLatest(props: { parity: NonNullable<LiveRun['parity']> }): ReactNode {
  const p = props.parity;
  const text = parityLatestText(p, new Date(p.checkedAt).toLocaleString());
  return p.state === 'identical' ? (
    <p className="pill pill-good small" data-testid="parity-latest">
      {text}
    </p>
  ) : (
    <p className="pill pill-warn small" role="alert" data-testid="parity-latest">
      {text}
    </p>
  );
}

export function ParityPanel(props: { run: LiveRun }): ReactNode {
  const { client } = useSession();
  const [report, setReport] = useState<ParityReportView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLTableRowElement>(null);
  useEffect(() => first.current?.scrollIntoView({ block: 'nearest' }), [report]);

  async function check() {
    setBusy(true);
    setError(undefined);
    try {
      setReport(await client.liveStrategies.parity(props.run.id));
    } catch (caught) {
      setError(codedErrorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {props.run.parity ? <ParityLatest parity={props.run.parity} /> : null}
      <details className="run-parity" data-testid="parity">
        <summary>Parity with the backtest</summary>
        <p className="muted small">
          Replays the candles this run decided through the backtest engine with the same version, parameters
          and settings, and compares every decision.
        </p>
        <button type="button" className="button button-small" disabled={busy} onClick={() => void check()}>
          {busy ? 'Replaying…' : report ? 'Check again' : 'Check parity'}
        </button>
        <FormError message={error} />
        {report ? (
          <div className="stack">
            <p
              className={report.identical ? 'pill pill-good' : 'pill pill-warn'}
              role="status"
              data-testid="parity-summary"
            >
              {report.summary}
            </p>
            {report.rows.length > 0 ? (
              <div className="parity-rows">
                <table className="table small">
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>Candle</th>
                      <th>Live</th>
                      <th>Backtest</th>
                      <th>Differs</th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.rows.map((row) => {
                      const isFirst = row.index === report.firstDivergence;
                      return (
                        <tr
                          key={row.index}
                          ref={isFirst ? first : undefined}
                          className={
                            isFirst ? 'parity-first' : row.differs.length > 0 ? 'parity-differs' : undefined
                          }
                          data-testid={isFirst ? 'first-divergence' : undefined}
                        >
                          <td>{row.index + 1}</td>
                          <td>{new Date((row.live ?? row.replay)!.candleCloseTime).toLocaleString()}</td>
                          <td>{decisionText(row.live)}</td>
                          <td>{decisionText(row.replay)}</td>
                          <td>{row.differs.join(', ')}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        ) : null}
      </details>
    </>
  );
}

/**
 * @module The portfolio's reconciliations: its books compared with its venue's report (on start,
 * after a reconnect, after a gap in the venue's stream, or asked for here), latest first, each
 * difference the books took; while one runs, new orders wait and the card says so.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useSession } from '../../app/session.tsx';
import { useAsync } from '../../components/use-async.ts';
import { ErrorState, errorMessage, Loading } from '../../components/states.tsx';
import { differenceText, reportHeadline } from './reconciliation-format.ts';

export function ReconciliationCard({ portfolioId }: { portfolioId: string }): ReactNode {
  const { client } = useSession();
  const state = useAsync(
    () => client.portfolios.reconciliations(portfolioId, { limit: 5 }),
    [client, portfolioId],
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function reconcileNow() {
    setBusy(true);
    setError(undefined);
    try {
      await client.portfolios.reconcile(portfolioId);
      state.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card stack" aria-labelledby="reconciliation-title" data-testid="reconciliation-card">
      <div className="row spread">
        <h2 id="reconciliation-title">Reconciliation</h2>
        <button type="button" disabled={busy} onClick={() => void reconcileNow()}>
          {busy ? 'Comparing…' : 'Reconcile now'}
        </button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {state.status === 'error' && !state.data ? (
        <ErrorState error={state.error} onRetry={state.reload} />
      ) : !state.data ? (
        <Loading label="Loading reconciliations…" />
      ) : (
        <>
          {state.data.reconciling ? (
            <p className="muted" data-testid="reconciling">
              Comparing the books with the venue: new orders wait until they agree.
            </p>
          ) : null}
          {state.data.reports.length === 0 ? <p className="muted">No reconciliation yet.</p> : null}
          <ul className="stack">
            {state.data.reports.map((r) => (
              <li key={r.reconciliationId}>
                <strong>{new Date(r.finishedAt).toLocaleString()}</strong> {reportHeadline(r)}
                {r.differences.length > 0 ? (
                  <ul>
                    {r.differences.map((d, i) => (
                      <li key={i}>{differenceText(d)}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * @module The ranked parameter sets of a walk-forward or parameter search: each set's figures and
 * equity curve, and "use this set" — one click saves it as the strategy's next version or queues a
 * backtest of it (`POST /research/{id}/use`).
 */
import { useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Sparkline } from '../../components/sparkline.tsx';
import { FormError } from '../../components/field.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { OBJECTIVE_NAMES, type Trial } from './research-types.ts';

/** Sets shown; the report lists up to 100. */
const SHOWN = 20;
const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const fixed = (v: number | null, d = 3) => (v === null ? '–' : v.toFixed(d));
/** `fast=10, slow=40`: how a set reads in a cell and a label. */
export const setText = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(', ');

interface UseAnswer {
  params: Record<string, unknown>;
  rank: number;
  version?: { strategyId: string; version: number };
  backtest?: { id: string };
}

export function ParameterSets({
  researchId,
  strategyId,
  objective,
  trials,
}: {
  researchId: string;
  strategyId: string;
  objective: string;
  trials: readonly Trial[];
}): ReactNode {
  const { client } = useSession();
  const { navigate } = useRouter();
  const { pending, error, run } = usePendingAction({ withCode: true });
  const [saved, setSaved] = useState<UseAnswer>();
  const use = (rank: number, as: 'version' | 'backtest') =>
    run(async () => {
      const answer = await client.request<UseAnswer>({
        method: 'POST',
        path: `/api/v1/research/${encodeURIComponent(researchId)}/use`,
        body: { rank, as },
      });
      if (answer.backtest) navigate(`/backtests/${answer.backtest.id}`);
      else setSaved(answer);
    });
  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">Parameter sets by {OBJECTIVE_NAMES[objective] ?? objective}</h2>
      <FormError message={error} />
      {saved?.version ? (
        <p role="status" data-testid="use-saved">
          Saved {setText(saved.params)} as{' '}
          <Link to={`/strategies/${saved.version.strategyId}`}>version {saved.version.version}</Link>.
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th className="num">Rank</th>
              <th>Parameters</th>
              <th>Equity</th>
              <th className="num">Score</th>
              <th className="num">Return</th>
              <th className="num">Max drawdown</th>
              <th className="num">Trades</th>
              <th>Use this set</th>
            </tr>
          </thead>
          <tbody>
            {trials.slice(0, SHOWN).map((t, i) => (
              <tr key={JSON.stringify(t.params)} data-testid="parameter-set">
                <td className="num">{i + 1}</td>
                <td>{setText(t.params)}</td>
                <td>
                  {t.equity && t.equity.length > 1 ? (
                    <Sparkline
                      values={t.equity.map(([, v]) => v)}
                      label={`equity of ${setText(t.params)}`}
                      fromZero={false}
                    />
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
                <td className="num">{fixed(t.score)}</td>
                <td className="num">{pct(t.totalReturn)}</td>
                <td className="num">{pct(t.maxDrawdown)}</td>
                <td className="num">{t.trades}</td>
                <td>
                  <div className="row">
                    <button
                      type="button"
                      className="button"
                      disabled={pending}
                      onClick={() => void use(i + 1, 'version')}
                      aria-label={`Save ${setText(t.params)} as a new version`}
                    >
                      New version
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={pending}
                      onClick={() => void use(i + 1, 'backtest')}
                      aria-label={`Backtest ${setText(t.params)}`}
                    >
                      Backtest
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        A new version keeps the code and takes the set as its parameters&apos; defaults; the promotion gate
        judges it by its own research (see <Link to={`/strategies/${strategyId}`}>the strategy</Link>).
      </p>
    </section>
  );
}

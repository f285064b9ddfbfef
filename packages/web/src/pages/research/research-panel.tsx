/**
 * @module The research part of a strategy's page: a form that queues a look-ahead check,
 * walk-forward or parameter search on the latest version (with the objective the sets are ranked
 * by), and the strategy's research runs.
 * The grid is typed as `name=v1,v2; name=v1,v2`.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { utcInputToIso } from '../strategies/backtest-range.ts';
import { useHistoryWindow } from '../strategies/history-window.ts';
import { OBJECTIVE_NAMES, RESEARCH_KIND_NAMES, type ResearchRun } from './research-types.ts';

/** `fast=5,10; slow=30,40` → `{ fast: [5, 10], slow: [30, 40] }` (numbers parsed). */
export function parseGridText(text: string): Record<string, Array<number | string | boolean>> {
  const grid: Record<string, Array<number | string | boolean>> = {};
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, values = ''] = part.split('=');
    grid[name!.trim()] = values
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => (v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v));
  }
  return grid;
}

export function ResearchPanel({
  strategyId,
  intervals,
}: {
  strategyId: string;
  intervals: readonly string[];
}): ReactNode {
  const { client } = useSession();
  const { navigate } = useRouter();
  const [kind, setKind] = useState('walk-forward');
  // Held history, when there is some: the form opens on it (and waits for the answer).
  const history = useHistoryWindow();
  const held = history.window;
  const [error, setError] = useState<string>();
  const runs = useAsync(
    () =>
      client.request<{ research: ResearchRun[] }>({
        method: 'GET',
        path: '/api/v1/research',
        query: { strategyId, limit: 20 },
      }),
    [client, strategyId],
  );
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(undefined);
    // UTC, as the backtest form reads its range (the browser's zone would shift the candles).
    const from = Date.parse(utcInputToIso(formText(form, 'from')));
    const to = Date.parse(utcInputToIso(formText(form, 'to')));
    const body: Record<string, unknown> = {
      kind,
      strategyId,
      feeds: [{ symbol: formText(form, 'symbol'), interval: formText(form, 'interval') }],
      from: Number.isFinite(from) ? from : formText(form, 'from'),
      to: Number.isFinite(to) ? to : formText(form, 'to'),
    };
    if (kind !== 'lookahead') {
      body.grid = parseGridText(formText(form, 'grid'));
      body.objective = formText(form, 'objective');
      body.priorTrials = Number(formText(form, 'priorTrials') || '0');
    }
    if (kind === 'walk-forward') {
      body.inSampleBars = Number(formText(form, 'inSampleBars'));
      body.outSampleBars = Number(formText(form, 'outSampleBars'));
      body.warmupBars = Number(formText(form, 'warmupBars') || '0');
    }
    try {
      const { research } = await client.request<{ research: ResearchRun }>({
        method: 'POST',
        path: '/api/v1/research',
        body,
      });
      navigate(`/research/${research.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="card stack" aria-labelledby="research-title">
      <h2 id="research-title">Research</h2>
      {history.ready ? (
        <form className="stack" onSubmit={(e) => void onSubmit(e)} aria-label="Run research">
          <FormError message={error} />
          <label className="field">
            <span className="field-label">Research kind</span>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {Object.entries(RESEARCH_KIND_NAMES).map(([value, name]) => (
                <option key={value} value={value}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <Field label="Research symbol" name="symbol" required defaultValue={held?.symbol ?? 'BTC-USDT'} />
          <label className="field">
            <span className="field-label">Research candle size</span>
            <select name="interval" defaultValue={held?.interval ?? '1m'}>
              {intervals.map((i) => (
                <option key={i}>{i}</option>
              ))}
            </select>
          </label>
          <Field
            label="Research from"
            name="from"
            type="datetime-local"
            step="1"
            required
            hint="UTC"
            defaultValue={held?.from}
          />
          <Field
            label="Research to"
            name="to"
            type="datetime-local"
            step="1"
            required
            hint="UTC"
            defaultValue={held?.to}
          />
          {kind !== 'lookahead' ? (
            <Field
              label="Grid"
              name="grid"
              required
              placeholder="fast=5,10,20; slow=30,50"
              hint="name=v1,v2; name=v1,v2"
            />
          ) : null}
          {kind !== 'lookahead' ? (
            <label className="field">
              <span className="field-label">Rank sets by</span>
              <select name="objective" defaultValue="sharpe">
                {Object.entries(OBJECTIVE_NAMES).map(([value, name]) => (
                  <option key={value} value={value}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {kind !== 'lookahead' ? (
            <Field
              label="Trials made before"
              name="priorTrials"
              type="number"
              min={0}
              defaultValue="0"
              hint="other grids, code variants or symbols already tried on this data: the deflated Sharpe ratio counts them"
            />
          ) : null}
          {kind === 'walk-forward' ? (
            <>
              <Field label="In-sample bars" name="inSampleBars" type="number" required defaultValue="600" />
              <Field
                label="Out-of-sample bars"
                name="outSampleBars"
                type="number"
                required
                defaultValue="200"
              />
              <Field
                label="Warm-up bars"
                name="warmupBars"
                type="number"
                defaultValue="0"
                hint="bars before each window, as a live run's warm-up"
              />
            </>
          ) : null}
          <button type="submit" className="button button-primary">
            Run research
          </button>
        </form>
      ) : (
        <Loading />
      )}
      {runs.status === 'error' ? <ErrorState error={runs.error} onRetry={runs.reload} /> : null}
      <ul className="list">
        {(runs.data?.research ?? []).map((r) => (
          <li key={r.id}>
            <Link to={`/research/${r.id}`}>
              {RESEARCH_KIND_NAMES[r.kind]} v{r.version} · {r.status}
              {r.status === 'running' ? ` ${(r.progress * 100).toFixed(0)} %` : ''} ·{' '}
              {r.createdAt.slice(0, 16)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

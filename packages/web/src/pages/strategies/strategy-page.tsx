/**
 * @module One strategy: the editor (errors inline after a check or save), its versions with a
 * diff against the editor, the backtest form (parameters from the version's declarations), and
 * its runs with live progress from `backtest.progress` / `backtest.completed` on `user:{id}`.
 */
import { isTicklineApiError } from '@tickline/client';
import { useEvents } from '@tickline/client/react';
import {
  CANDLE_INTERVALS,
  EventType,
  type Backtest,
  type BacktestProgressEvent,
  type CandleInterval,
  type ParamSpec,
} from '@tickline/protocol';
import { diffLines } from 'diff';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { ResearchPanel } from '../research/research-panel.tsx';
import { HistoryUpload } from '../research/history-upload.tsx';
import { codedErrorText } from '../portfolio/portfolio-format.ts';
import { BacktestFeedRows } from './backtest-feed-rows.tsx';
import { extraFeeds } from './backtest-feeds.ts';
import { defaultBacktestRange, utcInputToIso, utcRangeText } from './backtest-range.ts';
import { useHistoryWindow } from './history-window.ts';
import { ParamFields, readParams } from './param-fields.tsx';
import { StrategyEditor, type CodeProblem } from './strategy-editor.tsx';

function problemOf(error: unknown): CodeProblem {
  const details = isTicklineApiError(error)
    ? (error.details as { line?: number; column?: number } | undefined)
    : undefined;
  return {
    message: errorMessage(error),
    ...(details?.line ? { line: details.line } : {}),
    ...(details?.column ? { column: details.column } : {}),
  };
}

export function StrategyPage({ id }: { id: string }): ReactNode {
  const { client } = useSession();
  const { navigate } = useRouter();
  const loaded = useAsync(async () => {
    const [strategy, versions, declarations] = await Promise.all([
      client.strategies.get(id),
      client.strategies.versions(id),
      client.strategies.apiTypes().catch(() => ''),
    ]);
    const latest = await client.strategies.version(id, strategy.latestVersion);
    return { strategy, versions, declarations, latest };
  }, [client, id]);
  const runs = useAsync(() => client.backtests.list({ strategyId: id }), [client, id]);
  const [code, setCode] = useState<string>();
  const [problems, setProblems] = useState<CodeProblem[]>([]);
  const [status, setStatus] = useState<string>();
  const [diffWith, setDiffWith] = useState<number>();
  const [diffSource, setDiffSource] = useState<string>();
  // Taken once, when the page opens: a form's defaults do not move under the user's typing.
  const [range] = useState(() => defaultBacktestRange(Date.now()));
  // Held history, when there is some: the form opens on it (the page waits for the answer).
  const history = useHistoryWindow();
  const held = history.window;
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [runError, setRunError] = useState<string>();
  const [chosen, setChosen] = useState<string[]>([]);

  useEffect(() => {
    if (loaded.data && code === undefined) setCode(loaded.data.latest.source);
  }, [loaded.data, code]);

  useEffect(() => {
    if (diffWith === undefined) return;
    void client.strategies.version(id, diffWith).then((v) => setDiffSource(v.source));
  }, [client, id, diffWith]);

  useEvents<BacktestProgressEvent>([EventType.BacktestProgress, EventType.BacktestCompleted], (event) => {
    if (event.data.strategyId !== id) return;
    if (event.type === EventType.BacktestProgress)
      setProgress((p) => ({ ...p, [event.data.backtestId]: event.data.progress }));
    else runs.reload();
  });

  if (loaded.status === 'error')
    return (
      <main id="main" className="page">
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      </main>
    );
  if (loaded.data === undefined || code === undefined || !history.ready)
    return (
      <main id="main" className="page">
        <Loading />
      </main>
    );
  const { strategy, versions, declarations } = loaded.data;
  const latest = versions[versions.length - 1];
  const params: Record<string, ParamSpec> = latest?.params ?? {};

  async function check(save: boolean) {
    setStatus(save ? 'Saving…' : 'Checking…');
    try {
      if (save) {
        const v = await client.strategies.saveVersion(id, { source: code! });
        setStatus(`Saved version ${v.version}.`);
        loaded.reload();
      } else {
        await client.strategies.compile({ source: code! });
        setStatus('No errors.');
      }
      setProblems([]);
    } catch (error) {
      setProblems([problemOf(error)]);
      setStatus(undefined);
    }
  }

  async function onRun(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = readParams(form, params);
    const feeds = extraFeeds(form.getAll('feedSymbol').map(String), form.getAll('feedInterval').map(String));
    setRunError(undefined);
    try {
      await client.backtests.run({
        strategyId: id,
        symbol: formText(form, 'symbol').trim(),
        interval: formText(form, 'interval') as CandleInterval,
        from: utcInputToIso(formText(form, 'from')),
        to: utcInputToIso(formText(form, 'to')),
        ...(feeds ? { feeds } : {}),
        params: values,
      });
      runs.reload();
    } catch (error) {
      // With its code: which feed was refused, and why, in the terms of docs/errors.md.
      setRunError(codedErrorText(error));
    }
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>{strategy.name}</h1>
        <p className="muted">
          {versions.length} {versions.length === 1 ? 'version' : 'versions'} · <Link to="/strategies">all strategies</Link> ·{' '}
          <Link to={`/live?strategy=${encodeURIComponent(id)}`}>run live →</Link>
        </p>
      </header>
      <div className="stack">
        <section className="card stack" aria-labelledby="code-title">
          <h2 id="code-title">Code</h2>
          <StrategyEditor value={code} onChange={setCode} problems={problems} declarations={declarations} />
          {problems.map((p, i) => (
            <p key={i} className="form-error" role="alert" data-testid="code-problem">
              {p.line ? `Line ${p.line}${p.column ? `:${p.column}` : ''}: ` : ''}
              {p.message}
            </p>
          ))}
          {status ? (
            <p className="muted" role="status">
              {status}
            </p>
          ) : null}
          <div className="row">
            <button type="button" className="button" onClick={() => void check(false)}>
              Check
            </button>
            <button type="button" className="button button-primary" onClick={() => void check(true)}>
              Save new version
            </button>
          </div>
        </section>
        <div className="grid grid-2">
          <section className="card stack" aria-labelledby="versions-title">
            <h2 id="versions-title">Versions</h2>
            <ul className="list">
              {[...versions].reverse().map((v) => (
                <li key={v.version}>
                  v{v.version} <span className="muted">{new Date(v.createdAt).toLocaleString()}</span>{' '}
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    onClick={() => setDiffWith(v.version)}
                  >
                    Diff with editor
                  </button>
                </li>
              ))}
            </ul>
            {diffWith !== undefined && diffSource !== undefined ? (
              <pre
                className="diff"
                data-testid="version-diff"
                aria-label={`Changes from version ${diffWith}`}
              >
                {diffLines(diffSource, code).map((part, i) => (
                  <span
                    key={i}
                    className={part.added ? 'diff-added' : part.removed ? 'diff-removed' : undefined}
                  >
                    {part.value
                      .split('\n')
                      .filter((line, j, all) => j < all.length - 1 || line !== '')
                      .map((line) => `${part.added ? '+' : part.removed ? '-' : ' '} ${line}\n`)
                      .join('')}
                  </span>
                ))}
              </pre>
            ) : null}
          </section>
          <form className="card stack" onSubmit={(e) => void onRun(e)} aria-labelledby="run-title">
            <h2 id="run-title">Backtest v{latest?.version}</h2>
            <FormError message={runError} />
            <Field label="Symbol" name="symbol" required defaultValue={held?.symbol ?? 'BTC-USDT'} />
            <label className="field">
              <span className="field-label">Interval</span>
              <select name="interval" defaultValue={held?.interval ?? '1m'}>
                {CANDLE_INTERVALS.map((i) => (
                  <option key={i}>{i}</option>
                ))}
              </select>
            </label>
            <Field
              label="From"
              name="from"
              type="datetime-local"
              step="1"
              required
              hint="UTC"
              defaultValue={held?.from ?? range.from}
            />
            <Field
              label="To"
              name="to"
              type="datetime-local"
              step="1"
              required
              hint="UTC, exclusive"
              defaultValue={held?.to ?? range.to}
            />
            <BacktestFeedRows defaultInterval="1m" />
            <ParamFields params={params} />
            <button type="submit" className="button button-primary">
              Run backtest
            </button>
          </form>
        </div>
        <section className="card stack" aria-labelledby="runs-title">
          <h2 id="runs-title">Runs</h2>
          {runs.status === 'error' ? <ErrorState error={runs.error} onRetry={runs.reload} /> : null}
          <RunList
            runs={runs.data ?? []}
            progress={progress}
            chosen={chosen}
            onChoose={(runId, on) => setChosen((c) => (on ? [...c, runId] : c.filter((x) => x !== runId)))}
          />
          <button
            type="button"
            className="button"
            disabled={chosen.length < 2}
            onClick={() => navigate(`/backtests/compare/${chosen.join(',')}`)}
          >
            Compare selected
          </button>
        </section>
        <ResearchPanel strategyId={id} intervals={CANDLE_INTERVALS} />
        <HistoryUpload intervals={CANDLE_INTERVALS} />
      </div>
    </main>
  );
}

function RunList(props: {
  runs: readonly Backtest[];
  progress: Record<string, number>;
  chosen: readonly string[];
  onChoose: (id: string, on: boolean) => void;
}): ReactNode {
  if (props.runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <ul className="list" data-testid="runs">
      {props.runs.map((r) => {
        const live = r.status === 'running' || r.status === 'queued';
        const pct = Math.round((props.progress[r.id] ?? r.progress) * 100);
        return (
          <li key={r.id} className="backtest-run">
            <label className="check">
              <input
                type="checkbox"
                disabled={r.status !== 'succeeded'}
                checked={props.chosen.includes(r.id)}
                onChange={(e) => props.onChoose(r.id, e.currentTarget.checked)}
                aria-label={`Compare run ${r.id}`}
              />
            </label>{' '}
            <Link to={`/backtests/${r.id}`}>
              v{r.version} {r.symbol} {r.interval} {utcRangeText(r.from)} → {utcRangeText(r.to)}
            </Link>{' '}
            <span className="muted" data-testid="run-status">
              {live ? `${r.status} ${pct}%` : r.status}
              {r.error ? ` (${r.error.code})` : ''}
            </span>
            {live ? <progress max={100} value={pct} aria-label="Progress" /> : null}
          </li>
        );
      })}
    </ul>
  );
}

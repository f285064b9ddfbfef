/** @module Your strategies: the list, and a new one started from a template (trend, mean reversion, breakout, …). */
import { STRATEGY_TEMPLATES } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';

export function StrategiesPage(): ReactNode {
  const { client } = useSession();
  const { navigate } = useRouter();
  const list = useAsync(() => client.strategies.list(), [client]);
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [templateId, setTemplateId] = useState(STRATEGY_TEMPLATES[0]!.id);
  const template = STRATEGY_TEMPLATES.find((t) => t.id === templateId) ?? STRATEGY_TEMPLATES[0]!;

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const { strategy } = await client.strategies.create({
        name: formText(form, 'name').trim(),
        source: template.source,
      });
      navigate(`/strategies/${strategy.id}`);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Strategies</h1>
        <p className="muted">
          Write a strategy in TypeScript, save versions, backtest them on stored candles.
        </p>
      </header>
      <div className="grid grid-2">
        <form className="card stack" onSubmit={(e) => void onCreate(e)} aria-labelledby="new-strategy-title">
          <h2 id="new-strategy-title">New strategy</h2>
          <FormError message={error} />
          <Field label="Name" name="name" required maxLength={100} placeholder="SMA cross" />
          <label className="field">
            <span className="field-label">Template</span>
            <select
              name="template"
              value={template.id}
              onChange={(e) => setTemplateId(e.currentTarget.value)}
              aria-describedby="template-help"
            >
              {STRATEGY_TEMPLATES.map((t) => (
                <option key={t.id} value={t.id} title={t.description}>
                  {t.name}
                </option>
              ))}
            </select>
            <span className="field-hint" id="template-help" data-testid="template-help">
              {template.description}
              {template.feeds ? ` Backtest and run it with ${template.feeds}.` : ''}
            </span>
          </label>
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create from template'}
          </button>
        </form>
        <section className="card" aria-labelledby="strategies-title">
          <h2 id="strategies-title">Your strategies</h2>
          {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
          {list.data === undefined ? (
            list.status === 'loading' ? (
              <Loading />
            ) : null
          ) : list.data.length === 0 ? (
            <Empty title="No strategies yet">Create one from the template.</Empty>
          ) : (
            <ul className="list">
              {list.data.map((s) => (
                <li key={s.id}>
                  <Link to={`/strategies/${s.id}`}>{s.name}</Link>{' '}
                  <span className="muted">
                    v{s.latestVersion} · {new Date(s.updatedAt).toLocaleString()}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  );
}

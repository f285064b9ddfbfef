/**
 * @module API keys: list, create (the secret shown once, with a copy button), revoke with a
 * confirmation. Keys authenticate bots and scripts in place of a session. Below them, chat control:
 * linking a Telegram chat (chat-control-card.tsx).
 */
import { ApiKeyScope, Role, type ApiKeyInfo, type CreatedApiKey } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession, useUser } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { ChatControlCard } from './chat-control-card.tsx';

/** Scopes offered in the form (the server's defaults; `admin` only for admins). */
const SCOPES: readonly ApiKeyScope[] = [
  ApiKeyScope.MarketRead,
  ApiKeyScope.StreamRead,
  ApiKeyScope.PortfolioRead,
  ApiKeyScope.PortfolioWrite,
  ApiKeyScope.StrategiesRead,
  ApiKeyScope.StrategiesWrite,
  ApiKeyScope.BacktestsRun,
  ApiKeyScope.SignalsRead,
  ApiKeyScope.NotificationsRead,
  ApiKeyScope.NotificationsWrite,
  ApiKeyScope.GamePlay,
];
const DEFAULT_SCOPES: readonly string[] = [ApiKeyScope.MarketRead, ApiKeyScope.StreamRead];

export function ApiKeysPage(): ReactNode {
  const user = useUser();
  const { client } = useSession();
  const keys = useAsync(() => client.apiKeys.list(), [client]);
  const [created, setCreated] = useState<CreatedApiKey>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const scopes = user.role === Role.Admin ? [...SCOPES, ApiKeyScope.Admin] : SCOPES;

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const chosen = form.getAll('scopes').filter((value): value is string => typeof value === 'string');
    const days = Number(formText(form, 'expiresInDays'));
    if (chosen.length === 0) {
      setError('Choose at least one scope.');
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      const result = await client.apiKeys.create({
        name: formText(form, 'name').trim(),
        scopes: chosen,
        ...(days > 0 ? { expiresInDays: days } : {}),
      });
      setCreated(result);
      formElement.reset();
      keys.reload();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }

  async function revoke(key: ApiKeyInfo) {
    if (!window.confirm(`Revoke "${key.name}"? Programs using it stop working at once.`)) return;
    try {
      await client.apiKeys.revoke(key.id);
      keys.reload();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>API keys</h1>
        <p className="muted">
          Keys let scripts and bots call the API as you. Give each the fewest scopes it needs.
        </p>
      </header>
      <div className="grid grid-2">
        <form className="card stack" onSubmit={(e) => void onCreate(e)} aria-labelledby="new-key-title">
          <h2 id="new-key-title">New key</h2>
          <FormError message={error} />
          <Field label="Name" name="name" required maxLength={64} placeholder="trading bot" />
          <fieldset className="scopes">
            <legend>Scopes</legend>
            {scopes.map((scope) => (
              <label key={scope} className="check">
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  defaultChecked={DEFAULT_SCOPES.includes(scope)}
                />
                <code>{scope}</code>
              </label>
            ))}
          </fieldset>
          <Field
            label="Expires after (days)"
            name="expiresInDays"
            type="number"
            min={1}
            max={3650}
            hint="Empty: until revoked."
          />
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create key'}
          </button>
        </form>
        <section className="card" aria-labelledby="keys-title">
          <h2 id="keys-title">Your keys</h2>
          {created ? (
            <div className="secret-once" role="alert">
              <p>
                <strong>Copy “{created.apiKey.name}” now</strong> — it is shown only this once.
              </p>
              <code className="secret" data-testid="new-api-key">
                {created.key}
              </code>
              <div className="row">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => void navigator.clipboard?.writeText(created.key)}
                >
                  Copy
                </button>
                <button
                  type="button"
                  className="button button-small button-ghost"
                  onClick={() => setCreated(undefined)}
                >
                  Done
                </button>
              </div>
            </div>
          ) : null}
          <KeyList state={keys} onRevoke={(key) => void revoke(key)} />
        </section>
      </div>
      <ChatControlCard />
    </main>
  );
}

function KeyList({
  state,
  onRevoke,
}: {
  state: ReturnType<typeof useAsync<ApiKeyInfo[]>>;
  onRevoke: (key: ApiKeyInfo) => void;
}): ReactNode {
  if (state.status === 'error' && !state.data)
    return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return <Loading label="Loading keys…" />;
  const active = state.data.filter((key) => key.revokedAt === null);
  if (active.length === 0)
    return <Empty title="No API keys yet">Create one to call the API from a script.</Empty>;
  return (
    <ul className="key-list">
      {active.map((key) => (
        <li key={key.id} className="key">
          <div>
            <strong>{key.name}</strong> <code className="muted">{key.prefix}…</code>
            <div className="muted small">
              {key.scopes.join(', ')} · created {new Date(key.createdAt).toLocaleDateString()}
              {key.expiresAt ? ` · expires ${new Date(key.expiresAt).toLocaleDateString()}` : ''}
              {key.lastUsedAt ? ` · last used ${new Date(key.lastUsedAt).toLocaleString()}` : ' · never used'}
            </div>
          </div>
          <button
            type="button"
            className="button button-small button-danger"
            onClick={() => onRevoke(key)}
            aria-label={`Revoke ${key.name}`}
          >
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * @module Webhook endpoints: add one (its signing secret is shown once), rotate the secret (the
 * new one shown once; the old keeps signing for the overlap), send a test, enable a disabled one,
 * delete, and open its delivery log.
 */
import type { WebhookEndpointInfo, WebhookFormat } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Field, FormError, formText } from '../../components/field.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { useAsync } from '../../components/use-async.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { kindLabel } from './notification-kinds.ts';
import { WebhookLog } from './webhook-log.tsx';

interface ShownSecret {
  endpointUrl: string;
  secret: string;
  note: string;
}

export function WebhooksPanel({ kinds }: { kinds: readonly string[] }): ReactNode {
  const { client } = useSession();
  const endpoints = useAsync<WebhookEndpointInfo[]>(() => client.notifications.webhooks.list(), [client]);
  const { pending, error, run } = usePendingAction();
  const [secret, setSecret] = useState<ShownSecret>();
  const [open, setOpen] = useState<string>();
  const [notice, setNotice] = useState<string>();

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const chosen = form.getAll('kinds').filter((v): v is string => typeof v === 'string');
    void run(async () => {
      const created = await client.notifications.webhooks.create({
        url: formText(form, 'url').trim(),
        format: formText(form, 'format') as WebhookFormat,
        kinds: chosen,
      });
      setSecret({ endpointUrl: created.endpoint.url, secret: created.secret, note: 'its signing secret' });
      formElement.reset();
      endpoints.reload();
    });
  }

  const act = (action: () => Promise<void>) =>
    void run(async () => {
      setNotice(undefined);
      await action();
      endpoints.reload();
    });

  return (
    <section className="card stack" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="muted small">
        Signed per the Standard Webhooks specification (<code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>); verify with any Standard Webhooks
        library.
      </p>
      <p className="muted small">
        An endpoint receives the kinds it lists (none ticked: all kinds) as soon as it is added; a rule
        you set for a kind in Rules decides for that kind, and leaving its Webhook box off stops it.
      </p>
      <FormError message={error} />
      {notice ? (
        <p role="status" className="muted">
          {notice}
        </p>
      ) : null}
      {secret ? (
        <div className="secret-once" role="alert">
          <p>
            <strong>
              Copy {secret.note} for {secret.endpointUrl} now
            </strong>{' '}
            — it is shown only this once.
          </p>
          <code className="secret" data-testid="webhook-secret">
            {secret.secret}
          </code>
          <div className="row">
            <button
              type="button"
              className="button button-small"
              onClick={() => void navigator.clipboard?.writeText(secret.secret)}
            >
              Copy
            </button>
            <button
              type="button"
              className="button button-small button-ghost"
              onClick={() => setSecret(undefined)}
            >
              Done
            </button>
          </div>
        </div>
      ) : null}
      {endpoints.status === 'error' && !endpoints.data ? (
        <ErrorState error={endpoints.error} onRetry={endpoints.reload} />
      ) : !endpoints.data ? (
        <Loading label="Loading endpoints…" />
      ) : endpoints.data.length === 0 ? (
        <Empty title="No webhook endpoints">Add one below to receive notifications on your server.</Empty>
      ) : (
        <ul className="endpoint-list">
          {endpoints.data.map((endpoint) => (
            <li key={endpoint.id} className="endpoint" data-endpoint={endpoint.url}>
              <div className="row-between">
                <div>
                  <code>{endpoint.url}</code>{' '}
                  <span className="muted small">
                    {endpoint.format} ·{' '}
                    {endpoint.kinds.length ? endpoint.kinds.map(kindLabel).join(', ') : 'all kinds'}
                  </span>
                  <div className="small">
                    {endpoint.disabledAt ? (
                      <span className="pill pill-bad">
                        Disabled {new Date(endpoint.disabledAt).toLocaleString()} ({endpoint.disabledReason})
                      </span>
                    ) : endpoint.failingSince ? (
                      <span className="pill pill-warn">
                        Failing since {new Date(endpoint.failingSince).toLocaleString()}
                      </span>
                    ) : (
                      <span className="pill pill-good">Active</span>
                    )}
                  </div>
                </div>
                <div className="row">
                  {endpoint.disabledAt ? (
                    <button
                      type="button"
                      className="button button-small"
                      disabled={pending}
                      onClick={() =>
                        act(
                          async () =>
                            void (await client.notifications.webhooks.update(endpoint.id, { enabled: true })),
                        )
                      }
                    >
                      Enable
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="button button-small"
                    disabled={pending}
                    onClick={() =>
                      act(async () => {
                        await client.notifications.webhooks.test(endpoint.id);
                        setNotice(`Test sent to ${endpoint.url}; it shows in the delivery log.`);
                        setOpen(endpoint.id);
                      })
                    }
                  >
                    Send test
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    disabled={pending}
                    onClick={() =>
                      act(async () => {
                        const rotated = await client.notifications.webhooks.rotateSecret(endpoint.id);
                        setSecret({
                          endpointUrl: endpoint.url,
                          secret: rotated.secret,
                          note: `the new secret (the old one signs too until ${new Date(rotated.previousValidUntil).toLocaleString()})`,
                        });
                      })
                    }
                  >
                    Rotate secret
                  </button>
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    aria-expanded={open === endpoint.id}
                    onClick={() => setOpen(open === endpoint.id ? undefined : endpoint.id)}
                  >
                    Delivery log
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    disabled={pending}
                    onClick={() => {
                      if (window.confirm(`Delete the endpoint ${endpoint.url}?`))
                        act(() => client.notifications.webhooks.remove(endpoint.id));
                    }}
                  >
                    Delete
                  </button>
                </div>
              </div>
              {open === endpoint.id ? <WebhookLog endpointId={endpoint.id} /> : null}
            </li>
          ))}
        </ul>
      )}
      <form className="stack" onSubmit={onCreate} aria-labelledby="new-webhook-title">
        <h3 id="new-webhook-title">Add an endpoint</h3>
        <Field
          label="URL"
          name="url"
          type="url"
          required
          maxLength={2048}
          placeholder="https://example.com/hooks/tickline"
        />
        <div className="field">
          <label htmlFor="webhook-format">Format</label>
          <select id="webhook-format" name="format" defaultValue="standard">
            <option value="standard">Standard Webhooks (JSON, signed)</option>
            <option value="slack">Slack incoming webhook</option>
            <option value="discord">Discord incoming webhook</option>
          </select>
        </div>
        <fieldset className="scopes">
          <legend>Kinds (none checked: every kind routed to webhooks)</legend>
          {kinds.map((kind) => (
            <label key={kind} className="check">
              <input type="checkbox" name="kinds" value={kind} />
              {kindLabel(kind)}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button button-primary" disabled={pending}>
          Add endpoint
        </button>
      </form>
    </section>
  );
}

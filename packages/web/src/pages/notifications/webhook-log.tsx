/**
 * @module An endpoint's delivery log: each attempt with its status, response excerpt and duration,
 * newest first, re-read every few seconds while open; resend one notification, or everything
 * since a time.
 */
import type { WebhookAttempt } from '@tickline/protocol';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError, formText } from '../../components/field.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { usePendingAction } from '../../components/use-pending-action.ts';

const LOG_REFRESH_MS = 3_000;

export function WebhookLog({ endpointId }: { endpointId: string }): ReactNode {
  const { client } = useSession();
  const attempts = usePolling<WebhookAttempt[]>(
    () => client.notifications.webhooks.attempts(endpointId, { limit: 50 }),
    LOG_REFRESH_MS,
    [client, endpointId],
  );
  const { pending, error, run } = usePendingAction();
  const [queued, setQueued] = useState<string>();

  const resend = (what: { notificationId: string } | { since: string }) =>
    void run(async () => {
      const n = await client.notifications.webhooks.resend(endpointId, what);
      setQueued(`${n} queued again.`);
    });

  function onResendSince(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const since = formText(new FormData(event.currentTarget), 'since');
    if (since) resend({ since: new Date(since).toISOString() });
  }

  return (
    <div className="webhook-log stack" aria-label="Delivery log">
      <FormError message={error} />
      {queued ? (
        <p role="status" className="muted small">
          {queued}
        </p>
      ) : null}
      {!attempts.data ? (
        <Loading label="Loading attempts…" />
      ) : attempts.data.length === 0 ? (
        <Empty title="No deliveries yet" />
      ) : (
        <div className="table-scroll">
          <table className="table small">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Notification</th>
                <th scope="col">Result</th>
                <th scope="col">Response</th>
                <th scope="col">Took</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {attempts.data.map((a) => (
                <tr key={a.id} data-ok={a.ok}>
                  <td>{new Date(a.attemptedAt).toLocaleTimeString()}</td>
                  <td>
                    <code title={a.notificationId}>{a.notificationId.slice(-12)}</code>
                  </td>
                  <td className={a.ok ? 'text-good' : 'text-bad'}>
                    {a.statusCode ?? '—'} {a.ok ? 'delivered' : (a.error ?? 'failed')}
                  </td>
                  <td className="muted">{a.responseExcerpt?.slice(0, 80) ?? ''}</td>
                  <td>{a.durationMs} ms</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      disabled={pending}
                      onClick={() => resend({ notificationId: a.notificationId })}
                    >
                      Resend
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="row" onSubmit={onResendSince}>
        <label className="small">
          Resend everything since <input type="datetime-local" name="since" required />
        </label>
        <button type="submit" className="button button-small" disabled={pending}>
          Replay
        </button>
      </form>
    </div>
  );
}

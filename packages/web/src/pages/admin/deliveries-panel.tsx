/**
 * @module Notification deliveries (admins): the queue's counts per status and its lag, recent
 * deliveries with attempts, next retry and last error (filter by status or channel), replay of a
 * delivered or failed one, and every user's disabled or failing webhook endpoints.
 */
import type { AdminDeliveries, AdminEndpoint, DeliveryStatus } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { usePendingAction } from '../../components/use-pending-action.ts';
import { usePolling } from '../../components/use-polling.ts';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'sending', 'held', 'delivered', 'failed', 'digested'];
const CHANNELS = ['in_app', 'email', 'webhook', 'sms', 'push'] as const;
/**
 * Slower than the other panels: the operations page shares the admin's per-minute request budget
 * (60 a minute on the free tier), which its other views already use most of.
 */
const DELIVERIES_REFRESH_MS = ADMIN_REFRESH_MS * 7.5;
const ENDPOINTS_REFRESH_MS = 60_000;
const PILL: Partial<Record<DeliveryStatus, string>> = {
  delivered: 'pill pill-good',
  failed: 'pill pill-bad',
  held: 'pill pill-warn',
};

export function DeliveriesPanel(): ReactNode {
  const { client } = useSession();
  const [status, setStatus] = useState<string>('');
  const [channel, setChannel] = useState<string>('');
  const { pending, error, run } = usePendingAction();
  const deliveries = usePolling<AdminDeliveries>(
    () =>
      client.request({
        method: 'GET',
        path: `${ADMIN}/notify/deliveries`,
        query: { limit: 50, status: status || undefined, channel: channel || undefined },
      }),
    DELIVERIES_REFRESH_MS,
    [client, status, channel],
  );
  const endpoints = usePolling<{ endpoints: AdminEndpoint[] }>(
    () => client.request({ method: 'GET', path: `${ADMIN}/notify/endpoints`, query: { limit: 50 } }),
    ENDPOINTS_REFRESH_MS,
    [client],
  );

  const replay = (id: string) =>
    void run(async () => {
      await client.request({ method: 'POST', path: `${ADMIN}/notify/deliveries/${id}/replay` });
      deliveries.reload();
    });

  const data = deliveries.data;
  return (
    <section className="card stack" aria-labelledby="deliveries-title">
      <div className="row-between">
        <h2 id="deliveries-title">Notification deliveries</h2>
        <button type="button" className="button button-small button-ghost" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <FormError message={error} />
      {data ? (
        <p className="row small" data-testid="delivery-counts">
          {STATUSES.map((s) => (
            <span key={s} className={PILL[s] ?? 'pill'}>
              {s} {data.counts[s] ?? 0}
            </span>
          ))}
          <span className={data.lagSeconds > 60 ? 'pill pill-warn' : 'pill'}>
            lag {data.lagSeconds.toFixed(1)} s
          </span>
        </p>
      ) : null}
      <div className="row">
        <label className="small">
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="small">
          Channel{' '}
          <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">any</option>
            {CHANNELS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </div>
      {deliveries.status === 'error' && !data ? (
        <ErrorState error={deliveries.error} onRetry={deliveries.reload} />
      ) : !data ? (
        <Loading label="Loading deliveries…" />
      ) : data.deliveries.length === 0 ? (
        <Empty title="No deliveries" />
      ) : (
        <div className="table-scroll">
          <table className="small">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Kind</th>
                <th scope="col">Channel</th>
                <th scope="col">Target</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Next retry</th>
                <th scope="col">Last error</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {data.deliveries.map((d) => (
                <tr key={d.id} data-status={d.status}>
                  <td>{new Date(d.createdAt).toLocaleTimeString()}</td>
                  <td title={d.title}>{d.kind}</td>
                  <td>{d.channel}</td>
                  <td>
                    <code title={d.target}>
                      {d.target.length > 14 ? `…${d.target.slice(-12)}` : d.target}
                    </code>
                  </td>
                  <td>
                    <span className={PILL[d.status] ?? 'pill'}>{d.status}</span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td>{d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleTimeString() : '—'}</td>
                  <td className="muted">{d.lastError ?? ''}</td>
                  <td>
                    {d.status === 'delivered' || d.status === 'failed' ? (
                      <button
                        type="button"
                        className="button button-small button-ghost"
                        disabled={pending}
                        onClick={() => replay(d.id)}
                      >
                        Replay
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Disabled and failing webhook endpoints</h3>
      {!endpoints.data ? (
        <Loading />
      ) : endpoints.data.endpoints.length === 0 ? (
        <Empty title="Every endpoint is healthy" />
      ) : (
        <ul className="plain-list small">
          {endpoints.data.endpoints.map((e) => (
            <li key={e.id}>
              <code>{e.url}</code>{' '}
              {e.disabledAt ? (
                <span className="pill pill-bad">
                  disabled {new Date(e.disabledAt).toLocaleString()} ({e.disabledReason})
                </span>
              ) : (
                <span className="pill pill-warn">
                  failing since {new Date(e.failingSince ?? '').toLocaleString()}
                </span>
              )}{' '}
              <span className="muted">user {e.userId}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

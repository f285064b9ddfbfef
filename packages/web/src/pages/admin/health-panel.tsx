/** @module Server health: every service's status from `/readyz`, re-read every few seconds. */
import type { ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { ErrorState, Loading } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { ADMIN_REFRESH_MS } from './admin-api.ts';

interface Readiness {
  status: string;
  services: Record<string, { status: string; detail?: string }>;
}

export function HealthPanel(): ReactNode {
  const { client } = useSession();
  // /readyz answers 503 with the same body when something is down: read it either way.
  const ready = usePolling(
    async () => {
      const response = await fetch(new URL('/readyz', window.location.origin), {
        headers: { accept: 'application/json' },
      });
      return (await response.json()) as Readiness;
    },
    ADMIN_REFRESH_MS,
    [client],
  );
  return (
    <section className="card stack" aria-labelledby="health-title">
      <h2 id="health-title">
        Server health{' '}
        {ready.data ? (
          <span className={ready.data.status === 'ready' ? 'pill pill-good' : 'pill pill-bad'}>
            {ready.data.status}
          </span>
        ) : null}
      </h2>
      {ready.status === 'error' && !ready.data ? (
        <ErrorState error={ready.error} onRetry={ready.reload} />
      ) : !ready.data ? (
        <Loading label="Checking…" />
      ) : (
        <ul className="service-grid">
          {Object.entries(ready.data.services).map(([name, service]) => (
            <li key={name} title={service.detail}>
              <span className={`dot dot-${service.status === 'up' ? 'good' : 'bad'}`} aria-hidden="true" />
              {name} <span className="muted small">{service.status}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

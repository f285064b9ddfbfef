/** @module Server health: every service's status from `/readyz`, re-read every few seconds. */
import type { ReactNode } from 'react';
import { ErrorState, Loading } from '../../components/states.tsx';
import type { useReadiness } from './use-readiness.ts';

/** What `useReadiness()` answers. */
export type PolledReadiness = ReturnType<typeof useReadiness>;

export function HealthPanel({ ready }: { ready: PolledReadiness }): ReactNode {
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

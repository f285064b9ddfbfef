/**
 * @module `/healthz` (the process is alive) and `/readyz` (every service can do its work):
 * orchestrators restart on the first and route traffic on the second.
 */
import { ServiceStatus, type ServiceHealth } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { PUBLIC_ROUTE } from './route-scopes.ts';

/** Statuses in which a service still serves: degraded means working with an impaired dependency. */
const READY_STATUSES: ReadonlySet<ServiceStatus> = new Set([ServiceStatus.Up, ServiceStatus.Degraded]);

/** The `/readyz` body. */
export interface ReadinessReport {
  status: 'ready' | 'unavailable';
  services: Record<string, ServiceHealth>;
}

/** Ready when every service is up or degraded (and there is at least one). */
export function readiness(services: Record<string, ServiceHealth>): ReadinessReport {
  const statuses = Object.values(services).map((health) => health.status);
  const ready = statuses.length > 0 && statuses.every((status) => READY_STATUSES.has(status));
  return { status: ready ? 'ready' : 'unavailable', services };
}

/** Registers both probes; `health` is read on every `/readyz`. */
export function registerHealthRoutes(
  app: FastifyInstance,
  health: () => Record<string, ServiceHealth>,
): void {
  // Probes: public, and outside the API document (orchestrators read them, not API clients).
  const probe = { ...PUBLIC_ROUTE, schema: { hide: true } };
  app.get('/healthz', probe, async function healthz() {
    return { status: 'ok' };
  });
  app.get('/readyz', probe, async function readyz(_request, reply) {
    const report = readiness(health());
    return reply.status(report.status === 'ready' ? 200 : 503).send(report);
  });
}

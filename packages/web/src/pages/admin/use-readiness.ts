/** @module `/readyz` as the operations page reads it: one poll shared by its panels. */
import { useSession } from '../../app/session.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { ADMIN_REFRESH_MS } from './admin-api.ts';

export interface Readiness {
  status: string;
  services: Record<string, { status: string; detail?: string; info?: Record<string, unknown> }>;
}

/** Polls `/readyz` (it answers 503 with the same body when something is down: read either way). */
export function useReadiness() {
  const { client } = useSession();
  return usePolling(
    async () => {
      const response = await fetch(new URL('/readyz', window.location.origin), {
        headers: { accept: 'application/json' },
      });
      return (await response.json()) as Readiness;
    },
    ADMIN_REFRESH_MS,
    [client],
  );
}

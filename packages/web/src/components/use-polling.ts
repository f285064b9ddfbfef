/** @module `usePolling`: {@link useAsync} re-run every `intervalMs` while the page is visible. */
import { useEffect } from 'react';
import { useAsync } from './use-async.ts';

/** Reloads `load` on a timer (skipped while the tab is hidden); the last data stays shown meanwhile. */
export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): ReturnType<typeof useAsync<T>> {
  const state = useAsync(load, deps);
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs]);
  return state;
}

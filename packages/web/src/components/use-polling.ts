/** @module `usePolling`: {@link useAsync} re-run every `intervalMs` while the page is visible. */
import { useEffect, useRef } from 'react';
import { pageHidden, useWhenShown } from './page-visibility.ts';
import { useAsync } from './use-async.ts';

/**
 * Reloads `load` on a timer, skipped while the tab is hidden; a tab shown again after a skipped
 * turn reloads at once rather than at its next turn. The last data stays shown meanwhile.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): ReturnType<typeof useAsync<T>> {
  const state = useAsync(load, deps);
  const { reload } = state;
  const skipped = useRef(false);
  useEffect(() => {
    const timer = setInterval(() => {
      if (pageHidden()) skipped.current = true;
      else reload();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [reload, intervalMs]);
  useWhenShown(() => {
    if (!skipped.current) return;
    skipped.current = false;
    reload();
  });
  return state;
}

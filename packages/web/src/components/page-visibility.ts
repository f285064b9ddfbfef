/**
 * @module Whether the tab is in view. A tab in the background spends the same rate limit as the
 * one in front (60 requests a minute on the free tier, per account, not per tab): two tabs that
 * both re-read on every timer and event burst ran past it. Hidden tabs defer their re-reads and
 * catch up once, when shown.
 */
import { useEffect, useRef } from 'react';

export const pageHidden = (): boolean => document.visibilityState === 'hidden';

/** Calls `onShown` each time the tab comes back into view. */
export function useWhenShown(onShown: () => void): void {
  const latest = useRef(onShown);
  latest.current = onShown;
  useEffect(() => {
    const changed = () => {
      if (!pageHidden()) latest.current();
    };
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);
}

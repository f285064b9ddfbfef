/** @module `useConnectionStatus`: the provider's subscription status, re-rendering on change. */
import { useSyncExternalStore } from 'react';
import { useTicklineContext } from './context.ts';
import type { ConnectionState } from './events-store.ts';

/**
 * `{ status, attempt, error? }`: `idle` (no hook listens), `connecting`, `open`, `reconnecting`
 * (with the attempt count) or `closed` (with the error that ended it).
 */
export function useConnectionStatus(): ConnectionState {
  const { store } = useTicklineContext('useConnectionStatus');
  return useSyncExternalStore(store.onStateChange, store.getState, store.getState);
}

/** @module The React context a `TicklineProvider` fills. */
import { createContext, useContext } from 'react';
import type { TicklineClient } from '../client.ts';
import type { EventsStore } from './events-store.ts';

export interface TicklineContextValue {
  client: TicklineClient;
  store: EventsStore;
}

export const TicklineContext = createContext<TicklineContextValue | null>(null);

/** The provider's value. @throws Error outside a `TicklineProvider` (a wiring mistake, not a runtime condition). */
export function useTicklineContext(hook: string): TicklineContextValue {
  const value = useContext(TicklineContext);
  if (!value) throw new Error(`${hook} must be used inside <TicklineProvider>`);
  return value;
}

/** The provider's client, for REST calls from components. */
export function useTicklineClient(): TicklineClient {
  return useTicklineContext('useTicklineClient').client;
}

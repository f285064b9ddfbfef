/**
 * @module @tickline/client/react — React bindings: `TicklineProvider`, `useEvents`,
 * `useConnectionStatus`, `useTicklineClient`. `react` is a peer dependency of this subpath only.
 *
 * @example
 * createElement(TicklineProvider, { client, channels: [`user:${user.id}`] }, createElement(App));
 * // inside App:
 * useEvents(['account.snapshot.generated'], (event) => setSnapshot(event.data));
 * const { status } = useConnectionStatus();
 */
export { TicklineProvider } from './provider.ts';
export { useEvents } from './use-events.ts';
export { useConnectionStatus } from './use-connection-status.ts';
export { useTicklineClient } from './context.ts';
export { EventsStore } from './events-store.ts';

export type { TicklineProviderProps } from './provider.ts';
export type { UseEventsOptions } from './use-events.ts';
export type {
  ConnectionState,
  ConnectionStatus,
  EventsListener,
  EventsStoreOptions,
} from './events-store.ts';

/**
 * @module The process's event registry: every type a consumer may find in the main log. A consumer
 * decodes with it, so a type missing here would be dead-lettered; each package adds its list.
 */
import { IDENTITY_EVENTS } from '@tickline/identity';
import { GameEvents } from '@tickline/game';
import { EventRegistry, type EventDefinition } from '@tickline/kernel';
import { MARKET_EVENTS } from '@tickline/market';
import { NOTIFY_EVENTS } from '@tickline/notify';
import { ACCOUNT_EVENTS, OrderEvents, STRATEGY_EVENTS } from '@tickline/strategy';

/** Every event definition of the process. */
export const PROCESS_EVENTS: readonly EventDefinition<any>[] = [
  ...IDENTITY_EVENTS,
  ...ACCOUNT_EVENTS,
  ...STRATEGY_EVENTS,
  ...OrderEvents,
  ...NOTIFY_EVENTS,
  ...MARKET_EVENTS,
  ...GameEvents,
];

/** A registry holding {@link PROCESS_EVENTS}. */
export function createProcessEventRegistry(): EventRegistry {
  return new EventRegistry(PROCESS_EVENTS);
}

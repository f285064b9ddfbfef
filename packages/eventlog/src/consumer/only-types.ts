/** @module A consumer handler that sees only the event types it handles. */
import type { EventHandler } from './consumer-options.ts';

/**
 * Hands `handle` only events of `types` (a batch with none is skipped). A SQL projection claims
 * every event id it is given in `processed_events`: fed the whole log, a projection of rare
 * events would claim every market trade too (100k rows/s at full rate) for nothing. The log
 * consumer's own position still moves past the skipped events.
 */
export function onlyTypes(types: readonly string[], handle: EventHandler): EventHandler {
  const wanted = new Set(types);
  return async function handleWanted(events, context) {
    const mine = events.filter((event) => wanted.has(event.type));
    if (mine.length > 0) await handle(mine, context);
  };
}

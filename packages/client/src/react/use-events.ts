/** @module `useEvents`: run a handler for events of some types, through the provider's one subscription. */
import { useEffect, useRef } from 'react';
import type { StreamEvent, StreamReset } from '@tickline/protocol';
import { useTicklineContext } from './context.ts';

export interface UseEventsOptions {
  /** Only events of these channels; they are added to the provider's subscription. @default every channel of the provider */
  channels?: readonly string[];
  /** Called when these channels' history had a gap: refetch their state. */
  onReset?: (reset: StreamReset) => void;
}

/**
 * Calls `handler` for every event whose type is in `types` (`[]` = all). The latest `handler` is
 * used without resubscribing, so an inline arrow function is fine; unmounting stops the calls.
 * @example
 * useEvents(['account.snapshot.generated'], (event) => setSnapshot(event.data));
 */
export function useEvents<D = unknown>(
  types: readonly string[],
  handler: (event: StreamEvent<D>) => void,
  options: UseEventsOptions = {},
): void {
  const { store } = useTicklineContext('useEvents');
  const handlerRef = useRef(handler);
  const resetRef = useRef(options.onReset);
  useEffect(() => {
    handlerRef.current = handler;
    resetRef.current = options.onReset;
  });
  // Arrays are often written inline: key them by content so a re-render does not resubscribe.
  const typesKey = [...new Set(types)].sort().join('\n');
  const channelsKey = options.channels ? [...new Set(options.channels)].sort().join('\n') : undefined;
  useEffect(
    () =>
      store.addListener({
        types: new Set(typesKey === '' ? [] : typesKey.split('\n')),
        channels:
          channelsKey === undefined ? undefined : new Set(channelsKey === '' ? [] : channelsKey.split('\n')),
        handle: (event) => handlerRef.current(event as StreamEvent<D>),
        reset: (reset) => resetRef.current?.(reset),
      }),
    [store, typesKey, channelsKey],
  );
}

/**
 * @module `useLive`: a resource read once from the API, then replaced by each event of a live
 * channel (and re-read when the stream reports a gap).
 */
import { useEvents } from '@tickline/client/react';
import { useAsync } from './use-async.ts';

/** Where the live copies come from, and how an event's data becomes the resource. */
export interface LiveSource<T, D> {
  channel: string;
  type: string;
  pick: (data: D) => T;
}

export function useLive<T, D>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  live: LiveSource<T, D>,
): ReturnType<typeof useAsync<T>> {
  const state = useAsync(load, deps);
  const { set, reload } = state;
  useEvents<D>([live.type], (event) => set(live.pick(event.data)), {
    channels: [live.channel],
    onReset: reload,
  });
  return state;
}

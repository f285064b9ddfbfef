/** @module `useAsync`: a promise's loading / error / data state, reloadable, ignoring stale answers. */
import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data?: T }
  | { status: 'error'; error: unknown; data?: T }
  | { status: 'ready'; data: T };

/** Runs `load` now and whenever `deps` change; `reload()` runs it again keeping the old data shown. */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): AsyncState<T> & { reload: () => void; set: (data: T) => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({
      status: 'loading',
      ...(previous.data === undefined ? {} : { data: previous.data }),
    }));
    loadRef.current().then(
      (data) => mine === generation.current && setState({ status: 'ready', data }),
      (error: unknown) =>
        mine === generation.current &&
        setState((previous) => ({
          status: 'error',
          error,
          ...(previous.data === undefined ? {} : { data: previous.data }),
        })),
    );
  }, []);
  // Callers list what `load` depends on, as with useEffect.
  useEffect(run, deps);
  const set = useCallback((data: T) => {
    generation.current++;
    setState({ status: 'ready', data });
  }, []);
  return { ...state, reload: run, set };
}

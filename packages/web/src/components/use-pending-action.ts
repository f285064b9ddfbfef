/** @module `usePendingAction`: a form's submit state — pending while an action runs, its error after. */
import { useState } from 'react';
import { errorMessage } from './states.tsx';

/** `run(action)` marks the form pending, clears the last error, and keeps the new one if it throws. */
export function usePendingAction(): {
  pending: boolean;
  error: string | undefined;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function run(action: () => Promise<void>): Promise<void> {
    setPending(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(false);
    }
  }
  return { pending, error, run };
}

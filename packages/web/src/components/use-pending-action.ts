/** @module `usePendingAction`: a form's submit state — pending while an action runs, its error after. */
import { useState } from 'react';
import { errorMessage } from './states.tsx';

/**
 * `run(action)` marks the form pending, clears the last error, and keeps the new one if it throws.
 * `withCode`: the message ends with the API's error code (`NOTIFY_VERIFICATION_THROTTLED`), for
 * forms whose errors a user may need to quote or look up in docs/errors.md.
 */
export function usePendingAction(options: { withCode?: boolean } = {}): {
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
      const code = (caught as { code?: unknown }).code;
      setError(
        options.withCode && typeof code === 'string' && code !== 'CLIENT_NETWORK_ERROR'
          ? `${errorMessage(caught)} (${code})`
          : errorMessage(caught),
      );
    } finally {
      setPending(false);
    }
  }
  return { pending, error, run };
}

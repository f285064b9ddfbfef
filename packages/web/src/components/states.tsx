/** @module Loading, empty and error states, the same everywhere. */
import { isTicklineApiError } from '@tickline/client';
import type { ReactNode } from 'react';

/** A message for any error: the API's own message and code when it is one. */
export function errorMessage(error: unknown): string {
  if (isTicklineApiError(error)) {
    if (error.code === 'CLIENT_NETWORK_ERROR')
      return 'The server cannot be reached. Check your connection and retry.';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export function Loading({ label = 'Loading…' }: { label?: string }): ReactNode {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }): ReactNode {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }): ReactNode {
  return (
    <div className="state state-error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

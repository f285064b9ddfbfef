/** @module The live-stream status in the header: live, connecting, reconnecting (attempt n), offline. */
import { useConnectionStatus } from '@tickline/client/react';
import type { ReactNode } from 'react';

const LABELS = {
  idle: 'Idle',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
} as const;

export function ConnectionIndicator(): ReactNode {
  const { status, attempt, error } = useConnectionStatus();
  const label =
    status === 'reconnecting' && attempt > 1 ? `Reconnecting (attempt ${attempt})…` : LABELS[status];
  return (
    <span
      className={`connection connection-${status}`}
      role="status"
      aria-live="polite"
      title={error ? error.message : `Stream: ${label}`}
      data-status={status}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{label}</span>
    </span>
  );
}

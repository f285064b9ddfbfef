/** @module What every supervisor of sandbox processes shares: reasons, their codes, the restart backoff. */
import type { SandboxErrorCode } from '../errors.ts';

/** Why the supervisor ended a call by killing its process. */
export type KillReason = 'cpu' | 'memory' | 'timeout' | 'crashed' | 'cancelled';

/** The code a call is rejected with per reason, unless a domain gives its own. */
export const DEFAULT_KILL_CODES: Readonly<Record<KillReason, SandboxErrorCode>> = Object.freeze({
  cpu: 'SANDBOX_CPU_LIMIT',
  memory: 'SANDBOX_MEMORY_LIMIT',
  timeout: 'SANDBOX_TIMEOUT',
  crashed: 'SANDBOX_CRASHED',
  cancelled: 'SANDBOX_CANCELLED',
});

export const MIB = 1024 * 1024;

/** Longest pause between restarts of a process that keeps failing to start. */
const MAX_RESTART_DELAY_MS = 5_000;

/** Pause before starting a process again after `failedStarts` failed starts in a row (0: at once). */
export function restartDelay(failedStarts: number): number {
  return failedStarts === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** failedStarts);
}

/** A call waiting for its answer. */
export interface PendingCall<Options> {
  id: number;
  method: string;
  payload: unknown;
  options: Options;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** @module Messages between the supervisor and a sandbox process (structured clone over IPC). */

/** Parent → child: a call (answered), or a notification (no id, never answered; resident processes). */
export type ToChild = { id: number; method: string; payload: unknown };
export type ToResident = ToChild | { method: string; payload: unknown };

/** A coded error as it crosses the process boundary. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Child → parent. */
export type FromChild =
  | { ready: true }
  /** A resident process at work on a long call: it is not hung (see resident-process.ts). */
  | { alive: true }
  | { id: number; progress: unknown[] }
  | { id: number; ok: true; result: unknown; retire?: boolean }
  | { id: number; ok: false; error: WireError; retire?: boolean; fault?: string };

/** What the user is told about a fault of the sandbox itself (the log has the fault). */
export const FAULT_MESSAGE = 'the sandbox failed for a reason of its own; the fault was logged';

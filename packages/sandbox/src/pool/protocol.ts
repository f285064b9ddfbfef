/** @module Messages between the supervisor and a sandbox process (structured clone over IPC). */

/**
 * The content side of a call (data-cache.ts plans it, child-data.ts carries it out): buffers freed
 * before, content read from `file` (at `offset`) into buffers (allocated at `size` when new), the
 * content the call may read, and buffers freed after it.
 */
export interface WireData {
  drop: number[];
  put: Array<{ buffer: number; size?: number; offset: number; byteLength: number }>;
  file?: string;
  uses: Array<{ key: string; buffer: number; byteLength: number }>;
  after: number[];
}

/** Parent → child: a call (answered), or a notification (no id, never answered; resident processes). */
export type ToChild = { id: number; method: string; payload: unknown; data?: WireData };
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

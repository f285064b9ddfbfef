/** @module Source status: the states a feed goes through, and the change records a source emits. */

/** Feed states, in the order a healthy connection goes through them. */
export const SourceState = {
  Connecting: 'connecting',
  Live: 'live',
  /** Connected but silent for longer than the liveness window. */
  Stale: 'stale',
  /** Waiting before a reconnect attempt. */
  BackingOff: 'backing_off',
  /** Gave up (circuit open, bad configuration, end of a replay with an error). */
  Failed: 'failed',
} as const;
export type SourceState = (typeof SourceState)[keyof typeof SourceState];

/** One status change. */
export interface SourceStatusChange {
  readonly source: string;
  readonly exchange: string;
  readonly state: SourceState;
  /** Epoch ms of the change. */
  readonly at: number;
  readonly detail?: string;
}

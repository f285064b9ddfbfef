/**
 * @module Session versions: per user, a number that moves on whenever what was issued to the
 * user must stop working — sign-out, sign-out everywhere, a disabled account, a role or tier
 * change, a revoked API key. Access tokens and stream tickets carry the version they were issued
 * under (`sv`); one older than the user's current version is refused, and realtime closes the
 * streams it opened. Versions are milliseconds since the epoch (a bump is `max(now, current + 1)`),
 * so a store that starts from a floor of "now" refuses everything issued before it started.
 */

/** The per-user version store: memory (one process) or Redis (every gateway). */
export interface SessionVersions {
  /** The user's current version; 0 (or the store's floor) when never bumped. */
  current(userId: string): Promise<number>;
  /** Moves the user's version on, revoking everything issued so far; returns the new version. */
  bump(userId: string): Promise<number>;
}

/** The version a bump moves to. */
export function nextVersion(current: number, nowMs: number): number {
  return Math.max(nowMs, current + 1);
}

/**
 * @module Revocation reaches game sessions: every couple of seconds each session's player is
 * checked against the session version its join token carried; a revoked one (sign-out
 * everywhere, a disabled account, a role or tier change, a revoked API key) is closed with
 * GAME_SESSION_REVOKED and forgotten, so its session id does not resume.
 */
import { createBeatService, type Service } from '@tickline/kernel';
import type { GameSessions } from '../session/game-sessions.ts';

/** How often sessions are checked; the version store caches reads for about as long. */
export const REVOCATION_SWEEP_INTERVAL_MS = 2_000;

/** Whether credentials issued under `version` still stand (identity's check, Redis in scaled mode). */
export interface SessionCheck {
  isSessionCurrent(userId: string, version: number): Promise<boolean>;
}

export function createRevocationSweep(
  sessions: GameSessions,
  check: SessionCheck,
  intervalMs = REVOCATION_SWEEP_INTERVAL_MS,
): Service {
  return createBeatService({
    name: 'game-revocation',
    intervalMs,
    failureMessage: 'checking game sessions for revocation failed; retrying',
    async beat() {
      const held = sessions.heldSessions();
      const verdicts = await Promise.all(
        held.map((s) => check.isSessionCurrent(s.playerId, s.sessionVersion)),
      );
      for (const [i, current] of verdicts.entries()) if (!current) sessions.revoke(held[i]!.playerId);
    },
  });
}

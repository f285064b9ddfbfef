/**
 * @module Sessions: access token + rotating refresh token. Each refresh exchanges the presented
 * token for a new one in the same session (family); presenting an exchanged token again means
 * a copy exists elsewhere, so the whole session is revoked (OAuth 2.0 Security BCP §4.14.2).
 */
import { uuidv7 } from '@tickline/kernel';
import { IdentityError } from '../errors.ts';
import type { RefreshTokenRecord, SignInOrigin } from '../repository/records.ts';
import { RefreshInputSchema, type RefreshInput } from '../schemas/auth-schemas.ts';
import { parseInput } from '../schemas/parse-input.ts';
import { randomToken, sha256Hex } from '../tokens/secrets.ts';
import type { UserRecord } from '../users/user.ts';
import type { IdentityContext } from './identity-context.ts';
import type { TokenPair } from '@tickline/protocol';

const REFRESH_TOKEN_PREFIX = 'tkl_rt_';
const REFRESH_TOKEN_BYTES = 32;
/** How long ended sessions are kept (for audit) before purgeEnded deletes them. */
export const DEFAULT_ENDED_SESSION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What a client keeps after signing in (the wire shape is @tickline/protocol's). */
export type { TokenPair } from '@tickline/protocol';

/** Why a session ended. */
export const RevokeReason = {
  SignOut: 'sign_out',
  SignOutEverywhere: 'sign_out_everywhere',
  ReuseDetected: 'reuse_detected',
  PasswordChanged: 'password_changed',
  Disabled: 'disabled',
} as const;

function newRefreshToken(sessionId: string, now: Date, expiresAt: Date) {
  const secret = `${REFRESH_TOKEN_PREFIX}${randomToken(REFRESH_TOKEN_BYTES)}`;
  const record: RefreshTokenRecord = {
    id: uuidv7(now.getTime()),
    sessionId,
    tokenHash: sha256Hex(secret),
    createdAt: now,
    expiresAt,
    usedAt: null,
  };
  return { secret, record };
}

export function createSessions(ctx: IdentityContext) {
  const { repo, options } = ctx;

  async function pair(user: UserRecord, sessionId: string, refresh: string, refreshExpiresAt: Date) {
    const sessionVersion = await options.sessionVersions.current(user.id);
    const access = await ctx.jwt.signAccess({
      userId: user.id,
      role: user.role,
      tier: user.tier,
      sessionId,
      sessionVersion,
    });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refresh,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    } satisfies TokenPair;
  }

  function reject(code: 'AUTH_REFRESH_TOKEN_INVALID' | 'AUTH_REFRESH_TOKEN_REUSED', message: string) {
    ctx.metrics.rejections.inc({ code });
    return new IdentityError(code, message);
  }

  return {
    /** Starts a session for a user who has fully authenticated, remembering where from. */
    start: async (user: UserRecord, origin?: SignInOrigin): Promise<TokenPair> => {
      const now = ctx.now();
      const sessionId = uuidv7(now.getTime());
      const sessionExpiresAt = new Date(now.getTime() + options.sessionMaxAgeMs);
      const tokenExpiresAt = new Date(
        Math.min(now.getTime() + options.refreshTokenTtlMs, sessionExpiresAt.getTime()),
      );
      const first = newRefreshToken(sessionId, now, tokenExpiresAt);
      await repo.createSession(
        {
          id: sessionId,
          userId: user.id,
          createdAt: now,
          expiresAt: sessionExpiresAt,
          revokedAt: null,
          revokeReason: null,
          origin: origin ?? null,
        },
        first.record,
      );
      return pair(user, sessionId, first.secret, tokenExpiresAt);
    },

    /** Exchanges a refresh token for a new pair. */
    refresh: async (input: RefreshInput): Promise<TokenPair> => {
      const { refreshToken } = parseInput(RefreshInputSchema, input);
      const now = ctx.now();
      const found = await repo.findRefreshToken(sha256Hex(refreshToken));
      if (!found || found.session.revokedAt !== null)
        throw reject('AUTH_REFRESH_TOKEN_INVALID', 'refresh token invalid');
      const { token, session } = found;
      // Presented again soon after its rotation: a reload or a second tab racing the first, not a
      // thief (who would have to use it within seconds of the owner). It gets a token of its own.
      const reusableSince =
        options.refreshReuseGraceMs > 0 ? new Date(now.getTime() - options.refreshReuseGraceMs) : undefined;
      const again = token.usedAt !== null;
      if (again && !(reusableSince && token.usedAt! >= reusableSince)) {
        await repo.revokeSession(session.id, RevokeReason.ReuseDetected, now);
        ctx.options.logger.warn(
          { userId: session.userId, sessionId: session.id },
          'refresh token reuse: session revoked',
        );
        throw reject('AUTH_REFRESH_TOKEN_REUSED', 'refresh token already used; session revoked');
      }
      if (token.expiresAt <= now || session.expiresAt <= now)
        throw reject('AUTH_REFRESH_TOKEN_INVALID', 'refresh token expired');
      const user = await repo.findUserById(session.userId);
      if (!user || user.status !== 'active') {
        await repo.revokeSession(session.id, RevokeReason.Disabled, now);
        throw reject('AUTH_REFRESH_TOKEN_INVALID', 'account is not active');
      }
      const expiresAt = new Date(
        Math.min(now.getTime() + options.refreshTokenTtlMs, session.expiresAt.getTime()),
      );
      const next = newRefreshToken(session.id, now, expiresAt);
      // Two refreshes racing with the same token: outside the grace period only one conditional update
      // wins, and the other is reuse.
      if (!(await repo.rotateRefreshToken(token.id, now, next.record, reusableSince))) {
        await repo.revokeSession(session.id, RevokeReason.ReuseDetected, now);
        throw reject('AUTH_REFRESH_TOKEN_REUSED', 'refresh token already used; session revoked');
      }
      if (again)
        ctx.options.logger.info(
          { userId: session.userId, sessionId: session.id },
          'refresh token presented again within the reuse grace period: new token issued',
        );
      ctx.metrics.signIns.inc({ method: 'refresh', outcome: 'success' });
      return pair(user, session.id, next.secret, expiresAt);
    },

    /** Ends the session the refresh token belongs to. Unknown tokens are ignored (nothing to end). */
    signOut: async (input: RefreshInput): Promise<void> => {
      const { refreshToken } = parseInput(RefreshInputSchema, input);
      const found = await repo.findRefreshToken(sha256Hex(refreshToken));
      if (!found) return;
      await repo.revokeSession(found.session.id, RevokeReason.SignOut, ctx.now());
      // Access tokens are stateless: only a version bump stops the ones already issued.
      await options.sessionVersions.bump(found.session.userId);
    },

    /** Deletes sessions that ended more than `retentionMs` ago; returns how many. */
    /** Ended sessions past `retentionMs`, and abandoned OIDC sign-in states (expired). */
    purgeEnded: async (retentionMs: number = DEFAULT_ENDED_SESSION_RETENTION_MS): Promise<number> => {
      await repo.deleteExpiredOidcStates(ctx.now());
      return repo.deleteEndedSessions(new Date(ctx.now().getTime() - retentionMs));
    },

    /** Ends every session of the user, and (by a version bump) every access token and stream. */
    signOutEverywhere: async (
      userId: string,
      reason: string = RevokeReason.SignOutEverywhere,
    ): Promise<number> => {
      const ended = await repo.revokeUserSessions(userId, reason, ctx.now());
      await options.sessionVersions.bump(userId);
      return ended;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

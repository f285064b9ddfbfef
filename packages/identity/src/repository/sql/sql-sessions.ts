/** @module Sessions and refresh tokens in SQL. */
import type { SessionRepository } from '../identity-repository.ts';
import type { RefreshTokenRecord, SessionRecord } from '../records.ts';
import type { IdentitySql, IdentitySqlQueryable } from './identity-sql.ts';

function insertToken(db: IdentitySqlQueryable, token: RefreshTokenRecord) {
  return db.query(
    `insert into refresh_tokens (id, session_id, token_hash, created_at, expires_at, used_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [token.id, token.sessionId, token.tokenHash, token.createdAt, token.expiresAt, token.usedAt],
  );
}

interface TokenWithSessionRow extends RefreshTokenRecord {
  userId: string;
  sessionCreatedAt: Date;
  sessionExpiresAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
}

export function createSqlSessions(sql: IdentitySql): SessionRepository {
  return {
    async deleteEndedSessions(before) {
      // Tokens go with their session (on delete cascade).
      const result = await sql.query(`delete from auth_sessions where expires_at < $1 or revoked_at < $1`, [
        before,
      ]);
      return result.rowCount;
    },
    async createSession(session, first) {
      await sql.transaction(async (tx) => {
        await tx.query(
          `insert into auth_sessions (id, user_id, created_at, expires_at, revoked_at, revoke_reason,
                                      device, address)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            session.id,
            session.userId,
            session.createdAt,
            session.expiresAt,
            session.revokedAt,
            session.revokeReason,
            session.origin?.device ?? null,
            session.origin?.address ?? null,
          ],
        );
        await insertToken(tx, first);
      });
    },
    async originHistory(userId, origin) {
      // One statement over the user's sessions (a handful: refreshes add tokens, not sessions).
      const result = await sql.query<{ seen: boolean | null; sessions: boolean; recorded: boolean | null }>(
        `select bool_or(device = $2 and address is not distinct from $3) as seen,
                count(*) > 0 as sessions, bool_or(device is not null) as recorded
           from auth_sessions where user_id = $1`,
        [userId, origin.device, origin.address],
      );
      const row = result.rows[0];
      return { seen: row?.seen === true, sessions: row?.sessions === true, recorded: row?.recorded === true };
    },
    async findRefreshToken(tokenHash) {
      const result = await sql.query<TokenWithSessionRow>(
        `select t.id, t.session_id as "sessionId", t.token_hash as "tokenHash", t.created_at as "createdAt",
                t.expires_at as "expiresAt", t.used_at as "usedAt", s.user_id as "userId",
                s.created_at as "sessionCreatedAt", s.expires_at as "sessionExpiresAt",
                s.revoked_at as "revokedAt", s.revoke_reason as "revokeReason"
           from refresh_tokens t join auth_sessions s on s.id = t.session_id
          where t.token_hash = $1`,
        [tokenHash],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      const session: SessionRecord = {
        id: row.sessionId,
        userId: row.userId,
        createdAt: row.sessionCreatedAt,
        expiresAt: row.sessionExpiresAt,
        revokedAt: row.revokedAt,
        revokeReason: row.revokeReason,
      };
      const token: RefreshTokenRecord = {
        id: row.id,
        sessionId: row.sessionId,
        tokenHash: row.tokenHash,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        usedAt: row.usedAt,
      };
      return { token, session };
    },
    rotateRefreshToken(tokenId, usedAt, next, reusableSince) {
      return sql.transaction(async (tx) => {
        // One conditional update decides a race: of two refreshes with an unused token one wins;
        // within the grace period both do, each with its own next token.
        const used = await tx.query(
          `update refresh_tokens set used_at = coalesce(used_at, $2)
            where id = $1 and (used_at is null or used_at >= $3)`,
          [tokenId, usedAt, reusableSince ?? null],
        );
        if (used.rowCount === 0) return false;
        await insertToken(tx, next);
        return true;
      });
    },
    async revokeSession(sessionId, reason, at) {
      const result = await sql.query(
        `update auth_sessions set revoked_at = $3, revoke_reason = $2 where id = $1 and revoked_at is null`,
        [sessionId, reason, at],
      );
      return result.rowCount > 0;
    },
    async revokeUserSessions(userId, reason, at) {
      const result = await sql.query(
        `update auth_sessions set revoked_at = $3, revoke_reason = $2 where user_id = $1 and revoked_at is null`,
        [userId, reason, at],
      );
      return result.rowCount;
    },
  };
}

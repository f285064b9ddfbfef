/**
 * @module Join tokens: short-lived, HMAC-SHA256-signed, single-use credentials the coordinator
 * issues after an authenticated `POST /api/v1/game/join` and a zone checks on hello. They name the
 * player and the zone, so a token works for one zone only; the nonce makes each usable once.
 *
 * Format: `g1.<base64url(JSON claims)>.<base64url(HMAC-SHA256("g1." + claims))>`.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '@tickline/kernel';
import { GameCloseCode as CloseCode, type GameSessionErrorCode } from '@tickline/protocol';
import { JOIN_TOKEN_TTL_MS } from '../config.ts';

/** How long a token is valid: long enough to open a connection, short enough to be useless if leaked. @default 30 s */
export const DEFAULT_JOIN_TOKEN_TTL_MS = JOIN_TOKEN_TTL_MS;
/** Shortest secret accepted (RFC 2104: at least the hash output). */
export const MIN_JOIN_TOKEN_SECRET_BYTES = 32;
const MAX_TOKEN_LENGTH = 2048;
const VERSION = 'g1';

/** What a join token says. */
export interface JoinTokenClaims {
  /** Player id (the user id). */
  sub: string;
  zone: string;
  iat: number;
  exp: number;
  /** Random; each nonce is accepted once. */
  nonce: string;
  /** The player's session version at join: once revoked past it, the session is closed. @default 0 */
  sv?: number;
}

export type JoinTokenVerification =
  { ok: true; claims: JoinTokenClaims } | { ok: false; code: GameSessionErrorCode; message: string };

/** Options for {@link createJoinTokens}. */
export interface JoinTokenOptions {
  /** ≥ 32 bytes; the same on the coordinator and every zone process. */
  secret: string | Uint8Array;
  /** @default DEFAULT_JOIN_TOKEN_TTL_MS */
  ttlMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

/** Issues and verifies join tokens; `verify` consumes the nonce. */
export interface JoinTokens {
  readonly ttlMs: number;
  issue(playerId: string, zoneId: string, sessionVersion?: number): { token: string; expiresAt: number };
  /** Checks signature, expiry, zone (when given) and single use. */
  verify(token: string, zoneId?: string): JoinTokenVerification;
}

export function createJoinTokens(options: JoinTokenOptions): JoinTokens {
  const bytes =
    typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret);
  if (bytes.length < MIN_JOIN_TOKEN_SECRET_BYTES)
    throw new RangeError(`join token secrets must be at least ${MIN_JOIN_TOKEN_SECRET_BYTES} bytes`);
  const key: KeyObject = createSecretKey(bytes);
  const ttlMs = options.ttlMs ?? DEFAULT_JOIN_TOKEN_TTL_MS;
  const clock = options.clock ?? systemClock;
  const sign = (signed: string): Buffer => createHmac('sha256', key).update(signed).digest();
  // nonce → expiry; a nonce is forgotten once its token has expired anyway.
  const used = new Map<string, number>();
  let nextPurge = 0;
  const purge = (now: number): void => {
    if (now < nextPurge) return;
    nextPurge = now + ttlMs;
    for (const [nonce, exp] of used) if (exp <= now) used.delete(nonce);
  };
  const fail = (code: GameSessionErrorCode, message: string): JoinTokenVerification => ({
    ok: false,
    code,
    message,
  });

  return {
    ttlMs,
    issue(playerId, zoneId, sessionVersion = 0) {
      const iat = clock.now();
      const claims: JoinTokenClaims = {
        sub: playerId,
        zone: zoneId,
        iat,
        exp: iat + ttlMs,
        nonce: randomBytes(12).toString('base64url'),
        sv: sessionVersion,
      };
      const signed = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return { token: `${signed}.${sign(signed).toString('base64url')}`, expiresAt: claims.exp };
    },
    verify(token, zoneId) {
      if (token.length > MAX_TOKEN_LENGTH) return fail(CloseCode.TokenInvalid, 'token too long');
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return fail(CloseCode.TokenInvalid, 'not a join token');
      const signed = `${parts[0]}.${parts[1]}`;
      const expected = sign(signed);
      const signature = Buffer.from(parts[2]!, 'base64url');
      if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
        return fail(CloseCode.TokenInvalid, 'bad signature');
      let claims: JoinTokenClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as JoinTokenClaims;
      } catch {
        return fail(CloseCode.TokenInvalid, 'unreadable claims');
      }
      if (
        typeof claims.sub !== 'string' ||
        typeof claims.zone !== 'string' ||
        typeof claims.exp !== 'number' ||
        typeof claims.nonce !== 'string'
      )
        return fail(CloseCode.TokenInvalid, 'incomplete claims');
      const now = clock.now();
      if (claims.exp <= now) return fail(CloseCode.TokenExpired, 'the join token expired');
      if (zoneId !== undefined && claims.zone !== zoneId)
        return fail(CloseCode.TokenInvalid, `the token is for zone ${claims.zone}`);
      purge(now);
      if (used.has(claims.nonce)) return fail(CloseCode.TokenReused, 'the join token was already used');
      used.set(claims.nonce, claims.exp);
      return { ok: true, claims };
    },
  };
}

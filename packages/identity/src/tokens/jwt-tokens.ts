/**
 * @module Short-lived JWTs: access tokens (`typ: at+jwt`, RFC 9068) and MFA challenge tokens
 * (`typ: mfa+jwt`). The header `typ` keeps one from being accepted as the other. Verification
 * pins the algorithm, issuer and audience, and maps each jose failure to a stable `AUTH_TOKEN_*`.
 */
import type { Clock } from '@tickline/kernel';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { IdentityError, type IdentityErrorCode } from '../errors.ts';
import { ROLES, TIERS, type Role, type Tier } from '../users/user.ts';
import type { TokenKeys } from './token-keys.ts';
import { randomToken } from './secrets.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const MFA_TOKEN_TYPE = 'mfa+jwt';

/** What an access token asserts. */
export interface AccessClaims {
  userId: string;
  role: Role;
  tier: Tier;
  /** The session (refresh-token family) it was issued for. */
  sessionId: string;
  /** The user's session version when it was issued (`sv`); older than the current one = revoked. @default 0 */
  sessionVersion?: number;
}

/** The claims of a verified token: the version is always known (0 for tokens without one). */
interface VerifiedClaims extends AccessClaims {
  sessionVersion: number;
}

/** A verified access token. */
export interface VerifiedAccessToken extends VerifiedClaims {
  expiresAt: Date;
}

export interface JwtTokensOptions {
  keys: TokenKeys;
  issuer: string;
  audience: string;
  accessTokenTtlMs: number;
  mfaTokenTtlMs: number;
  clockSkewMs: number;
  clock: Clock;
}

/** Signs and verifies the two token kinds. */
export interface JwtTokens {
  signAccess(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }>;
  verifyAccess(token: string): Promise<VerifiedAccessToken>;
  signMfa(userId: string): Promise<{ token: string; expiresAt: Date }>;
  /** The user id the challenge was issued to. */
  verifyMfa(token: string): Promise<string>;
}

export function createJwtTokens(options: JwtTokensOptions): JwtTokens {
  const { keys, clock } = options;

  async function sign(typ: string, subject: string, claims: JWTPayload, ttlMs: number) {
    const nowSec = Math.floor(clock.now() / 1000);
    const expSec = nowSec + Math.ceil(ttlMs / 1000);
    const header = { alg: keys.algorithm, typ, ...(keys.keyId ? { kid: keys.keyId } : {}) };
    const token = await new SignJWT(claims)
      .setProtectedHeader(header)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(subject)
      .setIssuedAt(nowSec)
      .setNotBefore(nowSec)
      .setExpirationTime(expSec)
      .setJti(randomToken(12))
      .sign(keys.signKey);
    return { token, expiresAt: new Date(expSec * 1000) };
  }

  async function verify(token: string, typ: string, ttlMs: number): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys.verifyKey, {
        algorithms: [keys.algorithm],
        issuer: options.issuer,
        audience: options.audience,
        typ,
        currentDate: new Date(clock.now()),
        clockTolerance: Math.floor(options.clockSkewMs / 1000),
        requiredClaims: ['sub', 'exp', 'iat'],
        // Also makes jose reject an `iat` in the future, which it otherwise ignores.
        maxTokenAge: Math.ceil(ttlMs / 1000),
      });
      return payload;
    } catch (error) {
      throw toTokenError(error);
    }
  }

  return {
    signAccess: (claims) =>
      sign(
        ACCESS_TOKEN_TYPE,
        claims.userId,
        { role: claims.role, tier: claims.tier, sid: claims.sessionId, sv: claims.sessionVersion ?? 0 },
        options.accessTokenTtlMs,
      ),
    async verifyAccess(token) {
      const payload = await verify(token, ACCESS_TOKEN_TYPE, options.accessTokenTtlMs);
      const { role, tier, sid, sv } = payload as { role?: unknown; tier?: unknown; sid?: unknown; sv?: unknown };
      if (!ROLES.includes(role as Role) || !TIERS.includes(tier as Tier) || typeof sid !== 'string') {
        throw new IdentityError('AUTH_TOKEN_MALFORMED', 'access token claims are incomplete');
      }
      return {
        userId: payload.sub!,
        role: role as Role,
        tier: tier as Tier,
        sessionId: sid,
        // Tokens issued before versions existed carry none: version 0, refused after any bump.
        sessionVersion: typeof sv === 'number' && Number.isFinite(sv) ? sv : 0,
        expiresAt: new Date(payload.exp! * 1000),
      };
    },
    signMfa: (userId) => sign(MFA_TOKEN_TYPE, userId, {}, options.mfaTokenTtlMs),
    async verifyMfa(token) {
      return (await verify(token, MFA_TOKEN_TYPE, options.mfaTokenTtlMs)).sub!;
    },
  };
}

const CLAIM_CODES: Record<string, IdentityErrorCode> = {
  iss: 'AUTH_TOKEN_ISSUER_INVALID',
  aud: 'AUTH_TOKEN_AUDIENCE_INVALID',
  nbf: 'AUTH_TOKEN_NOT_YET_VALID',
  typ: 'AUTH_TOKEN_TYPE_INVALID',
};

/** One jose failure → one stable code. Anything unrecognised is reported as malformed. */
export function toTokenError(error: unknown): IdentityError {
  const { code, claim, reason } = (error ?? {}) as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new IdentityError('AUTH_TOKEN_EXPIRED', 'token expired');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new IdentityError('AUTH_TOKEN_ALG_NOT_ALLOWED', 'token algorithm not allowed');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new IdentityError('AUTH_TOKEN_SIGNATURE_INVALID', 'token signature invalid');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      // An `iat` in the future is the same problem as an early `nbf`: the token is not valid yet.
      if (claim === 'iat' && reason === 'check_failed') {
        return new IdentityError('AUTH_TOKEN_NOT_YET_VALID', 'token issued in the future');
      }
      const mapped = reason === 'check_failed' && claim ? CLAIM_CODES[claim] : undefined;
      return new IdentityError(mapped ?? 'AUTH_TOKEN_MALFORMED', `token claim "${claim ?? '?'}" invalid`, {
        details: { claim },
      });
    }
    default:
      return new IdentityError('AUTH_TOKEN_MALFORMED', 'token malformed');
  }
}

/**
 * @module Request authentication: an access token (stateless: signature and claims only) or an
 * API key (looked up by its public prefix, compared by hash, owner checked; last-used time is
 * noted in memory and written in batches).
 */
import { isTicklineError } from '@tickline/kernel';
import { apiKeyPrefixOf, looksLikeApiKey } from '../api-keys/api-key-format.ts';
import { IdentityError } from '../errors.ts';
import { digestsEqual, sha256Hex } from '../tokens/secrets.ts';
import type { IdentityContext } from './identity-context.ts';
import type { Principal } from './principal.ts';

const MAX_CREDENTIAL_LENGTH = 4096;
const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

export function createAuthenticator(ctx: IdentityContext) {
  const { repo, options } = ctx;

  function counted<T>(work: Promise<T>): Promise<T> {
    return work.catch((error: unknown) => {
      if (isTicklineError(error)) ctx.metrics.rejections.inc({ code: error.code });
      throw error;
    });
  }

  async function accessToken(token: string): Promise<Principal> {
    const claims = await ctx.jwt.verifyAccess(token);
    if (claims.sessionVersion < (await options.sessionVersions.current(claims.userId))) {
      throw new IdentityError('AUTH_SESSION_REVOKED', 'the session was revoked; refresh or sign in again');
    }
    return {
      kind: 'user',
      userId: claims.userId,
      role: claims.role,
      tier: claims.tier,
      limits: options.tiers[claims.tier],
      scopes: null,
      sessionId: claims.sessionId,
      sessionVersion: claims.sessionVersion,
    };
  }

  async function apiKey(key: string): Promise<Principal> {
    const invalid = () => new IdentityError('AUTH_API_KEY_INVALID', 'API key invalid');
    const prefix = apiKeyPrefixOf(key);
    if (!prefix) throw invalid();
    const record = await repo.findApiKeyByPrefix(prefix);
    if (!record || !digestsEqual(record.keyHash, sha256Hex(key))) throw invalid();
    if (record.revokedAt !== null) throw new IdentityError('AUTH_API_KEY_REVOKED', 'API key revoked');
    const now = ctx.now();
    if (record.expiresAt !== null && record.expiresAt <= now) throw invalid();
    const owner = await repo.findUserById(record.userId);
    if (!owner) throw invalid();
    if (owner.status !== 'active') throw new IdentityError('AUTH_ACCOUNT_DISABLED', 'account disabled');
    ctx.lastUsed.note(record.id, now);
    return {
      kind: 'api_key',
      userId: owner.id,
      role: owner.role,
      tier: owner.tier,
      limits: options.tiers[owner.tier],
      scopes: record.scopes,
      apiKeyId: record.id,
      sessionVersion: await options.sessionVersions.current(owner.id),
    };
  }

  /** An access token or API key, as sent after `Bearer `. */
  function bearer(credential: string): Promise<Principal> {
    if (credential.length > MAX_CREDENTIAL_LENGTH) {
      return counted(Promise.reject(new IdentityError('AUTH_TOKEN_MALFORMED', 'credential too long')));
    }
    return counted(looksLikeApiKey(credential) ? apiKey(credential) : accessToken(credential));
  }

  return {
    accessToken: (token: string) => counted(accessToken(token)),
    apiKey: (key: string) => counted(apiKey(key)),
    bearer,
    /**
     * The `Authorization` header value, or an `X-API-Key` value as a fallback.
     * @throws IdentityError AUTH_UNAUTHENTICATED when neither carries a credential.
     */
    headers: (authorization: string | undefined, xApiKey?: string): Promise<Principal> => {
      const match = authorization ? BEARER.exec(authorization) : null;
      if (match) return bearer(match[1]!);
      if (xApiKey) return bearer(xApiKey.trim());
      const error = authorization
        ? new IdentityError('AUTH_TOKEN_MALFORMED', 'Authorization header must be "Bearer <token>"')
        : new IdentityError('AUTH_UNAUTHENTICATED', 'no credentials');
      return counted(Promise.reject(error));
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

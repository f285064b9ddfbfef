/** @module API key management: create (secret shown once), list, revoke; quota from the tier. */
import { uuidv7 } from '@tickline/kernel';
import { generateApiKey } from '../api-keys/api-key-format.ts';
import { IdentityError } from '../errors.ts';
import type { ApiKeyRecord } from '../repository/records.ts';
import {
  ApiKeyIdParamsSchema,
  CreateApiKeyInputSchema,
  type CreateApiKeyInput,
} from '../schemas/api-key-schemas.ts';
import { invalidInput, parseInput } from '../schemas/parse-input.ts';
import type { IdentityContext } from './identity-context.ts';
import type { Principal } from './principal.ts';
import type { ApiKeyInfo } from '@tickline/protocol';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An API key as shown to its owner: never the secret or its hash. */
export type { ApiKeyInfo } from '@tickline/protocol';

export function toApiKeyInfo(record: ApiKeyRecord): ApiKeyInfo {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

export function createApiKeys(ctx: IdentityContext) {
  const { repo, options } = ctx;
  return {
    /** Creates a key for the principal's user. The returned `key` is never retrievable again. */
    create: async (
      principal: Principal,
      input: CreateApiKeyInput,
    ): Promise<{ apiKey: ApiKeyInfo; key: string }> => {
      const { name, scopes, expiresInDays } = parseInput(CreateApiKeyInputSchema, input);
      const unknown = scopes.filter((s) => !options.apiKeyScopes.has(s));
      if (unknown.length > 0) {
        throw invalidInput(unknown.map((s) => ({ path: 'scopes', message: `unknown scope "${s}"` })));
      }
      // A key cannot grant more than its creator has: only admins may mint `admin` keys, and a key
      // may only create keys within its own scopes.
      const escalates = scopes.filter(
        (s) =>
          (s === 'admin' && principal.role !== 'admin') ||
          (principal.scopes !== null && !principal.scopes.includes(s)),
      );
      if (escalates.length > 0) {
        throw new IdentityError('AUTH_FORBIDDEN', 'cannot grant scopes the caller does not have', {
          details: { required: escalates },
        });
      }
      const now = ctx.now();
      const limit = options.tiers[principal.tier].maxApiKeys;
      const generated = generateApiKey();
      const record: ApiKeyRecord = {
        id: uuidv7(now.getTime()),
        userId: principal.userId,
        name,
        prefix: generated.prefix,
        keyHash: generated.keyHash,
        scopes: [...new Set(scopes)],
        createdAt: now,
        expiresAt: expiresInDays === undefined ? null : new Date(now.getTime() + expiresInDays * DAY_MS),
        lastUsedAt: null,
        revokedAt: null,
      };
      if (!(await repo.insertApiKeyWithinQuota(record, limit)))
        throw new IdentityError(
          'IDENTITY_QUOTA_EXCEEDED',
          `tier ${principal.tier} allows ${limit} API keys`,
          {
            details: { limit: 'maxApiKeys', value: limit },
          },
        );
      return { apiKey: toApiKeyInfo(record), key: generated.key };
    },

    list: async (principal: Principal): Promise<ApiKeyInfo[]> => {
      return (await repo.listApiKeys(principal.userId)).map(toApiKeyInfo);
    },

    revoke: async (principal: Principal, keyId: string): Promise<void> => {
      const { id } = parseInput(ApiKeyIdParamsSchema, { id: keyId });
      if (!(await repo.revokeApiKey(principal.userId, id, ctx.now()))) {
        throw new IdentityError('IDENTITY_API_KEY_NOT_FOUND', 'API key not found');
      }
      // The key itself is refused from now on (checked per request), and streams opened with its
      // tickets close at their next check (their tickets name it). The owner's other sessions —
      // the browser that revoked it — stay signed in: the session version does not move.
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;

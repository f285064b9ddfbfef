import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX } from '../api-keys/api-key-format.ts';
import { sha256Hex } from '../tokens/secrets.ts';
import { streamTicketAttrs } from './principal.ts';
import { codeOf, createTestIdentity } from '../testing/identity-test-kit.ts';

describe('API keys', () => {
  it('create - the key is shown once; only its prefix and hash are stored', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    const { apiKey, key } = await kit.service.createApiKey(principal, {
      name: 'bot',
      scopes: ['market:read'],
    });
    expect(key).toMatch(/^tkl_live_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    expect(apiKey.prefix).toBe(key.slice(0, API_KEY_PREFIX.length + 12));
    expect(apiKey).not.toHaveProperty('keyHash');
    const stored = await kit.repository.findApiKeyByPrefix(apiKey.prefix);
    expect(stored?.keyHash).toBe(sha256Hex(key));
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.stringify(await kit.service.listApiKeys(principal))).not.toContain(key);
  });

  it('authenticate - the key finds its owner by prefix, with the key’s scopes and the owner’s tier', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    const { apiKey, key } = await kit.service.createApiKey(principal, {
      name: 'bot',
      scopes: ['market:read', 'stream:read'],
    });
    const viaHeader = await kit.service.authenticate(`Bearer ${key}`);
    expect(viaHeader).toMatchObject({
      kind: 'api_key',
      userId: principal.userId,
      apiKeyId: apiKey.id,
      scopes: ['market:read', 'stream:read'],
      tier: 'free',
      limits: kit.service.tierLimits('free'),
    });
    await expect(kit.service.authenticate(undefined, key)).resolves.toMatchObject({ apiKeyId: apiKey.id });
  });

  it('authenticate - a key with the right prefix and a wrong secret is invalid', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    const { key } = await kit.service.createApiKey(principal, { name: 'bot', scopes: ['market:read'] });
    const wrong = `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
    expect(await codeOf(kit.service.authenticateApiKey(wrong))).toBe('AUTH_API_KEY_INVALID');
    expect(await codeOf(kit.service.authenticateApiKey('tkl_live_short'))).toBe('AUTH_API_KEY_INVALID');
  });

  it('revoke - a revoked key is refused with its own code; revoking another user’s key is not found', async () => {
    const kit = createTestIdentity();
    const owner = await kit.signUpUser();
    const stranger = await kit.signUpUser();
    const { apiKey, key } = await kit.service.createApiKey(owner.principal, {
      name: 'bot',
      scopes: ['market:read'],
    });
    expect(await codeOf(kit.service.revokeApiKey(stranger.principal, apiKey.id))).toBe(
      'IDENTITY_API_KEY_NOT_FOUND',
    );
    await kit.service.authenticateApiKey(key);
    await kit.service.revokeApiKey(owner.principal, apiKey.id);
    expect(await codeOf(kit.service.authenticateApiKey(key))).toBe('AUTH_API_KEY_REVOKED');
  });

  it('expiry - a key stops working after expiresInDays', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    const { key } = await kit.service.createApiKey(principal, {
      name: 'temp',
      scopes: ['market:read'],
      expiresInDays: 1,
    });
    await kit.service.authenticateApiKey(key);
    kit.clock.advance(24 * 60 * 60 * 1000);
    expect(await codeOf(kit.service.authenticateApiKey(key))).toBe('AUTH_API_KEY_INVALID');
  });

  it('last used - many uses are coalesced into one write per flush, keeping the latest time', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    const { apiKey, key } = await kit.service.createApiKey(principal, {
      name: 'bot',
      scopes: ['market:read'],
    });
    const writes: number[] = [];
    const record = kit.repository.recordApiKeyUse.bind(kit.repository);
    kit.repository.recordApiKeyUse = async (uses) => {
      writes.push(uses.length);
      return record(uses);
    };
    for (let i = 0; i < 50; i++) {
      await kit.service.authenticateApiKey(key);
      kit.clock.advance(1000);
    }
    expect((await kit.service.listApiKeys(principal))[0]!.lastUsedAt).toBeNull();
    await kit.service.flush();
    expect(writes).toEqual([1]);
    expect((await kit.service.listApiKeys(principal))[0]).toMatchObject({
      id: apiKey.id,
      lastUsedAt: new Date(kit.clock.now() - 1000).toISOString(),
    });
    await kit.service.close();
  });

  it('scopes - unknown scopes are invalid input; only admins may grant admin; a key cannot widen itself', async () => {
    const kit = createTestIdentity();
    const { principal } = await kit.signUpUser();
    expect(
      await codeOf(kit.service.createApiKey(principal, { name: 'x', scopes: ['launch:missiles'] })),
    ).toBe('IDENTITY_INVALID_INPUT');
    expect(await codeOf(kit.service.createApiKey(principal, { name: 'x', scopes: ['admin'] }))).toBe(
      'AUTH_FORBIDDEN',
    );
    const { key } = await kit.service.createApiKey(principal, { name: 'narrow', scopes: ['market:read'] });
    const keyPrincipal = await kit.service.authenticateApiKey(key);
    expect(
      await codeOf(kit.service.createApiKey(keyPrincipal, { name: 'wide', scopes: ['portfolio:write'] })),
    ).toBe('AUTH_FORBIDDEN');
  });

  it('quota - the tier bounds active keys; revoking frees a slot', async () => {
    const kit = createTestIdentity({ tiers: { free: { maxApiKeys: 2 } } });
    const { principal } = await kit.signUpUser();
    const first = await kit.service.createApiKey(principal, { name: 'a', scopes: ['market:read'] });
    await kit.service.createApiKey(principal, { name: 'b', scopes: ['market:read'] });
    const error = await kit.service
      .createApiKey(principal, { name: 'c', scopes: ['market:read'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'IDENTITY_QUOTA_EXCEEDED',
      details: { limit: 'maxApiKeys', value: 2 },
    });
    await kit.service.revokeApiKey(principal, first.apiKey.id);
    await expect(
      kit.service.createApiKey(principal, { name: 'c', scopes: ['market:read'] }),
    ).resolves.toBeDefined();
  });

  it('scopes - account management needs account:manage; a stream ticket carries the key scopes, not the role', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const manage = await kit.service.createApiKey(admin, { name: 'ops', scopes: ['account:manage', 'stream:read'] });
    const manager = await kit.service.authenticateApiKey(manage.key);
    const { apiKey } = await kit.service.createApiKey(manager, { name: 'child', scopes: ['stream:read'] });
    await kit.service.revokeApiKey(manager, apiKey.id);
    const reader = await kit.service.authenticateApiKey(
      (await kit.service.createApiKey(admin, { name: 'reader', scopes: ['stream:read'] })).key,
    );
    expect(streamTicketAttrs(reader)).toEqual({ role: 'admin', sv: expect.any(Number), scopes: ['stream:read'] });
    expect(streamTicketAttrs(admin)).toEqual({ role: 'admin', sv: expect.any(Number) });
  });
});

import { describe, expect, it } from 'vitest';
import { createMemorySessionVersions } from './memory-session-versions.ts';
import { codeOf, createTestIdentity } from '../testing/identity-test-kit.ts';

describe('revocation - access tokens stop within seconds', () => {
  it('sign-out everywhere - tokens issued before are refused; a new sign-in works', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser();
    kit.clock.advance(1);
    await kit.service.signOutEverywhere(user.principal);
    expect(await codeOf(kit.service.authenticate(`Bearer ${user.accessToken}`))).toBe('AUTH_SESSION_REVOKED');
    const again = await kit.signUpUser();
    await expect(kit.service.authenticate(`Bearer ${again.accessToken}`)).resolves.toMatchObject({
      userId: again.principal.userId,
    });
  });

  it('sign-out - ending one session stops that user’s access tokens; the refresh of another session gets a new one', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('one@example.com');
    await kit.service.signOut({ refreshToken: user.refreshToken });
    expect(await codeOf(kit.service.authenticate(`Bearer ${user.accessToken}`))).toBe('AUTH_SESSION_REVOKED');
  });

  it('role change and disable - the user’s tokens and stream credentials stop', async () => {
    const kit = createTestIdentity();
    const admin = await kit.admin();
    const user = await kit.signUpUser();
    const version = user.principal.sessionVersion ?? 0;
    expect(await kit.service.isSessionCurrent(user.principal.userId, version)).toBe(true);
    await kit.service.updateUser(admin, user.principal.userId, { tier: 'premium' });
    expect(await codeOf(kit.service.authenticate(`Bearer ${user.accessToken}`))).toBe('AUTH_SESSION_REVOKED');
    expect(await kit.service.isSessionCurrent(user.principal.userId, version)).toBe(false);
  });

  it("api key revoke - streams of the key's tickets are no longer current; the owner stays signed in", async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser();
    const { apiKey, key } = await kit.service.createApiKey(user.principal, {
      name: 'bot',
      scopes: ['stream:read'],
    });
    const keyPrincipal = await kit.service.authenticateApiKey(key);
    const version = keyPrincipal.sessionVersion ?? 0;
    expect(await kit.service.isSessionCurrent(user.principal.userId, version, apiKey.id)).toBe(true);
    await kit.service.revokeApiKey(user.principal, apiKey.id);
    expect(await kit.service.isSessionCurrent(user.principal.userId, version, apiKey.id)).toBe(false);
    // The browser session that revoked it is not signed out.
    expect(await kit.service.isSessionCurrent(user.principal.userId, version)).toBe(true);
    expect((await kit.service.authenticate(`Bearer ${user.accessToken}`)).userId).toBe(user.principal.userId);
  });

  it('two gateways - a sign-out on one is refused on the other once its cache (2 s) expires', async () => {
    const shared = createTestIdentity();
    const versions = createMemorySessionVersions({ clock: shared.clock });
    const a = createTestIdentity({
      sessionVersions: versions,
      repository: shared.repository,
      clock: shared.clock,
    });
    const b = createTestIdentity({
      sessionVersions: versions,
      repository: shared.repository,
      clock: shared.clock,
    });
    const user = await a.signUpUser();
    await b.service.authenticate(`Bearer ${user.accessToken}`); // cached on b
    shared.clock.advance(1);
    await a.service.signOutEverywhere(user.principal);
    expect(await codeOf(a.service.authenticate(`Bearer ${user.accessToken}`))).toBe('AUTH_SESSION_REVOKED');
    shared.clock.advance(2_000);
    expect(await codeOf(b.service.authenticate(`Bearer ${user.accessToken}`))).toBe('AUTH_SESSION_REVOKED');
  });
});

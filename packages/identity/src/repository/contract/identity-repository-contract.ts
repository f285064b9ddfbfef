/**
 * @module The identity repository contract: one suite, run against the in-memory adapter (unit)
 * and the SQL adapter on PGlite and PostgreSQL (integration). Cases share a repository, so each
 * one makes its own users with unique emails.
 */
import { uuidv7 } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { IdentityRepository } from '../identity-repository.ts';
import type { ApiKeyRecord, RefreshTokenRecord, SessionRecord, UserRecord } from '../records.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
let counter = 0;
const unique = () => `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

function user(fields: Partial<UserRecord> = {}): UserRecord {
  return {
    id: uuidv7(),
    email: `contract-${unique()}@example.com`,
    displayName: null,
    passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
    role: 'user',
    tier: 'free',
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    emailVerifiedAt: null,
    ...fields,
  };
}

function session(userId: string): { session: SessionRecord; token: RefreshTokenRecord } {
  const id = uuidv7();
  return {
    session: { id, userId, createdAt: T0, expiresAt: at(3_600_000), revokedAt: null, revokeReason: null },
    token: refresh(id),
  };
}

function refresh(sessionId: string): RefreshTokenRecord {
  return {
    id: uuidv7(),
    sessionId,
    tokenHash: `h-${unique()}`,
    createdAt: T0,
    expiresAt: at(60_000),
    usedAt: null,
  };
}

function apiKey(userId: string, fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: uuidv7(),
    userId,
    name: 'key',
    prefix: `tkl_live_${unique()}`,
    keyHash: `k-${unique()}`,
    scopes: ['market:read', 'stream:read'],
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...fields,
  };
}

export function runIdentityRepositoryContract(label: string, repo: () => IdentityRepository): void {
  describe(`identity repository contract (${label})`, () => {
    async function stored(fields: Partial<UserRecord> = {}): Promise<UserRecord> {
      const u = user(fields);
      await repo().insertUser(u);
      return u;
    }

    it('users - round trip keeps every field and type', async () => {
      const u = await stored({ displayName: `O'Brien <b>`, passwordHash: null });
      expect(await repo().findUserById(u.id)).toEqual(u);
      expect(await repo().findUserByEmail(u.email)).toEqual(u);
      expect(await repo().findUserByEmail(`missing-${u.email}`)).toBeUndefined();
    });

    it('users - a second user with the same email is IDENTITY_EMAIL_TAKEN', async () => {
      const u = await stored();
      await expect(repo().insertUser(user({ email: u.email }))).rejects.toMatchObject({
        code: 'IDENTITY_EMAIL_TAKEN',
      });
    });

    it('users - update applies only the given fields', async () => {
      const u = await stored({ displayName: 'before' });
      const updated = await repo().updateUser(u.id, { tier: 'premium' }, at(1000));
      expect(updated).toEqual({ ...u, tier: 'premium', updatedAt: at(1000) });
      const renamed = await repo().updateUser(u.id, { displayName: null }, at(2000));
      expect(renamed).toMatchObject({ displayName: null, tier: 'premium' });
      expect(await repo().updateUser(uuidv7(), { tier: 'premium' }, T0)).toBeUndefined();
    });

    it('users - keepAnAdmin refuses to demote or disable the last active admin', async () => {
      // Other cases may have left admins behind: make this one the only active admin.
      const admins = await repo().listUsers({ limit: 1000, role: 'admin' });
      for (const a of admins) await repo().updateUser(a.id, { status: 'disabled' }, T0);
      const admin = await stored({ role: 'admin' });
      expect(await repo().countActiveAdmins()).toBe(1);
      expect(await repo().updateUser(admin.id, { role: 'user' }, T0, { keepAnAdmin: true })).toBe(
        'last_admin',
      );
      expect(await repo().updateUser(admin.id, { status: 'disabled' }, T0, { keepAnAdmin: true })).toBe(
        'last_admin',
      );
      expect(await repo().updateUser(admin.id, { tier: 'premium' }, T0, { keepAnAdmin: true })).toMatchObject(
        { tier: 'premium' },
      );
      const second = await stored({ role: 'admin' });
      expect(await repo().updateUser(admin.id, { role: 'user' }, T0, { keepAnAdmin: true })).toMatchObject({
        role: 'user',
      });
      await repo().updateUser(second.id, { status: 'disabled' }, T0);
    });

    it('users - list pages by id with filters; the email prefix is literal', async () => {
      const tag = `list-${unique()}`;
      const made: UserRecord[] = [];
      for (let i = 0; i < 3; i++)
        made.push(await stored({ email: `${tag}-${i}@example.com`, tier: i === 2 ? 'premium' : 'free' }));
      const page = await repo().listUsers({ limit: 2, emailPrefix: tag });
      expect(page.map((u) => u.id)).toEqual(made.slice(0, 2).map((u) => u.id));
      const next = await repo().listUsers({ limit: 2, emailPrefix: tag, after: page[1]!.id });
      expect(next.map((u) => u.id)).toEqual([made[2]!.id]);
      expect(
        (await repo().listUsers({ limit: 10, emailPrefix: tag, tier: 'premium' })).map((u) => u.id),
      ).toEqual([made[2]!.id]);
      expect(await repo().listUsers({ limit: 10, emailPrefix: `${tag.slice(0, 4)}%` })).toEqual([]);
    });

    it('sessions - find by hash, rotate once, revoke', async () => {
      const u = await stored();
      const { session: s, token } = session(u.id);
      await repo().createSession(s, token);
      expect(await repo().findRefreshToken(token.tokenHash)).toEqual({ token, session: s });
      const next = refresh(s.id);
      expect(await repo().rotateRefreshToken(token.id, at(1000), next)).toBe(true);
      expect(await repo().rotateRefreshToken(token.id, at(2000), refresh(s.id))).toBe(false);
      expect((await repo().findRefreshToken(token.tokenHash))?.token.usedAt).toEqual(at(1000));
      expect((await repo().findRefreshToken(next.tokenHash))?.token).toEqual(next);
      expect(await repo().revokeSession(s.id, 'sign_out', at(3000))).toBe(true);
      expect(await repo().revokeSession(s.id, 'sign_out', at(4000))).toBe(false);
      expect((await repo().findRefreshToken(next.tokenHash))?.session).toMatchObject({
        revokedAt: at(3000),
        revokeReason: 'sign_out',
      });
      expect(await repo().findRefreshToken('no-such-hash')).toBeUndefined();
    });

    it('sessions - a used token rotates again only if its first use is at or after reusableSince', async () => {
      const u = await stored();
      const { session: s, token } = session(u.id);
      await repo().createSession(s, token);
      expect(await repo().rotateRefreshToken(token.id, at(1000), refresh(s.id), at(0))).toBe(true);
      const sibling = refresh(s.id);
      expect(await repo().rotateRefreshToken(token.id, at(1500), sibling, at(1000))).toBe(true);
      // The first use's time is kept, so the grace period does not slide with each presentation.
      expect((await repo().findRefreshToken(token.tokenHash))?.token.usedAt).toEqual(at(1000));
      expect((await repo().findRefreshToken(sibling.tokenHash))?.token).toEqual(sibling);
      const late = refresh(s.id);
      expect(await repo().rotateRefreshToken(token.id, at(9000), late, at(1001))).toBe(false);
      expect(await repo().findRefreshToken(late.tokenHash)).toBeUndefined();
    });

    it('sessions - revoking a user’s sessions counts only live ones of that user', async () => {
      const u = await stored();
      const other = await stored();
      for (let i = 0; i < 3; i++) {
        const { session: s, token } = session(u.id);
        await repo().createSession(s, token);
        if (i === 0) await repo().revokeSession(s.id, 'sign_out', T0);
      }
      const { session: theirs, token } = session(other.id);
      await repo().createSession(theirs, token);
      expect(await repo().revokeUserSessions(u.id, 'sign_out_everywhere', at(1))).toBe(2);
      expect((await repo().findRefreshToken(token.tokenHash))?.session.revokedAt).toBeNull();
    });

    it('sessions - ended sessions are deleted with their tokens; live ones stay', async () => {
      const u = await stored();
      const live = session(u.id);
      const revoked = session(u.id);
      await repo().createSession(live.session, live.token);
      await repo().createSession(revoked.session, revoked.token);
      await repo().revokeSession(revoked.session.id, 'sign_out', at(10));
      // Other cases share the repository: count nothing, look at this case's rows.
      await repo().deleteEndedSessions(at(5));
      expect(await repo().findRefreshToken(revoked.token.tokenHash)).toBeDefined();
      expect(await repo().deleteEndedSessions(at(20))).toBeGreaterThanOrEqual(1);
      expect(await repo().findRefreshToken(revoked.token.tokenHash)).toBeUndefined();
      expect(await repo().findRefreshToken(live.token.tokenHash)).toBeDefined();
    });

    it('sessions - the origin history of a user: seen pairs, ended ones included, legacy rows unrecorded', async () => {
      const u = await stored();
      const firefox = { device: 'Firefox on Linux', address: '203.0.113.7' };
      expect(await repo().originHistory(u.id, firefox)).toEqual({
        seen: false,
        sessions: false,
        recorded: false,
      });
      const legacy = session(u.id);
      await repo().createSession(legacy.session, legacy.token);
      expect(await repo().originHistory(u.id, firefox)).toEqual({
        seen: false,
        sessions: true,
        recorded: false,
      });
      const known = session(u.id);
      await repo().createSession({ ...known.session, origin: firefox }, known.token);
      await repo().revokeSession(known.session.id, 'sign_out', at(1));
      expect(await repo().originHistory(u.id, firefox)).toEqual({
        seen: true,
        sessions: true,
        recorded: true,
      });
      expect(await repo().originHistory(u.id, { ...firefox, address: '198.51.100.1' })).toMatchObject({
        seen: false,
        recorded: true,
      });
      expect(await repo().originHistory(u.id, { ...firefox, device: 'curl' })).toMatchObject({ seen: false });
      const unknownAddress = session(u.id);
      await repo().createSession(
        { ...unknownAddress.session, origin: { device: 'curl', address: null } },
        unknownAddress.token,
      );
      expect(await repo().originHistory(u.id, { device: 'curl', address: null })).toMatchObject({
        seen: true,
      });
      const other = await stored();
      expect(await repo().originHistory(other.id, firefox)).toMatchObject({ seen: false, sessions: false });
    });

    it('api keys - find by prefix, list, count active, revoke once, owner only', async () => {
      const u = await stored();
      const key = apiKey(u.id);
      const expired = apiKey(u.id, { expiresAt: at(-1) });
      await repo().insertApiKey(key);
      await repo().insertApiKey(expired);
      expect(await repo().findApiKeyByPrefix(key.prefix)).toEqual(key);
      expect(await repo().listApiKeys(u.id)).toEqual([key, expired]);
      expect(await repo().countActiveApiKeys(u.id, T0)).toBe(1);
      const stranger = await stored();
      expect(await repo().revokeApiKey(stranger.id, key.id, T0)).toBe(false);
      expect(await repo().revokeApiKey(u.id, key.id, at(5))).toBe(true);
      expect(await repo().revokeApiKey(u.id, key.id, at(9))).toBe(true);
      expect((await repo().findApiKeyByPrefix(key.prefix))?.revokedAt).toEqual(at(5));
      expect(await repo().countActiveApiKeys(u.id, T0)).toBe(0);
    });

    it('api keys - parallel creations at a limit of 2 store 2', async () => {
      const u = await stored();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => repo().insertApiKeyWithinQuota(apiKey(u.id), 2)),
      );
      expect(results.filter(Boolean)).toHaveLength(2);
      expect(await repo().countActiveApiKeys(u.id, T0)).toBe(2);
    });

    it('api keys - recorded uses only move last-used forward', async () => {
      const u = await stored();
      const a = apiKey(u.id);
      const b = apiKey(u.id);
      await repo().insertApiKey(a);
      await repo().insertApiKey(b);
      await repo().recordApiKeyUse([
        { id: a.id, at: at(100) },
        { id: b.id, at: at(50) },
      ]);
      await repo().recordApiKeyUse([{ id: a.id, at: at(10) }]);
      await repo().recordApiKeyUse([]);
      expect((await repo().findApiKeyByPrefix(a.prefix))?.lastUsedAt).toEqual(at(100));
      expect((await repo().findApiKeyByPrefix(b.prefix))?.lastUsedAt).toEqual(at(50));
    });

    it('totp - pending, replaced while pending, activated once, then locked', async () => {
      const u = await stored();
      expect(await repo().findTotp(u.id)).toBeUndefined();
      expect(await repo().savePendingTotp(u.id, 'cipher-1', T0)).toBe(true);
      expect(await repo().savePendingTotp(u.id, 'cipher-2', at(1))).toBe(true);
      expect(await repo().findTotp(u.id)).toEqual({
        userId: u.id,
        secretCipher: 'cipher-2',
        createdAt: at(1),
        enabledAt: null,
        lastTimeStep: null,
      });
      expect(await repo().activateTotp(u.id, 58_000_000, at(2), ['r1', 'r2', 'r3'])).toBe(true);
      expect(await repo().activateTotp(u.id, 58_000_001, at(3), ['r4'])).toBe(false);
      expect(await repo().savePendingTotp(u.id, 'cipher-3', at(4))).toBe(false);
      expect(await repo().findTotp(u.id)).toMatchObject({
        secretCipher: 'cipher-2',
        enabledAt: at(2),
        lastTimeStep: 58_000_000,
      });
      expect(await repo().countUnusedRecoveryCodes(u.id)).toBe(3);
    });

    it('totp - time steps only advance; recovery codes are spent once; delete removes all', async () => {
      const u = await stored();
      await repo().savePendingTotp(u.id, 'c', T0);
      await repo().activateTotp(u.id, 100, T0, ['r1', 'r2']);
      expect(await repo().advanceTotpTimeStep(u.id, 100)).toBe(false);
      expect(await repo().advanceTotpTimeStep(u.id, 101)).toBe(true);
      expect(await repo().advanceTotpTimeStep(u.id, 99)).toBe(false);
      expect(await repo().consumeRecoveryCode(u.id, 'r1', T0)).toBe(true);
      expect(await repo().consumeRecoveryCode(u.id, 'r1', T0)).toBe(false);
      expect(await repo().countUnusedRecoveryCodes(u.id)).toBe(1);
      await repo().replaceRecoveryCodes(u.id, ['n1', 'n2', 'n3']);
      expect(await repo().consumeRecoveryCode(u.id, 'r2', T0)).toBe(false);
      expect(await repo().countUnusedRecoveryCodes(u.id)).toBe(3);
      await repo().deleteTotp(u.id);
      expect(await repo().findTotp(u.id)).toBeUndefined();
      expect(await repo().countUnusedRecoveryCodes(u.id)).toBe(0);
    });

    it('oidc - a state is taken once, and not after it expires', async () => {
      const state = {
        state: `s-${unique()}`,
        providerId: 'p',
        nonce: 'n',
        codeVerifier: 'v',
        returnTo: '/x',
        createdAt: T0,
        expiresAt: at(1000),
      };
      await repo().saveOidcState(state);
      expect(await repo().takeOidcState(state.state, at(1))).toEqual(state);
      expect(await repo().takeOidcState(state.state, at(1))).toBeUndefined();
      const old = { ...state, state: `s-${unique()}`, returnTo: null };
      await repo().saveOidcState(old);
      expect(await repo().takeOidcState(old.state, at(1000))).toBeUndefined();
    });

    it('oidc - identities link by issuer and subject; a user with a taken email is not created', async () => {
      const u = await stored();
      const identity = {
        issuer: 'https://idp.test',
        subject: `sub-${unique()}`,
        userId: u.id,
        email: u.email,
        createdAt: T0,
      };
      await repo().linkOidcIdentity(identity);
      expect(await repo().findOidcIdentity(identity.issuer, identity.subject)).toEqual(identity);
      expect(await repo().findOidcIdentity('https://other.test', identity.subject)).toBeUndefined();
      const fresh = user({ passwordHash: null });
      const link = { ...identity, subject: `sub-${unique()}`, userId: fresh.id, email: fresh.email };
      await repo().insertUserWithOidcIdentity(fresh, link);
      expect(await repo().findOidcIdentity(link.issuer, link.subject)).toEqual(link);
      const clash = user({ email: u.email });
      const clashLink = { ...identity, subject: `sub-${unique()}`, userId: clash.id };
      await expect(repo().insertUserWithOidcIdentity(clash, clashLink)).rejects.toMatchObject({
        code: 'IDENTITY_EMAIL_TAKEN',
      });
      expect(await repo().findOidcIdentity(clashLink.issuer, clashLink.subject)).toBeUndefined();
    });
    it('email verifications - a link verifies once, for the address it was sent to, until it expires', async () => {
      const u = user();
      await repo().insertUser(u);
      const link = (tokenHash: string, expiresAt: Date, email = u.email) => ({
        tokenHash,
        userId: u.id,
        email,
        createdAt: T0,
        expiresAt,
      });
      await repo().saveEmailVerification(link(`expired-${unique()}`, at(1000)));
      const expired = `expired-${unique()}`;
      await repo().saveEmailVerification(link(expired, at(1000)));
      expect(await repo().consumeEmailVerification(expired, at(1000))).toBeUndefined();
      expect(await repo().consumeEmailVerification(expired, at(0))).toBeUndefined(); // spent anyway
      const elsewhere = `other-${unique()}`;
      await repo().saveEmailVerification(link(elsewhere, at(60_000), 'old@example.com'));
      expect(await repo().consumeEmailVerification(elsewhere, at(0))).toBeUndefined();
      const good = `good-${unique()}`;
      await repo().saveEmailVerification(link(good, at(60_000)));
      expect(await repo().consumeEmailVerification(good, at(10))).toBe(u.id);
      expect((await repo().findUserById(u.id))?.emailVerifiedAt).toEqual(at(10));
      expect(await repo().consumeEmailVerification(good, at(20))).toBeUndefined();
    });
    it('email verifications - resends: spaced, capped per UTC day, the spacing kept across midnight', async () => {
      const u = await stored();
      const limits = { perDay: 3, minIntervalMs: 60_000 };
      const take = (ms: number) => repo().takeEmailVerificationResend(u.id, at(ms), limits);
      expect(await take(0)).toBeUndefined();
      expect(await take(59_999)).toEqual({ limit: 'too_soon', retryAt: at(60_000) });
      expect(await take(60_000)).toBeUndefined();
      expect(await take(120_000)).toBeUndefined();
      // T0 is noon UTC: the day is full until midnight.
      const midnight = 12 * 3_600_000;
      expect(await take(180_000)).toEqual({ limit: 'per_user_per_day', retryAt: at(midnight) });
      expect(await take(midnight - 1)).toMatchObject({ limit: 'per_user_per_day' });
      expect(await take(midnight)).toBeUndefined();
      expect(await take(midnight + 1_000)).toEqual({ limit: 'too_soon', retryAt: at(midnight + 60_000) });
      const none = await stored();
      expect(
        await repo().takeEmailVerificationResend(none.id, T0, { perDay: 0, minIntervalMs: 0 }),
      ).toMatchObject({
        limit: 'per_user_per_day',
      });
    });

    it('email verifications - resends racing at once take one', async () => {
      const u = await stored();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          repo().takeEmailVerificationResend(u.id, T0, { perDay: 5, minIntervalMs: 60_000 }),
        ),
      );
      expect(results.filter((r) => r === undefined)).toHaveLength(1);
    });

    it('oidc states - expired ones are purged, live ones stay', async () => {
      const record = (state: string, expiresAt: Date) => ({
        state,
        providerId: 'idp',
        nonce: 'n',
        codeVerifier: 'v',
        returnTo: null,
        createdAt: T0,
        expiresAt,
      });
      const old = `old-${unique()}`;
      const live = `live-${unique()}`;
      await repo().saveOidcState(record(old, at(1000)));
      await repo().saveOidcState(record(live, at(60_000)));
      expect(await repo().deleteExpiredOidcStates(at(1000))).toBeGreaterThanOrEqual(1);
      expect(await repo().takeOidcState(old, at(0))).toBeUndefined();
      expect(await repo().takeOidcState(live, at(2000))).toMatchObject({ state: live });
    });
  });
}

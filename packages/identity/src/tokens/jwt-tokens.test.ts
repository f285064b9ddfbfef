import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '@tickline/kernel';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { codeOf, TEST_SECRET, TEST_START_MS } from '../testing/identity-test-kit.ts';
import { createJwtTokens, type JwtTokensOptions } from './jwt-tokens.ts';
import { importTokenKeys } from './token-keys.ts';

const claims = {
  userId: '0190f0c2-0000-7000-8000-000000000001',
  role: 'user',
  tier: 'free',
  sessionId: 's-1',
  sessionVersion: 0,
} as const;

function tokens(overrides: Partial<JwtTokensOptions> = {}) {
  return createJwtTokens({
    keys: importTokenKeys({ algorithm: 'HS256', secret: TEST_SECRET }),
    issuer: 'https://a.test',
    audience: 'api',
    accessTokenTtlMs: 60_000,
    mfaTokenTtlMs: 30_000,
    clockSkewMs: 5_000,
    clock: new ManualClock(TEST_START_MS),
    ...overrides,
  });
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('tokens - a signed token verifies and carries its claims', async () => {
    const jwt = tokens();
    const { token, expiresAt } = await jwt.signAccess(claims);
    const verified = await jwt.verifyAccess(token);
    expect(verified).toMatchObject({ ...claims, expiresAt });
    expect(expiresAt.getTime()).toBe(TEST_START_MS + 60_000);
  });

  it('tokens - expired after the ttl plus skew', async () => {
    const clock = new ManualClock(TEST_START_MS);
    const jwt = tokens({ clock });
    const { token } = await jwt.signAccess(claims);
    clock.advance(60_000 + 4_000);
    await expect(jwt.verifyAccess(token)).resolves.toBeDefined();
    clock.advance(2_000);
    expect(await codeOf(jwt.verifyAccess(token))).toBe('AUTH_TOKEN_EXPIRED');
  });

  it('tokens - issued in the future beyond the skew is not yet valid', async () => {
    const future = tokens({ clock: new ManualClock(TEST_START_MS + 60_000) });
    const { token } = await future.signAccess(claims);
    expect(await codeOf(tokens().verifyAccess(token))).toBe('AUTH_TOKEN_NOT_YET_VALID');
  });

  it('tokens - another issuer or audience is refused with its own code', async () => {
    const other = await tokens({ issuer: 'https://evil.test' }).signAccess(claims);
    expect(await codeOf(tokens().verifyAccess(other.token))).toBe('AUTH_TOKEN_ISSUER_INVALID');
    const aud = await tokens({ audience: 'other-api' }).signAccess(claims);
    expect(await codeOf(tokens().verifyAccess(aud.token))).toBe('AUTH_TOKEN_AUDIENCE_INVALID');
  });

  it('tokens - a token signed with another secret is forged', async () => {
    const keys = importTokenKeys({ algorithm: 'HS256', secret: 'another-secret-of-at-least-32-bytes!!' });
    const forged = await tokens({ keys }).signAccess(claims);
    expect(await codeOf(tokens().verifyAccess(forged.token))).toBe('AUTH_TOKEN_SIGNATURE_INVALID');
  });

  it('tokens - an altered payload no longer matches its signature', async () => {
    const { token } = await tokens().signAccess(claims);
    const [header, , signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const tampered = `${header}.${b64({ ...payload, role: 'admin' })}.${signature}`;
    expect(await codeOf(tokens().verifyAccess(tampered))).toBe('AUTH_TOKEN_SIGNATURE_INVALID');
  });

  it('tokens - alg none is refused', async () => {
    const { token } = await tokens().signAccess(claims);
    const payload = token.split('.')[1]!;
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`;
    expect(await codeOf(tokens().verifyAccess(unsigned))).toBe('AUTH_TOKEN_ALG_NOT_ALLOWED');
  });

  it('tokens - a valid signature with another algorithm is refused', async () => {
    const nowSec = Math.floor(TEST_START_MS / 1000);
    const hs512 = await new SignJWT({ role: 'user', tier: 'free', sid: 's' })
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
      .setIssuer('https://a.test')
      .setAudience('api')
      .setSubject('u')
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + 60)
      .sign(new TextEncoder().encode(TEST_SECRET.repeat(2)));
    expect(await codeOf(tokens().verifyAccess(hs512))).toBe('AUTH_TOKEN_ALG_NOT_ALLOWED');
  });

  it('tokens - garbage is malformed', async () => {
    for (const value of ['', 'abc', 'a.b.c', `${b64({ alg: 'HS256' })}.%%%.x`]) {
      expect(await codeOf(tokens().verifyAccess(value))).toBe('AUTH_TOKEN_MALFORMED');
    }
  });

  it('tokens - an MFA challenge is not an access token, nor the reverse', async () => {
    const jwt = tokens();
    const mfa = await jwt.signMfa(claims.userId);
    expect(await codeOf(jwt.verifyAccess(mfa.token))).toBe('AUTH_TOKEN_TYPE_INVALID');
    const access = await jwt.signAccess(claims);
    expect(await codeOf(jwt.verifyMfa(access.token))).toBe('AUTH_TOKEN_TYPE_INVALID');
    await expect(jwt.verifyMfa(mfa.token)).resolves.toBe(claims.userId);
  });

  it('tokens - EdDSA keys sign and verify; the public key alone verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const signer = tokens({ keys: importTokenKeys({ algorithm: 'EdDSA', privateKeyPem, keyId: 'k1' }) });
    const { token } = await signer.signAccess(claims);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'EdDSA',
      kid: 'k1',
    });
    const verifier = tokens({ keys: importTokenKeys({ algorithm: 'EdDSA', privateKeyPem, publicKeyPem }) });
    await expect(verifier.verifyAccess(token)).resolves.toMatchObject(claims);
    // An HS256 verifier must not accept it (algorithm confusion).
    expect(await codeOf(tokens().verifyAccess(token))).toBe('AUTH_TOKEN_ALG_NOT_ALLOWED');
  });

  it('tokens - a short HS256 secret or a non-Ed25519 key is refused at start', () => {
    expect(() => importTokenKeys({ algorithm: 'HS256', secret: 'short' })).toThrow(/32 bytes/);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => importTokenKeys({ algorithm: 'EdDSA', privateKeyPem: pem })).toThrow(/Ed25519/);
  });
});

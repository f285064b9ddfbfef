/**
 * Revocation across a restart on the embedded default (no Redis): an access token signed out and
 * an API key revoked before the process stops stay refused after it starts again over the same
 * data directory. Session versions used to live in memory only, so a restart let a signed-out
 * token work again until it expired.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityModule } from '@tickline/identity';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { callJson, TEST_PASSWORD } from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-revocation-restart-'));
let running: RunningProcess | undefined;

async function start(): Promise<string> {
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
      // Behind a TLS-ending proxy: https outside, plain HTTP to this process.
      TICKLINE_HTTP_PUBLIC_URL: 'https://tickline.example',
      TICKLINE_AUTH_OIDC_GITHUB_CLIENT_ID: 'gh-client',
      TICKLINE_AUTH_OIDC_GITHUB_CLIENT_SECRET: 'gh-secret',
      TICKLINE_AUTH_OIDC_GITHUB_REDIRECT_URI: 'https://tickline.example/auth/callback/github',
    },
  });
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
    modules: [identityModule],
  });
  return running.url!;
}

afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cookies behind a TLS-ending proxy', () => {
  it('cookies - the OIDC state cookie is Secure when the public URL is https, over plain HTTP', async () => {
    const base = await start();
    const started = await fetch(`${base}/api/v1/auth/oidc/github/start`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const cookie = started.headers.getSetCookie().find((c) => c.startsWith('tickline_oidc_state='));
    expect(cookie?.split('; ')).toContain('Secure');
    await running!.stop();
    running = undefined;
  }, 120_000);
});

describe('revocation - embedded restart', () => {
  it('restart - a signed-out token and a revoked API key stay refused after a restart', async () => {
    let base = await start();
    const signedUp = await callJson(base, 'POST', '/api/v1/auth/sign-up', {
      body: { email: 'restart@example.com', password: TEST_PASSWORD },
    });
    expect(signedUp.status).toBe(201);
    const oldToken: string = signedUp.body.tokens.accessToken;
    const key = await callJson(base, 'POST', '/api/v1/api-keys', {
      bearer: oldToken,
      body: { name: 'bot', scopes: ['market:read'] },
    });
    expect(key.status).toBe(201);
    // Revoking a key refuses the key (and closes its tickets' streams); the session that revoked
    // it stays signed in.
    const revoke = await callJson(base, 'DELETE', `/api/v1/api-keys/${key.body.apiKey.id}`, {
      bearer: oldToken,
    });
    expect(revoke.status).toBe(204);
    expect((await callJson(base, 'GET', '/api/v1/me', { bearer: oldToken })).status).toBe(200);
    const signedIn = await callJson(base, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'restart@example.com', password: TEST_PASSWORD },
    });
    const current: string = signedIn.body.tokens.accessToken;
    expect((await callJson(base, 'GET', '/api/v1/me', { bearer: current })).status).toBe(200);
    // Sign-out everywhere moves the version on: both tokens issued so far stop working.
    const out = await callJson(base, 'POST', '/api/v1/auth/sign-out-everywhere', { bearer: current });
    expect(out.status).toBe(200);
    expect((await callJson(base, 'GET', '/api/v1/me', { bearer: current })).status).toBe(401);

    await running!.stop();
    running = undefined;
    base = await start();

    for (const token of [oldToken, current]) {
      const me = await callJson(base, 'GET', '/api/v1/me', { bearer: token });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('AUTH_SESSION_REVOKED');
    }
    const byKey = await fetch(`${base}/api/v1/me`, { headers: { 'x-api-key': key.body.key } });
    expect(byKey.status).toBe(401);
    // A fresh sign-in after the restart works: the fence refuses only what came before it.
    const again = await callJson(base, 'POST', '/api/v1/auth/sign-in', {
      body: { email: 'restart@example.com', password: TEST_PASSWORD },
    });
    expect((await callJson(base, 'GET', '/api/v1/me', { bearer: again.body.tokens.accessToken })).status).toBe(200);
  }, 180_000);
});

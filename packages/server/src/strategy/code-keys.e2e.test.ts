/**
 * Strategy code is no longer sealed with a public key by default (issue 29, Medium 4), over HTTP
 * against `tickline start` on the embedded default: the first start generates the install's key in
 * `<dataDir>/secrets` (0600), code saved then is readable with that key alone — the public `dev`
 * key dropped — and is not readable without it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { afterAll, describe, expect, it } from 'vitest';
import { accessTokenFor, callJson, signUpAndIn, TEST_PASSWORD } from '../testing/api-clients.ts';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';

describe('strategy - code sealed with the install’s own key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-code-keys-'));
  let server: RunningServer | undefined;
  const stop = async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    server = undefined;
  };
  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('strategy - the first start generates a key; the code reads with it and without dev, not without it', async () => {
    server = await startTicklineServer(embeddedTestEnv(dataDir));
    const file = join(dataDir, 'secrets', 'strategy-code-key');
    const key = readFileSync(file, 'utf8').trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const email = `coder-${Date.now()}@example.test`;
    const user = await signUpAndIn(server.url, email);
    const created = await callJson(server.url, 'POST', '/api/v1/strategies', {
      bearer: user.accessToken,
      body: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.strategy.id as string;
    await stop();

    // Only the generated key configured: the public dev key sealed nothing.
    const readBack = async (keys: Record<string, string>, current: string) => {
      server = await startTicklineServer(
        embeddedTestEnv(dataDir, {
          TICKLINE_STRATEGY_CODE_KEYS: JSON.stringify(keys),
          TICKLINE_STRATEGY_CURRENT_KEY_ID: current,
        }),
      );
      const token = await accessTokenFor(server.url, email, TEST_PASSWORD);
      const version = await callJson(server.url, 'GET', `/api/v1/strategies/${id}/versions/1`, {
        bearer: token,
      });
      const logged = server.output();
      await stop();
      return { ...version, logged };
    };
    const withInstallKey = await readBack({ install: key }, 'install');
    expect(withInstallKey.status).toBe(200);
    expect(withInstallKey.body.version.source).toBe(SMA_CROSS_SOURCE);
    const withoutIt = await readBack({ other: Buffer.alloc(32, 9).toString('base64') }, 'other');
    // A platform fault: the answer is the fixed HTTP_INTERNAL, the log names the missing key.
    expect([withoutIt.status, withoutIt.body.error.code]).toEqual([500, 'HTTP_INTERNAL']);
    expect(withoutIt.logged).toContain('STRATEGY_KEY_UNKNOWN');
  }, 300_000);
});

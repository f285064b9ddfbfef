/**
 * Issue 29's Low findings that a user or an operator meets at `tickline start`, each against the
 * real process: a config error never prints the OIDC client secret; a server with SMTP and no base
 * URL for its links does not start; the embedded event log's segment files are 0600; a webhook
 * secret rotated twice keeps signing with one previous secret only, and revoking that one stops
 * it at once (signatures counted at a real receiver).
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, embeddedTestEnv, runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, signUpAndIn } from '../testing/api-clients.ts';

const CLIENT_SECRET = 'oidc-client-secret-must-not-print-7d1f';

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

describe('hardening lows - at tickline start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-hardening-lows-'));
  const refusedDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-hardening-refused-'));
  let server: RunningServer;
  let receiver: Server;
  let receiverUrl: string;
  const signatures: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        signatures.push(String(req.headers['webhook-signature'] ?? ''));
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startTicklineServer(
      embeddedTestEnv(dataDir, { TICKLINE_NOTIFY_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' }),
    );
  }, 180_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    receiver?.closeAllConnections();
    receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(refusedDir, { recursive: true, force: true });
  });

  it('lows - a config error names the field and never prints the OIDC client secret', async () => {
    const run = await runTickline(
      ['start'],
      embeddedTestEnv(refusedDir, {
        TICKLINE_AUTH_OIDC_PROVIDERS: JSON.stringify([
          {
            id: 'idp',
            issuer: 'https://idp.example',
            clientId: 'c',
            clientSecret: CLIENT_SECRET,
            redirectUri: 'nope',
          },
        ]),
      }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/oidc/i);
    expect(run.stdout + run.stderr).not.toContain(CLIENT_SECRET);
  });

  it('lows - with SMTP and no base URL for its links the server refuses to start, saying what to set', async () => {
    const run = await runTickline(
      ['start'],
      embeddedTestEnv(refusedDir, {
        TICKLINE_NOTIFY_EMAIL_HOST: '127.0.0.1',
        TICKLINE_NOTIFY_EMAIL_PORT: '2525',
      }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('http.publicUrl');
  });

  it("lows - every file of the embedded event log is 0600 (others' accounts cannot read the events)", () => {
    const files = filesUnder(join(dataDir, 'eventlog'));
    expect(files.length).toBeGreaterThan(0);
    // The log renames a `.tmp` over its file while it runs: a file gone between the listing and
    // its stat was a temporary one already renamed, and the renamed file is in the listing too.
    const modes = files.flatMap((file) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat ? [[file, stat.mode & 0o777]] : [];
    });
    expect(modes.length).toBeGreaterThan(0);
    for (const [file, mode] of modes) expect([file, mode]).toEqual([file, 0o600]);
  });

  it('lows - a secret rotated twice signs beside one previous secret only; revoking it stops it at once', async () => {
    const user = await signUpAndIn(server.url, `lows-${Date.now()}@example.test`);
    const bearer = user.accessToken;
    const created = await callJson(server.url, 'POST', '/api/v1/webhooks', {
      bearer,
      body: { url: receiverUrl },
    });
    expect(created.status).toBe(201);
    const id = created.body.endpoint.id as string;
    /** Sends a test notification and resolves with how many signatures its request carried. */
    const signaturesOfATest = async (): Promise<number> => {
      const seen = signatures.length;
      expect((await callJson(server.url, 'POST', `/api/v1/webhooks/${id}/test`, { bearer })).status).toBe(
        202,
      );
      await until(() => signatures.length > seen, { timeoutMs: 30_000, what: 'the test notification' });
      return signatures[seen]!.split(' ').length;
    };

    expect(await signaturesOfATest()).toBe(1);
    for (let i = 0; i < 2; i++)
      expect(
        (await callJson(server.url, 'POST', `/api/v1/webhooks/${id}/rotate-secret`, { bearer })).status,
      ).toBe(200);
    // The current secret and the one before it; the first is dropped, not kept for 24 h.
    expect(await signaturesOfATest()).toBe(2);
    const revoked = await callJson(server.url, 'DELETE', `/api/v1/webhooks/${id}/previous-secret`, {
      bearer,
    });
    expect(revoked.status).toBe(204);
    expect(await signaturesOfATest()).toBe(1);
  });
});

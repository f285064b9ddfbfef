/**
 * Revocation reaches what a credential opened: after sign-out everywhere, the user's open stream
 * closes with RT_SESSION_REVOKED, its ticket no longer opens one, the game session closes with
 * GAME_SESSION_REVOKED and its session id does not resume — on the process bootstrap composes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { CloseCode } from '@tickline/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { loadTicklineConfig } from '../config/load.ts';
import { DOMAINS } from '../domains.ts';
import {
  callJson,
  initialAdminToken,
  openWebSocket,
  signUpAndIn,
  streamTicket,
} from '../testing/api-clients.ts';
import { bootstrap, type RunningProcess } from './bootstrap.ts';

describe('revocation - streams and game sessions', () => {
  let dataDir: string;
  let running: RunningProcess;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tickline-revocation-'));
    const config = loadTicklineConfig({
      env: {
        TICKLINE_DATA_DIR: dataDir,
        TICKLINE_HTTP_PORT: '0',
        TICKLINE_HTTP_HOST: '127.0.0.1',
        TICKLINE_GAME_ZONES: 'north',
      },
    });
    const wanted = new Set(['identity', 'realtime', 'accounts', 'game']);
    await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
    running = await bootstrap(config, {
      logger: silentLogger,
      metrics: createMetricsRegistry({ processMetrics: false }),
      handleSignals: false,
      modules: await Promise.all(DOMAINS.filter((d) => wanted.has(d.name)).map((d) => d.load())),
    });
    base = running.url!.replace('localhost', '127.0.0.1');
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sign-out everywhere - closes the stream and the game session; neither comes back', async () => {
    const ada = await signUpAndIn(base, 'ada@example.com');
    const ticket = await streamTicket(base, ada.accessToken);
    const stream = await openWebSocket(base, { channels: [`user:${ada.userId}`], ticket });
    await stream.next('subscribed');

    const join = await callJson(base, 'POST', '/api/v1/game/join', { body: {}, bearer: ada.accessToken });
    expect(join.status).toBe(201);
    const game = await TestGameClient.ws(join.body.ws.replace('localhost', '127.0.0.1'));
    game.send({ type: MessageType.Hello, token: join.body.token });
    const welcome = await game.next(MessageType.Welcome, () => true, 10_000);

    const out = await callJson(base, 'POST', '/api/v1/auth/sign-out-everywhere', { bearer: ada.accessToken });
    expect(out.status).toBeLessThan(300);

    // Both are re-checked every two seconds.
    expect(await stream.refused).toBe(CloseCode.SessionRevoked);
    expect((await game.ended).code).toBe('GAME_SESSION_REVOKED');

    // The ticket is still within its minute, but stands on a revoked version.
    const again = await fetch(`${base}/api/v1/stream?channels=user:${ada.userId}&ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('RT_SESSION_REVOKED');
    const resume = await TestGameClient.ws(join.body.ws.replace('localhost', '127.0.0.1'));
    resume.send({ type: MessageType.Hello, token: '', resumeSession: welcome.sessionId });
    expect((await resume.ended).code).toBe('GAME_SESSION_EXPIRED');
  }, 60_000);

  it('tier change by an admin - the stream closes on its next check (no hook on this route)', async () => {
    const bob = await signUpAndIn(base, 'bob@example.com');
    const stream = await openWebSocket(base, {
      channels: [`user:${bob.userId}`],
      ticket: await streamTicket(base, bob.accessToken),
    });
    await stream.next('subscribed');
    const admin = await initialAdminToken(base, dataDir);
    const changed = await callJson(base, 'PATCH', `/api/v1/admin/users/${bob.userId}`, {
      body: { tier: 'premium' },
      bearer: admin,
    });
    expect(changed.status).toBe(200);
    expect(await stream.refused).toBe(CloseCode.SessionRevoked);
  }, 60_000);
});

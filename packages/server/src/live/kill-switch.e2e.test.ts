/**
 * The kill switch through real `tickline start` processes (embedded default): engaged over HTTP,
 * it survives a restart (the next order is refused with `kill_switch`), the operator's CLI sees it
 * while the server is stopped, and a release lets the next order through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accessTokenFor, callJson, signUpAndIn, TEST_PASSWORD } from '../testing/api-clients.ts';
import { moveKillSwitch, placeOrder, portfolioOpened } from '../testing/portfolio-clients.ts';
import { runTickline, startTicklineServer, type RunningServer } from '@tickline/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-kill-switch-'));
const env = { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1' };
let server: RunningServer | undefined;

async function stop(): Promise<void> {
  server!.child.kill('SIGTERM');
  expect(await server!.exited).toBe(0);
  server = undefined;
}

afterAll(async () => {
  if (server) await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const MARKET_BUY = { symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 };

describe('kill switch - durable across a restart of tickline start', () => {
  it('engage → restart → refused with kill_switch; release → accepted', async () => {
    server = await startTicklineServer(env);
    const user = await signUpAndIn(server.url, 'kill@example.test');
    const portfolio = user.userId;
    // The paper portfolio opens with the account's snapshot, asynchronously.
    await portfolioOpened(server.url, user.accessToken, portfolio);
    const engaged = await moveKillSwitch(server.url, user.accessToken, portfolio, 'engage', 'e2e stop');
    expect(engaged.status).toBe(200);
    expect(engaged.body.killSwitch).toMatchObject({ engaged: true, user: { by: portfolio } });
    await stop();

    // While stopped, the operator's CLI reads the stored switch straight from the data directory
    const status = await runTickline(
      ['kill-switch', 'status', '--portfolio', portfolio, '--data-dir', dataDir, '--json'],
      {},
    );
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ engaged: true, user: { reason: 'e2e stop' } });

    // After the restart, the next order is refused by the switch
    server = await startTicklineServer(env);
    const token = await accessTokenFor(server.url, user.email, TEST_PASSWORD);
    const refused = await placeOrder(server.url, token, portfolio, MARKET_BUY);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.details.reason).toBe('kill_switch');

    // When the owner releases it, Then the next order is accepted
    const released = await moveKillSwitch(server.url, token, portfolio, 'release', 'e2e go');
    expect(released.status).toBe(200);
    expect(released.body.killSwitch).toEqual({ engaged: false });
    const accepted = await placeOrder(server.url, token, portfolio, MARKET_BUY);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const risk = await callJson(server.url, 'GET', `/api/v1/portfolios/${portfolio}/risk`, { bearer: token });
    expect(risk.body.audit.map((e: { action: string }) => e.action)).toEqual([
      'kill_switch.engaged',
      'kill_switch.released',
    ]);
  }, 240_000);
});

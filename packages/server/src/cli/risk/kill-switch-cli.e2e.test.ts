/**
 * `tickline kill-switch` against a running `tickline start` (embedded default), through the real
 * `bin/tickline` launcher: the owner engages with their API key and the next order placed over
 * HTTP is refused with `kill_switch`; an admin's `--admin` hand holds through the owner's release;
 * when both hands are released an order is accepted; status prints each state; a wrong token and
 * a server that is not there fail with a readable error and exit 1, as does `--data-dir` on the
 * data directory the server holds (STORE_LOCKED, with the way through the API).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../../testing/api-clients.ts';
import { placeOrder, portfolioOpened } from '../../testing/portfolio-clients.ts';
import {
  embeddedTestEnv,
  startTicklineServer,
  type FinishedCommand,
  type RunningServer,
} from '@tickline/testing';

const LAUNCHER = fileURLToPath(new URL('../../../../../bin/tickline', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-kill-switch-cli-e2e-'));
const MARKET_BUY = { symbol: 'BTC-USDT', side: 'buy', quantity: 0.001 };
let server: RunningServer;

/** `bin/tickline ...args` as an operator runs it, with none of this machine's TICKLINE_* variables. */
function tickline(args: readonly string[], env: Record<string, string>): Promise<FinishedCommand> {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TICKLINE_'));
  return new Promise((resolve, reject) => {
    const child = spawn(LAUNCHER, [...args], {
      env: { ...Object.fromEntries(inherited), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  server = await startTicklineServer(embeddedTestEnv(dataDir));
}, 180_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tickline kill-switch - against tickline start', () => {
  let owner: TestUser;
  let ownerKey: string;
  let portfolio: string;

  it('kill-switch cli e2e - the owner engages (API key): orders refused; status says ENGAGED', async () => {
    owner = await signUpAndIn(server.url, `kill-cli.${Date.now()}@example.test`);
    portfolio = owner.userId;
    await portfolioOpened(server.url, owner.accessToken, portfolio);
    const created = await callJson(server.url, 'POST', '/api/v1/api-keys', {
      bearer: owner.accessToken,
      body: { name: 'kill-switch cli', scopes: ['portfolio:read', 'portfolio:write'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ownerKey = created.body.key as string;

    // Given the owner's API key in the environment, When they engage without naming the portfolio
    const engaged = await tickline(['kill-switch', 'engage', '--reason', 'cli stop'], {
      TICKLINE_URL: server.url,
      TICKLINE_TOKEN: ownerKey,
    });
    expect(engaged.code, engaged.stderr).toBe(0);
    expect(engaged.stdout).toContain("engaged the owner's hand: 0 working orders cancelled");
    expect(engaged.stdout).toContain(`kill switch of ${portfolio}: ENGAGED`);

    // Then an order placed over HTTP is refused by the switch, with its reason
    const refused = await placeOrder(server.url, owner.accessToken, portfolio, MARKET_BUY);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.details.reason).toBe('kill_switch');

    // And status (an access token, --url) prints the owner's hand with the reason
    const status = await tickline(
      ['kill-switch', 'status', '--url', server.url, '--token', owner.accessToken],
      {},
    );
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`kill switch of ${portfolio}: ENGAGED`);
    expect(status.stdout).toMatch(/ {2}owner: engaged by \S+ \(you\) at \S+ \(cli stop\)/);
    expect(status.stdout).toContain('  admin: off');
    expect(status.stdout).toMatch(/kill_switch\.engaged by \S+ \(you\) \(user\): cli stop/);
  }, 180_000);

  it("kill-switch cli e2e - the admin hand (--admin) holds through the owner's release", async () => {
    const admin = await initialAdminToken(server.url, dataDir);
    const asAdmin = { TICKLINE_URL: server.url, TICKLINE_TOKEN: admin };
    const asOwner = { TICKLINE_URL: server.url, TICKLINE_TOKEN: ownerKey };
    const adminEngage = await tickline(
      ['kill-switch', 'engage', '--admin', '--portfolio', portfolio, '--reason', 'ops review', '--json'],
      asAdmin,
    );
    expect(adminEngage.code, adminEngage.stderr).toBe(0);
    expect(JSON.parse(adminEngage.stdout)).toMatchObject({
      portfolio,
      action: 'engage',
      hand: 'admin',
      moved: true,
      engaged: true,
      user: { reason: 'cli stop' },
      admin: { reason: 'ops review' },
    });

    const ownerRelease = await tickline(['kill-switch', 'release', '--reason', 'fixed'], asOwner);
    expect(ownerRelease.code, ownerRelease.stderr).toBe(0);
    expect(ownerRelease.stdout).toContain(
      "released the owner's hand; the admin hand still holds (only an admin releases it)",
    );
    const stillRefused = await placeOrder(server.url, owner.accessToken, portfolio, MARKET_BUY);
    expect(stillRefused.status, JSON.stringify(stillRefused.body)).toBe(422);
    expect(stillRefused.body.error.details.reason).toBe('kill_switch');

    const adminRelease = await tickline(
      ['kill-switch', 'release', '--admin', '--portfolio', portfolio, '--reason', 'reviewed'],
      asAdmin,
    );
    expect(adminRelease.code, adminRelease.stderr).toBe(0);
    expect(adminRelease.stdout).toContain('released the admin hand');
    expect(adminRelease.stdout).toContain(`kill switch of ${portfolio}: off`);

    // When both hands are off, Then an order is accepted, and status prints the switch off
    const accepted = await placeOrder(server.url, owner.accessToken, portfolio, MARKET_BUY);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const status = await tickline(['kill-switch', 'status', '--json'], asOwner);
    expect(status.code, status.stderr).toBe(0);
    const body = JSON.parse(status.stdout);
    expect(body).toMatchObject({ portfolio, engaged: false });
    expect(body.audit.map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`)).toEqual([
      'kill_switch.engaged user',
      'kill_switch.engaged admin',
      'kill_switch.released user',
      'kill_switch.released admin',
    ]);
  }, 180_000);

  it('kill-switch cli e2e - a wrong token and a stopped server: a readable error, exit 1', async () => {
    const wrong = await tickline(['kill-switch', 'engage', '--reason', 'x'], {
      TICKLINE_URL: server.url,
      TICKLINE_TOKEN: 'not-a-token',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(
      new RegExp(
        `^error: the server at ${server.url} refused the credential \\(--token or TICKLINE_TOKEN\\): .+ \\[AUTH_[A-Z_]+\\]\\n$`,
      ),
    );

    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await tickline(['kill-switch', 'status', '--url', url, '--token', ownerKey], {});
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`error: no server answers at ${url}: is \`tickline start\` running?`);
    expect(down.stderr).toContain('ECONNREFUSED');
    expect(down.stderr).toContain('[SERVER_API_UNREACHABLE]');

    // The offline way on the data directory the running server holds says to use the API
    const direct = await tickline(
      ['kill-switch', 'status', '--portfolio', portfolio, '--data-dir', dataDir],
      {},
    );
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/is open in process \d+.*go through its API instead.*\[STORE_LOCKED\]/);
  }, 60_000);
});

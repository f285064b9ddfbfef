/**
 * What a stranger can hold or spoil before signing in (issue 46.4, 46.9), against `tickline start`
 * with its limits from the environment. Connections come from chosen loopback addresses
 * (127.0.0.x), each a different client to the server: parked request bodies are cut at the request
 * deadline, one address past its connection cap is refused while another is served, and wrong
 * passwords from ten addresses lock an account for everyone but a device its owner signed in on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedTestEnv, startTicklineServer, type RunningServer } from '@tickline/testing';
import { signUpAndIn, TEST_PASSWORD } from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-e2e-anonymous-limits-'));
const PER_ADDRESS = 4;
const GENEROUS_MS = 20_000;
let server: RunningServer;
let port: number;

beforeAll(async () => {
  server = await startTicklineServer(
    embeddedTestEnv(dataDir, {
      TICKLINE_HTTP_TIMEOUTS_HEADERS_MS: '1000',
      TICKLINE_HTTP_TIMEOUTS_REQUEST_MS: '2000',
      TICKLINE_HTTP_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
    }),
  );
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Parked {
  socket: Socket;
  received: () => string;
  closed: Promise<boolean>;
}

/** A raw connection from `localAddress` that sends `bytes` and then nothing. */
async function park(localAddress: string, bytes: string): Promise<Parked> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  socket.write(bytes);
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), GENEROUS_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  return { socket, received: () => text, closed };
}

interface Answer {
  status: number;
  body: any;
  cookies: string[];
}

/** One request on its own connection from `localAddress`. */
function call(localAddress: string, method: string, path: string, body?: unknown, cookie?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method,
        path,
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? JSON.parse(text) : undefined,
            cookies: res.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('anonymous limits - through tickline start', () => {
  it('connections - bodies that never come are cut; past the per-address cap, 429; another address is served', async () => {
    const head =
      'POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{"email":';
    const parked = await Promise.all(Array.from({ length: PER_ADDRESS }, () => park('127.0.0.21', head)));
    const extra = await park('127.0.0.21', 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await extra.closed).toBe(true);
    expect(extra.received()).toMatch(/^HTTP\/1\.1 429 /);
    expect(extra.received()).toContain('"HTTP_TOO_MANY_CONNECTIONS"');
    expect((await call('127.0.0.22', 'GET', '/healthz')).status).toBe(200);
    for (const p of parked) {
      expect(await p.closed).toBe(true);
      expect(p.received()).toMatch(/^HTTP\/1\.1 408 /);
    }
    // Their connections given back, the address is served again.
    await expect
      .poll(async () => (await call('127.0.0.21', 'GET', '/healthz').catch(() => ({ status: 0 }))).status, {
        timeout: GENEROUS_MS,
      })
      .toBe(200);
  });

  it("sign-in - strangers from ten addresses lock the account, not its owner's known device", async () => {
    const { email } = await signUpAndIn(server.url, 'owner-46-9@example.com');
    const signIn = (address: string, password: string, cookie?: string) =>
      call(address, 'POST', '/api/v1/auth/sign-in', { email, password }, cookie);
    const first = await signIn('127.0.0.30', TEST_PASSWORD);
    expect(first.status).toBe(200);
    const device = first.cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('tickline_device='));
    expect(device).toBeDefined();
    for (let a = 1; a <= 10; a++)
      for (let i = 0; i < 5; i++)
        expect((await signIn(`127.0.1.${a}`, 'not the password at all')).status).toBe(401);
    const locked = await signIn('127.0.0.30', TEST_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('AUTH_TOO_MANY_ATTEMPTS');
    const owner = await signIn('127.0.0.30', TEST_PASSWORD, device);
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ status: 'signed_in' });
  });
});

/**
 * Pre-authentication deadlines on a listening app with two WebSocket endpoints (as the process
 * has: streams and the game): an upgrade whose authentication never answers is closed at the
 * upgrade deadline, an open WebSocket outlives it, and an unknown path gets 404.
 */
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { createHub, createRealtimeGateway } from '@tickline/realtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../app.ts';
import { rawExchange } from '../testing/raw-socket.ts';

const UPGRADE_MS = 300;
const GENEROUS_MS = 10_000;
const upgrade = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';

describe('pre-auth limits', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = createHttpApp({
      logger: silentLogger,
      metrics: createMetricsRegistry({ processMetrics: false }),
      health: () => ({}),
      timeouts: { headersMs: UPGRADE_MS, upgradeMs: UPGRADE_MS },
    });
    const hub = createHub();
    // A stalled identity store: authentication that never answers.
    const stalled = createRealtimeGateway<object>({
      hub,
      authenticate: () => new Promise<never>(() => {}),
      authorize: () => true,
    });
    const open = createRealtimeGateway<object>({
      hub,
      authenticate: async () => ({}),
      authorize: () => true,
    });
    const detach = [
      stalled.attachWebSocket(app.server, '/stalled'),
      open.attachWebSocket(app.server, '/open'),
    ];
    app.addHook('preClose', async () => {
      for (const d of detach) d();
      await Promise.all([stalled.close(), open.close()]);
      hub.close();
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('upgrade - authentication that never answers is closed at the upgrade deadline', async () => {
    const seen = await rawExchange(port, upgrade('/stalled'), GENEROUS_MS);
    expect(seen.closed).toBe(true);
    expect(seen.received).toBe('');
  });

  it('upgrade - a path no endpoint serves gets 404 and the socket closes', async () => {
    const seen = await rawExchange(port, upgrade('/nope'), GENEROUS_MS);
    expect(seen.closed).toBe(true);
    expect(seen.received).toMatch(/^HTTP\/1\.1 404 /);
    expect(seen.received).toContain('"HTTP_NOT_FOUND"');
  });

  it('head - a request head that never finishes gets 408 and the socket closes', async () => {
    const seen = await rawExchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', GENEROUS_MS);
    expect(seen.closed).toBe(true);
    expect(seen.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('idle - a connection that sends nothing is closed too', async () => {
    const seen = await rawExchange(port, '', GENEROUS_MS);
    expect(seen.closed).toBe(true);
  });

  it('upgrade - an open WebSocket outlives the upgrade deadline', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/open`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    let closed = false;
    ws.onclose = () => (closed = true);
    await new Promise((resolve) => setTimeout(resolve, UPGRADE_MS * 4));
    expect(closed).toBe(false);
    ws.close();
  });
});

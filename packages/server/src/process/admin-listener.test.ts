import { createMetricsRegistry, silentLogger, type ServiceContext } from '@tickline/kernel';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { createHttpService, type HttpService } from './http-service.ts';
import { ADMIN_MAX_CONNECTIONS } from './admin-listener.ts';
import { PUBLIC_ROUTE } from '../http/route-scopes.ts';

const context = { logger: silentLogger } as unknown as ServiceContext;
let service: HttpService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

async function start(
  admin?: { host: string; port: number },
  timeouts?: { idleMs: number },
): Promise<HttpService> {
  service = createHttpService({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024,
    ...(timeouts ? { timeouts } : {}),
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({}),
    admin,
    configure: (app) => {
      app.get('/assets/app.js.map', PUBLIC_ROUTE, async () => ({ version: 3 }));
    },
  });
  await service.start(context);
  return service;
}

describe('admin listener', () => {
  it('admin - without it, metrics and docs are on the public port', async () => {
    const s = await start();
    expect((await fetch(`http://127.0.0.1:${s.port}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${s.port}/api/openapi.json`)).status).toBe(200);
  });

  it('admin - with it, /metrics, the docs and source maps answer 404 publicly and 200 on the admin port', async () => {
    const s = await start({ host: '127.0.0.1', port: 0 });
    const pub = `http://127.0.0.1:${s.port}`;
    const admin = `http://127.0.0.1:${s.adminPort}`;
    for (const path of ['/metrics', '/api/openapi.json', '/api/docs', '/assets/app.js.map'])
      expect({ path, status: (await fetch(pub + path)).status }).toEqual({ path, status: 404 });
    // A forged admin header does not open them.
    expect((await fetch(`${pub}/metrics`, { headers: { 'x-tickline-admin': 'guess' } })).status).toBe(404);
    expect((await fetch(`${pub}/healthz`)).status).toBe(200);

    const metrics = await fetch(`${admin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/# (HELP|TYPE) /);
    const openapi = await fetch(`${admin}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    expect((await fetch(`${admin}/assets/app.js.map`)).status).toBe(200);
    expect((await fetch(`${admin}/healthz`)).status).toBe(404);
  });

  it('admin - parked connections: past its cap the port closes new ones at once, silent ones at the idle deadline', async () => {
    const s = await start({ host: '127.0.0.1', port: 0 }, { idleMs: 1_000 });
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(s.adminPort!, '127.0.0.1', () => resolve(socket)).once('error', reject);
      });
    const closed = (socket: Socket) =>
      new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
    // Parked: connected, nothing sent.
    const parked = await Promise.all(Array.from({ length: ADMIN_MAX_CONNECTIONS }, open));
    const over = await open();
    over.on('error', () => {});
    await closed(over);
    expect(parked.every((socket) => !socket.destroyed)).toBe(true);
    // Nothing sent within the idle deadline: the port closes them itself.
    await Promise.all(parked.map(closed));
    expect((await fetch(`http://127.0.0.1:${s.adminPort}/metrics`)).status).toBe(200);
  });

  it('config - admin.listen from the environment', () => {
    const config = loadTicklineConfig({ env: { TICKLINE_ADMIN_LISTEN_PORT: '9464' } });
    expect(config.admin.listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadTicklineConfig({ env: {} }).admin.listen).toBeUndefined();
  });
});

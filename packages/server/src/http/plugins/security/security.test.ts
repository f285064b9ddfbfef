import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpAppOptions } from '../../app.ts';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(options: Partial<HttpAppOptions> = {}): FastifyInstance {
  app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => ({}),
    docs: false,
    ...options,
  });
  app.get('/api/v1/thing', PUBLIC_ROUTE, async () => ({ ok: true }));
  app.post('/api/v1/thing', PUBLIC_ROUTE, async (request) => request.body);
  return app;
}

/** Writes raw bytes to a listening app and resolves with the raw response. */
async function rawRequest(server: FastifyInstance, bytes: string): Promise<string> {
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve(response) : reject(error),
    );
    socket.on('close', () => resolve(response));
    socket.on('connect', () => socket.write(bytes));
  });
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;

describe('security headers', () => {
  it('headers - every response carries the CSP and the helmet set; no HSTS over plain HTTP', async () => {
    const res = await build().inject({ url: '/api/v1/thing' });
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('headers - connect-src names the origins the dashboard plays on, read for each response', async () => {
    let zones = ['ws://127.0.0.1:7001'];
    const server = build({ connectSources: () => [...zones, 'ws://127.0.0.1:7001', "'unsafe-eval'", 'ws://a b'] });
    const first = (await server.inject({ url: '/api/v1/thing' })).headers['content-security-policy'] as string;
    expect(first).toContain("connect-src 'self' ws://127.0.0.1:7001;");
    zones = ['ws://10.0.0.9:8080'];
    const moved = (await server.inject({ url: '/api/v1/thing' })).headers['content-security-policy'] as string;
    // The zone moved; anything that is not one origin (a keyword, a space) never reaches the header.
    expect(moved).toContain("connect-src 'self' ws://10.0.0.9:8080 ws://127.0.0.1:7001;");
    expect(moved).not.toContain('unsafe-eval');
  });

  it('headers - errors and 404s carry them too', async () => {
    const res = await build().inject({ url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('cors', () => {
  const cors = { origins: ['https://app.example'], credentials: true };

  it('cors - a preflight from an allowed origin is answered with the allowed methods and headers', async () => {
    const res = await build({ cors }).inject({
      method: 'OPTIONS',
      url: '/api/v1/thing',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toContain('authorization');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('cors - a simple request from an allowed origin may read the rate-limit and request-id headers', async () => {
    const res = await build({ cors }).inject({
      url: '/api/v1/thing',
      headers: { origin: 'https://app.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-expose-headers']).toContain('retry-after');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  it('cors - another origin gets no CORS headers (the browser blocks it)', async () => {
    const res = await build({ cors }).inject({
      method: 'OPTIONS',
      url: '/api/v1/thing',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('cors - none configured: no CORS headers for anyone', async () => {
    const res = await build().inject({ url: '/api/v1/thing', headers: { origin: 'https://app.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('cors - "*" with credentials is refused at start, naming both settings', () => {
    expect(() => build({ cors: { origins: ['*'], credentials: true } })).toThrow(
      /http\.cors\.origins "\*" and http\.cors\.credentials/,
    );
  });
});

describe('limits', () => {
  it('limits - a body over bodyLimitBytes is 413 in the error shape', async () => {
    const res = await build({ bodyLimitBytes: 100 }).inject({
      method: 'POST',
      url: '/api/v1/thing',
      payload: { pad: 'x'.repeat(200) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'HTTP_PAYLOAD_TOO_LARGE' } });
  });

  it('limits - headers over maxHeaderBytes get 431 in the error shape (real socket)', async () => {
    const raw = await rawRequest(
      build({ maxHeaderBytes: 2048 }),
      `GET /api/v1/thing HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(4096)}\r\n\r\n`,
    );
    expect(raw.startsWith('HTTP/1.1 431 ')).toBe(true);
    expect(bodyOf(raw)).toEqual({
      error: { code: 'HTTP_HEADERS_TOO_LARGE', message: 'request headers too large' },
    });
  });

  it('limits - headers under the limit are served', async () => {
    const raw = await rawRequest(
      build({ maxHeaderBytes: 8192 }),
      `GET /api/v1/thing HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(4096)}\r\nConnection: close\r\n\r\n`,
    );
    expect(raw.startsWith('HTTP/1.1 200 ')).toBe(true);
  });

  it('limits - a malformed request line gets 400 in the error shape', async () => {
    const raw = await rawRequest(build(), 'NOT A REQUEST\r\n\r\n');
    expect(raw.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(bodyOf(raw)).toEqual({ error: { code: 'HTTP_BAD_REQUEST', message: 'malformed request' } });
  });
});

import { Writable } from 'node:stream';
import {
  ConfigInvalidError,
  countSqlStatement,
  createLogger,
  createEventSource,
  createMetricsRegistry,
  defineEvent,
  isUuid,
  ServiceStatus,
  silentLogger,
  type EventEnvelope,
  type ServiceHealth,
} from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from '@tickline/store';
import { ServerError } from '../errors.ts';
import { createHttpApp } from './app.ts';
import { PUBLIC_ROUTE } from './route-scopes.ts';

const Pinged = defineEvent({
  type: 'test.pinged',
  version: 1,
  description: 'A test route was called.',
  schema: z.object({ n: z.number() }),
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(
  health: Record<string, ServiceHealth> = { eventlog: { status: ServiceStatus.Up } },
): FastifyInstance {
  app = createHttpApp({
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    health: () => health,
    bodyLimitBytes: 1024,
  });
  // Test-only routes: one creates an event the way a domain handler would.
  const source = createEventSource({ source: 'test/http' });
  app.get('/test/event', PUBLIC_ROUTE, async () => source.create(Pinged, { subject: 's-1', data: { n: 1 } }));
  app.post('/test/event', PUBLIC_ROUTE, async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return source.create(Pinged, { subject: 's-2', data: request.body as { n: number } });
  });
  app.get('/test/tickline-error', PUBLIC_ROUTE, async () => {
    throw new ConfigInvalidError('bad thing', { field: 'x' });
  });
  app.get('/test/store-error', PUBLIC_ROUTE, async () => {
    throw new StoreError('STORE_QUERY_FAILED', 'invalid byte sequence for encoding "UTF8": 0x00', {
      details: { sqlState: '22021', statement: 'insert into strategies (id, name) values ($1, $2)' },
    });
  });
  app.get('/test/store-conflict', PUBLIC_ROUTE, async () => {
    throw new StoreError('STORE_UNIQUE_VIOLATION', 'duplicate key value violates "users_email_key"', {
      details: { sqlState: '23505', constraint: 'users_email_key', statement: 'insert into users' },
    });
  });
  app.get('/test/server-error', PUBLIC_ROUTE, async () => {
    throw new ServerError('HTTP_BAD_REQUEST', 'nope', { details: { field: 'q' } });
  });
  app.get('/test/zod-error', PUBLIC_ROUTE, async () => z.strictObject({ n: z.number() }).parse({ n: 'x' }));
  app.get('/test/crash', PUBLIC_ROUTE, async () => {
    throw new Error('secret internals');
  });
  return app;
}

describe('http - request id', () => {
  it('request id - a valid incoming X-Request-Id is honoured and echoed', async () => {
    const res = await build().inject({ url: '/healthz', headers: { 'x-request-id': 'abc.DEF:12-3_4' } });
    expect(res.headers['x-request-id']).toBe('abc.DEF:12-3_4');
  });

  it('request id - an invalid one is replaced by a UUIDv7', async () => {
    for (const bad of ['has space', 'a'.repeat(129), 'semi;colon', '']) {
      const res = await build().inject({ url: '/healthz', headers: { 'x-request-id': bad } });
      const id = res.headers['x-request-id'] as string;
      expect(id, bad).not.toBe(bad);
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      await app?.close();
    }
  });

  it('request id - one is generated when none is sent, and echoed on 404s too', async () => {
    const res = await build().inject({ url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(isUuid(res.headers['x-request-id'] as string)).toBe(true);
  });

  it('request id - flows into the correlationid of events created during a GET', async () => {
    const res = await build().inject({ url: '/test/event', headers: { 'x-request-id': 'req-42' } });
    const event = res.json<EventEnvelope>();
    expect(event.type).toBe('test.pinged');
    expect(event.correlationid).toBe('req-42');
  });

  it('request id - flows into events created after parsing a body and awaiting', async () => {
    const res = await build().inject({
      method: 'POST',
      url: '/test/event',
      headers: { 'x-request-id': 'req-post' },
      payload: { n: 7 },
    });
    const event = res.json<EventEnvelope>();
    expect(event.data).toEqual({ n: 7 });
    expect(event.correlationid).toBe('req-post');
  });

  it('request id - survives a body that arrives after the headers (real socket, port 0)', async () => {
    const server = build();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/test/event',
          headers: { 'x-request-id': 'req-slow', 'content-type': 'application/json', 'content-length': 7 },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.flushHeaders();
      // The body's bytes reach the parser in a later socket read, outside the request's hooks.
      setTimeout(() => req.end('{"n":3}'), 50);
    });
    expect((JSON.parse(body) as EventEnvelope).correlationid).toBe('req-slow');
  });

  it('request id - concurrent requests keep their own ids', async () => {
    const server = build();
    const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);
    const events = await Promise.all(
      ids.map((id) =>
        server.inject({
          method: 'POST',
          url: '/test/event',
          headers: { 'x-request-id': id },
          payload: { n: 1 },
        }),
      ),
    );
    expect(events.map((res) => res.json<EventEnvelope>().correlationid)).toEqual(ids);
  });

  it('request id - a generated id is the correlationid too', async () => {
    const res = await build().inject({ url: '/test/event' });
    expect(res.json<EventEnvelope>().correlationid).toBe(res.headers['x-request-id']);
  });
});

describe('http - logging', () => {
  it('logging - request logs carry the request id, and a 5xx is logged with its error', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    app = createHttpApp({
      logger: createLogger({ level: 'debug', destination }),
      metrics: createMetricsRegistry({ processMetrics: false }),
      health: () => ({}),
    });
    app.get('/test/log', PUBLIC_ROUTE, async (request) => {
      request.log.info({ step: 'inside' }, 'handler ran');
      return {};
    });
    app.get('/test/crash', PUBLIC_ROUTE, async () => {
      throw new Error('secret internals');
    });
    // What the store does per statement: the request that awaited it is charged.
    app.get('/test/sql', PUBLIC_ROUTE, async () => {
      await Promise.resolve();
      for (let i = 0; i < 3; i++) countSqlStatement();
      return {};
    });
    await app.inject({ url: '/test/log', headers: { 'x-request-id': 'log-1' } });
    await app.inject({ url: '/test/sql', headers: { 'x-request-id': 'log-5' } });
    // An OIDC callback's code and state, a stream ticket: never in the access log.
    await app.inject({
      url: '/test/log?code=SECRET-CODE&state=SECRET-STATE&iss=x&channels=a',
      headers: { 'x-request-id': 'log-3' },
    });
    await app.inject({ url: '/test/log?ticket=v1.SECRET-TICKET', headers: { 'x-request-id': 'log-4' } });
    await app.inject({ url: '/test/crash', headers: { 'x-request-id': 'log-2' } });
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'log-1', step: 'inside', msg: 'handler ran' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'log-1',
        msg: 'request completed',
        statusCode: 200,
        url: '/test/log',
        sqlStatements: 0,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'log-5', msg: 'request completed', sqlStatements: 3 }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'log-3',
        url: '/test/log?code=[redacted]&state=[redacted]&iss=x&channels=a',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ requestId: 'log-4', url: '/test/log?ticket=[redacted]' }),
    );
    expect(JSON.stringify(lines)).not.toMatch(/SECRET-(CODE|STATE|TICKET)/);
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'log-2',
        level: 'error',
        code: 'HTTP_INTERNAL',
        err: expect.objectContaining({ message: 'secret internals' }),
      }),
    );
  });
});

/** POSTs `payload` as it is (not re-serialised) to the test route that takes a JSON body. */
const postJsonText = (server: ReturnType<typeof build>, payload: string) =>
  server.inject({
    method: 'POST',
    url: '/test/event',
    headers: { 'content-type': 'application/json' },
    payload,
  });

describe('http - errors', () => {
  it('errors - unknown routes answer 404 in the error shape', async () => {
    const res = await build().inject({ method: 'DELETE', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'HTTP_NOT_FOUND', message: 'no route for DELETE /nope' } });
  });

  it('errors - a Tickline error gets the status of its code from the catalogue', async () => {
    const bad = await build().inject({ url: '/test/server-error' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: { code: 'HTTP_BAD_REQUEST', message: 'nope', details: { field: 'q' } },
    });
  });

  it('errors - zod failures are 400 with the failing fields', async () => {
    const res = await build().inject({ url: '/test/zod-error' });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>();
    expect(body.error.code).toBe('HTTP_BAD_REQUEST');
    expect(body.error.details.issues.map((i) => i.path)).toEqual(['n']);
  });

  it('errors - a coded 500 is HTTP_INTERNAL: no message, details, SQL or SQLSTATE', async () => {
    const server = build();
    for (const url of ['/test/tickline-error', '/test/store-error']) {
      const res = await server.inject({ url });
      expect(res.statusCode, url).toBe(500);
      expect(res.json(), url).toEqual({ error: { code: 'HTTP_INTERNAL', message: 'internal error' } });
    }
  });

  it('errors - a store error of another status keeps its code and status, not its text', async () => {
    const res = await build().inject({ url: '/test/store-conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'STORE_UNIQUE_VIOLATION', message: 'database error' } });
  });

  it('errors - a NUL character in a JSON body or the URL is 400 naming where, before the route', async () => {
    const server = build();
    const post = (payload: string) => postJsonText(server, payload);
    const top = await post('{"n":1,"s":"a\\u0000b"}');
    expect(top.statusCode).toBe(400);
    expect(top.json()).toEqual({
      error: {
        code: 'HTTP_BAD_REQUEST',
        message: 'invalid body: s: contains a NUL character (U+0000), which text cannot hold',
        details: {
          issues: [
            {
              in: 'body',
              path: 's',
              code: 'nul_character',
              message: 'contains a NUL character (U+0000), which text cannot hold',
            },
          ],
        },
      },
    });
    const deep = await post('{"a":[{"b":"ok"},{"c":"\\u0000"}]}');
    expect(deep.json().error.details.issues[0].path).toBe('a.1.c');
    const key = await post('{"a":{"k\\u0000":1}}');
    expect(key.json().error.details.issues[0].path).toBe('a.k\\u0000');
    // An escaped backslash before `u0000` is no NUL.
    const escaped = await post('{"n":1,"s":"\\\\u0000"}');
    expect(escaped.statusCode).toBe(200);
    const url = await server.inject({ url: '/test/event?x=%00' });
    expect(url.statusCode).toBe(400);
    expect(url.json().error.details.issues[0]).toMatchObject({ in: 'url', code: 'nul_character' });
    expect((await server.inject({ url: '/test/event?x=%2500' })).statusCode).toBe(200);
  });

  it('errors - a body with a __proto__ key is 400 naming the key, not "not valid JSON"; bad JSON still is', async () => {
    const server = build();
    const post = (payload: string) => postJsonText(server, payload);
    for (const payload of ['{"n":1,"__proto__":{"admin":true}}', '{"n":1,"constructor":{"prototype":{"x":1}}}']) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'HTTP_BAD_REQUEST',
        message: expect.stringContaining('"__proto__"'),
        details: { issues: [{ in: 'body', code: 'forbidden_key' }] },
      });
    }
    const bad = await post('{"n":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not valid JSON/);
  });

  it('errors - unexpected errors are 500 without their message', async () => {
    const res = await build().inject({ url: '/test/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'HTTP_INTERNAL', message: 'internal error' } });
  });

  it('errors - malformed JSON and oversized bodies keep the shape', async () => {
    const server = build();
    const malformed = await server.inject({
      method: 'POST',
      url: '/test/event',
      headers: { 'content-type': 'application/json' },
      payload: '{"n":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ error: { code: string } }>().error.code).toBe('HTTP_BAD_REQUEST');
    const large = await server.inject({
      method: 'POST',
      url: '/test/event',
      payload: { n: 1, pad: 'x'.repeat(2000) },
    });
    expect(large.statusCode).toBe(413);
    expect(large.json<{ error: { code: string } }>().error.code).toBe('HTTP_PAYLOAD_TOO_LARGE');
    const text = await server.inject({
      method: 'POST',
      url: '/test/event',
      headers: { 'content-type': 'application/x-nope' },
      payload: 'x',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json<{ error: { code: string } }>().error.code).toBe('HTTP_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('http - probes and metrics', () => {
  it('probes - /healthz answers ok', async () => {
    const res = await build().inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('probes - /readyz is 200 when every service is up or degraded', async () => {
    const res = await build({
      eventlog: { status: ServiceStatus.Up },
      publisher: { status: ServiceStatus.Degraded, detail: 'log down, buffering' },
    }).inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ready',
      services: {
        eventlog: { status: 'up' },
        publisher: { status: 'degraded', detail: 'log down, buffering' },
      },
    });
  });

  it('probes - /readyz is 503 and lists each service when one is down', async () => {
    const res = await build({
      eventlog: { status: ServiceStatus.Failed, detail: 'Error: disk full' },
      http: { status: ServiceStatus.Up },
    }).inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      services: { eventlog: { status: 'failed', detail: 'Error: disk full' }, http: { status: 'up' } },
    });
  });

  it('probes - /readyz is 503 while starting', async () => {
    const res = await build({ eventlog: { status: ServiceStatus.Starting } }).inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });

  it('metrics - /metrics serves Prometheus text including request timings', async () => {
    const server = build();
    await server.inject({ url: '/healthz' });
    const res = await server.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain(
      'tickline_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"} 1',
    );
  });
});

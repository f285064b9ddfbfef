/**
 * Connections a client holds before it has authenticated, on a listening app: a request whose
 * body never comes is closed at the request deadline, a socket where nothing moves at the idle
 * deadline (a stream that writes keeps its socket), and connections are capped per address and in
 * all — the next one is answered in the one error shape and closed while other addresses are served.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConnectionBudget, createMetricsRegistry, silentLogger } from '@tickline/kernel';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpAppOptions } from '../../app.ts';
import { PUBLIC_ROUTE } from '../../route-scopes.ts';
import { maxConnections, openFilesLimit } from './connection-limits.ts';

const SHORT_MS = 400;
const GENEROUS_MS = 15_000;

let app: FastifyInstance | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await app?.close();
  app = undefined;
});

let metrics = createMetricsRegistry({ processMetrics: false });

async function listen(options: Partial<HttpAppOptions>): Promise<number> {
  metrics = createMetricsRegistry({ processMetrics: false });
  app = createHttpApp({
    logger: silentLogger,
    metrics,
    health: () => ({}),
    ...options,
  });
  app.post('/test/echo', PUBLIC_ROUTE, async (request) => request.body);
  app.get('/test/hang', PUBLIC_ROUTE, () => new Promise<never>(() => {}));
  app.get(
    '/test/slow',
    PUBLIC_ROUTE,
    () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), SHORT_MS * 3)),
  );
  app.get('/test/stream', PUBLIC_ROUTE, (_request, reply) => {
    // What an SSE stream does when nothing happens: a comment every keep-alive period.
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => reply.raw.write(': keep-alive\n\n'), SHORT_MS / 4);
    reply.raw.on('close', () => clearInterval(timer));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

/** A connection from `localAddress` that records what it got and when the server closed it. */
interface Parked {
  socket: Socket;
  text: () => string;
  closed: Promise<boolean>;
}

async function park(port: number, send: string, localAddress = '127.0.0.1'): Promise<Parked> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  if (send) socket.write(send);
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), GENEROUS_MS);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('end', done);
    socket.once('close', done);
  });
  return { socket, text: () => received, closed };
}

/** Whether the server still holds `p` open after `ms` (it has not closed it by then). */
async function stillOpen(p: Parked, ms: number): Promise<boolean> {
  return Promise.race([
    p.closed.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), ms)),
  ]);
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('connection limits - deadlines', () => {
  it('body - requests whose head came and body never does are closed 408 at the request deadline', async () => {
    const port = await listen({ timeouts: { headersMs: SHORT_MS, requestMs: SHORT_MS * 2 } });
    const head =
      'POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":';
    const parked = await Promise.all(Array.from({ length: 5 }, () => park(port, head)));
    for (const p of parked) {
      expect(await p.closed).toBe(true);
      expect(p.text()).toMatch(/^HTTP\/1\.1 408 /);
      expect(p.text()).toContain('"HTTP_REQUEST_TIMEOUT"');
    }
  });

  it('idle - a socket where no byte moves is closed at the idle deadline', async () => {
    const port = await listen({ timeouts: { idleMs: SHORT_MS } });
    const silent = await park(port, '');
    expect(await silent.closed).toBe(true);
  });

  it('idle - a request still being answered keeps its socket past the idle deadline', async () => {
    // A compile waiting its turn at the gate under load sent nothing for two minutes and its
    // socket was closed under it: the idle deadline is for sockets with no request in hand.
    const port = await listen({ timeouts: { idleMs: SHORT_MS } });
    const slow = await park(port, get('/test/slow'));
    await expect.poll(() => slow.text(), { timeout: GENEROUS_MS }).toContain('"ok":true');
  });

  it('idle - a stream that writes its keep-alive outlives the idle deadline', async () => {
    const port = await listen({ timeouts: { idleMs: SHORT_MS } });
    const stream = await park(port, get('/test/stream'));
    expect(await stillOpen(stream, SHORT_MS * 5)).toBe(true);
    expect(stream.text()).toContain(': keep-alive');
  });
});

describe('connection limits - caps', () => {
  it('per address - the N+1th connection gets 429 and closes; another address gets /healthz', async () => {
    const port = await listen({ connections: { perAddress: 3 } });
    const held = await Promise.all([1, 2, 3].map(() => park(port, '')));
    const extra = await park(port, get('/healthz'));
    expect(await extra.closed).toBe(true);
    expect(extra.text()).toMatch(/^HTTP\/1\.1 429 /);
    expect(extra.text()).toContain('"HTTP_TOO_MANY_CONNECTIONS"');

    const other = await park(port, get('/healthz'), '127.0.0.2');
    await expect.poll(() => other.text(), { timeout: GENEROUS_MS }).toMatch(/^HTTP\/1\.1 200 /);

    // A connection closed is a connection given back.
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await expect
      .poll(
        async () => {
          const again = await park(port, get('/healthz'));
          await new Promise((r) => setTimeout(r, 50));
          again.socket.destroy();
          return again.text().slice(0, 12);
        },
        { timeout: GENEROUS_MS },
      )
      .toBe('HTTP/1.1 200');
  });

  it('in all - past the open-files limit less the reserve, a new connection gets 503', async () => {
    // 10 descriptors, 6 kept back (at most half): 5 connections.
    const port = await listen({ connections: { perAddress: 0, reservedFds: 6 }, fdLimit: 10 });
    await Promise.all([2, 3, 4, 5, 6].map((n) => park(port, '', `127.0.0.${n}`)));
    const extra = await park(port, get('/healthz'), '127.0.0.7');
    expect(await extra.closed).toBe(true);
    expect(extra.text()).toMatch(/^HTTP\/1\.1 503 /);
    expect(extra.text()).toContain('"HTTP_CONNECTIONS_EXHAUSTED"');
    expect(extra.text()).toMatch(/Retry-After: \d+/i);
    const scraped = await metrics.metrics();
    expect(scraped).toMatch(/tickline_http_connections_refused_total\{reason="exhausted"\} 1/);
    expect(scraped).toMatch(/tickline_http_connections_open 5/);
  });
});

describe('connection limits - the process budget', () => {
  it('in all - connections of another listener (the game’s TCP port) count against the same budget', async () => {
    const budget = new ConnectionBudget(3);
    const game = [new EventEmitter(), new EventEmitter()];
    for (const socket of game) expect(budget.take(socket)).toBe(true);
    const port = await listen({ connections: { perAddress: 0 }, connectionBudget: budget });
    const held = await park(port, '', '127.0.0.2');
    const extra = await park(port, get('/healthz'), '127.0.0.3');
    expect(await extra.closed).toBe(true);
    expect(extra.text()).toMatch(/^HTTP\/1\.1 503 /);
    expect(extra.text()).toContain('"HTTP_CONNECTIONS_EXHAUSTED"');
    expect(budget.open).toBe(3);
    // A game connection closed: HTTP may take its place.
    game[0]!.emit('close');
    const served = await park(port, get('/healthz'), '127.0.0.4');
    await expect.poll(() => served.text(), { timeout: GENEROUS_MS }).toMatch(/^HTTP\/1\.1 200 /);
    // HTTP connections give their slots back as they close (the cap's one 'close' listener).
    held.socket.destroy();
    served.socket.destroy();
    await expect.poll(() => budget.open, { timeout: GENEROUS_MS }).toBe(1);
  });
});

describe('connection limits - the descriptor budget', () => {
  it('reads the soft open-files limit; the reserve takes at most half', () => {
    const limits =
      'Limit  Soft Limit  Hard Limit  Units\nMax open files            20000                524288               files\n';
    expect(openFilesLimit(() => limits)).toBe(20_000);
    expect(openFilesLimit(() => 'nothing here')).toBeUndefined();
    expect(maxConnections({ reservedFds: 1024 }, 20_000)).toBe(18_976);
    expect(maxConnections({ reservedFds: 1024 }, 1024)).toBe(512);
    expect(maxConnections({ reservedFds: 1024 }, undefined)).toBeUndefined();
  });
});

/**
 * The guarded client against real loopback receivers that misbehave: a status line dripped a byte
 * at a time, a body that never ends, and an answer far larger than anything worth reading.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuardedClient, DeadlineError } from './guarded-client.ts';

const servers: Server[] = [];
async function serve(handler: (res: ServerResponse, socket: Socket) => void): Promise<URL> {
  const server = createServer((req, res) => {
    req.resume();
    handler(res, req.socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

const post = { headers: { 'content-type': 'application/json' }, body: '{}' };

describe('guarded client', () => {
  it('guarded client - a status line dripped a byte at a time fails at the deadline', async () => {
    const timers: NodeJS.Timeout[] = [];
    const url = await serve((_res, socket) => {
      const line = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';
      let i = 0;
      timers.push(setInterval(() => !socket.destroyed && i < line.length && socket.write(line[i++]!), 300));
    });
    const client = createGuardedClient({ allowPrivateTargets: true, timeoutMs: 1_000, excerptBytes: 64 });
    const started = performance.now();
    const error = await client.post(url, post).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    timers.forEach(clearInterval);
    await client.close();
    expect(error).toBeInstanceOf(DeadlineError);
    // The deadline ended it, not the drip (which needs 15 s for the whole answer).
    expect(elapsed).toBeLessThan(10_000);
  });

  it('guarded client - a body that never ends fails at the deadline even after a 200', async () => {
    const timers: NodeJS.Timeout[] = [];
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      timers.push(setInterval(() => res.write('.'), 200));
    });
    const client = createGuardedClient({ allowPrivateTargets: true, timeoutMs: 1_000, excerptBytes: 64 });
    const error = await client.post(url, post).catch((e: unknown) => e);
    timers.forEach(clearInterval);
    await client.close();
    expect(error).toBeInstanceOf(DeadlineError);
  });

  it('guarded client - a 200 MB answer is read up to the excerpt and the rest is never sent', async () => {
    const total = 200 * 1024 * 1024;
    let written = 0;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((res, socket) => {
      socket.once('close', closed);
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': String(total) });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < total && !socket.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written >= total) res.end();
      };
      pump();
    });
    const client = createGuardedClient({ allowPrivateTargets: true, timeoutMs: 10_000, excerptBytes: 512 });
    const answer = await client.post(url, post);
    await connectionClosed;
    await client.close();
    expect(answer.statusCode).toBe(500);
    expect(Buffer.byteLength(answer.excerpt)).toBeLessThanOrEqual(512 + 3);
    expect(answer.excerpt.endsWith('…')).toBe(true);
    // The client hung up: the server could not write more than the socket buffers held.
    expect(written).toBeLessThan(total / 4);
  });

  it('guarded client - a literal private address is refused before any connection', async () => {
    const client = createGuardedClient({ allowPrivateTargets: false, timeoutMs: 1_000, excerptBytes: 64 });
    for (const target of [
      'http://127.0.0.1:9/hook',
      'http://[::127.0.0.1]:9/hook',
      'http://[::ffff:a00:1]/x',
      // SIIT's IPv4-translated form: 127.0.0.1, 169.254.169.254, 10.0.0.5
      'http://[::ffff:0:7f00:1]/',
      'http://[::ffff:0:a9fe:a9fe]/',
      'http://[::ffff:0:a00:5]/',
    ]) {
      const error = (await client.post(new URL(target), post).catch((e: unknown) => e)) as {
        code?: string;
      };
      expect(error.code, target).toBe('NOTIFY_URL_REJECTED');
    }
    await client.close();
  });
});

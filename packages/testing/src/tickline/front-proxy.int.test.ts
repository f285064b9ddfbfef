import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../free-port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontProxy, type FrontProxy } from './front-proxy.ts';

/** An HTTP server that answers its own name. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.end(name));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A request on a connection of its own, as a new client would open one. */
async function ask(url: string): Promise<string> {
  const response = await fetch(url, { headers: { connection: 'close' } });
  return response.text();
}

describe('front proxy', () => {
  let blue: Awaited<ReturnType<typeof backend>>;
  let green: Awaited<ReturnType<typeof backend>>;
  let front: FrontProxy;
  beforeAll(async () => {
    [blue, green] = await Promise.all([backend('blue'), backend('green')]);
    front = await startFrontProxy({ backends: [blue.port] });
  });
  afterAll(async () => {
    await front.close();
    blue.server.close();
    green.server.close();
  });

  it('front - new connections go round the backends; a route flips where new ones go', async () => {
    front.route([blue.port, green.port]);
    const answers = await Promise.all(Array.from({ length: 4 }, () => ask(front.url)));
    expect(answers.sort()).toEqual(['blue', 'blue', 'green', 'green']);
    front.route([green.port]);
    expect(await ask(front.url)).toBe('green');
    front.route([blue.port]);
    expect(await ask(front.url)).toBe('blue');
  });

  it('front - a backend that refuses the connection is skipped', async () => {
    front.route([await freePort(), green.port]);
    for (let i = 0; i < 4; i++) expect(await ask(front.url)).toBe('green');
  });
});

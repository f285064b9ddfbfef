import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '@tickline/testing';
import { releaseRequestParser } from './release-parser.ts';

let server: Server | undefined;
const clients: Socket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

interface Opened {
  request: IncomingMessage;
  response: ServerResponse;
  released: boolean;
}

/** A server answering every request with an open stream; `opened` gets each one. */
async function listen(opened: Opened[]): Promise<number> {
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    // The gateway opens a stream after awaiting its admission: the request is complete by then.
    setImmediate(() => {
      const released = releaseRequestParser(request, request.socket);
      opened.push({ request, response, released });
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function client(port: number, head: string): { socket: Socket; text: () => string } {
  const socket = connect(port, '127.0.0.1');
  clients.push(socket);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.write(head);
  return { socket, text: () => text };
}

const GET = 'GET /stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n';

describe('sse - request parser release', () => {
  it('sse - frees the parser; the stream still writes, later bytes are dropped, half-close ends it', async () => {
    const opened: Opened[] = [];
    const port = await listen(opened);
    const c = client(port, GET);
    await until(() => opened.length === 1, { timeoutMs: 30_000, what: 'the stream' });
    const { request, response, released } = opened[0]!;
    expect(released).toBe(true);
    expect((request.socket as Socket & { parser: unknown }).parser).toBeNull();

    response.socket!.write('data: one\n\n');
    await until(() => c.text().includes('data: one'), { timeoutMs: 30_000, what: 'the first frame' });
    // A second request (or garbage) on the stream's connection: read and dropped, no parse error.
    c.socket.write('GET /other HTTP/1.1\r\nHost: x\r\n\r\nnot http at all\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    response.socket!.write('data: two\n\n');
    await until(() => c.text().includes('data: two'), { timeoutMs: 30_000, what: 'the second frame' });
    expect(opened).toHaveLength(1);
    expect(c.text()).not.toContain('400 Bad Request');

    const closed = new Promise((resolve) => response.once('close', resolve));
    const ended = new Promise((resolve) => c.socket.once('end', resolve));
    c.socket.end();
    await Promise.all([closed, ended]);
  });

  it('sse - keeps the parser while the request body is still to come', async () => {
    const opened: Opened[] = [];
    const port = await listen(opened);
    client(port, 'POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n');
    await until(() => opened.length === 1, { timeoutMs: 30_000, what: 'the stream' });
    expect(opened[0]!.released).toBe(false);
    expect((opened[0]!.request.socket as Socket & { parser: unknown }).parser).not.toBeNull();
  });

  it('sse - a client that goes away closes the released stream', async () => {
    const opened: Opened[] = [];
    const port = await listen(opened);
    const c = client(port, GET);
    await until(() => opened.length === 1, { timeoutMs: 30_000, what: 'the stream' });
    expect(opened[0]!.released).toBe(true);
    const closed = new Promise((resolve) => opened[0]!.response.once('close', resolve));
    c.socket.destroy();
    await closed;
  });
});

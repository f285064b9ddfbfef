import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import { uuidv7 } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/close-codes.ts';
import { until } from '@tickline/testing';
import { startTestGateway, TEST_COOKIE, type TestGateway } from '../testing/test-gateway.ts';

let t: TestGateway | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await t?.close();
  t = undefined;
});

interface Client {
  ws: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(type: string, from?: number): Promise<any>;
}

async function connect(
  gateway: TestGateway,
  userId = 'u1',
  options: ConstructorParameters<typeof WebSocket>[2] = {},
): Promise<Client> {
  const ws = new WebSocket(gateway.wsUrl, {
    headers: { cookie: `${TEST_COOKIE}=${gateway.ticket(userId)}` },
    ...options,
  });
  sockets.push(ws);
  const messages: any[] = [];
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
    async next(type, from = 0) {
      await until(() => messages.slice(from).some((m) => m.type === type), {
        timeoutMs: 30_000,
        what: `a "${type}" message`,
      });
      return messages.slice(from).find((m) => m.type === type);
    },
  };
}

const publish = (t: TestGateway, channel: string, n: number) => {
  const event = { id: uuidv7(), type: 'test.event', data: { n } };
  t.hub.publish(channel, event);
  return event;
};

describe('ws - subscribe and deliver', () => {
  it('ws - a real ws client subscribes and receives events of its channels only', async () => {
    t = await startTestGateway();
    const c = await connect(t);
    c.send({ type: 'subscribe', channels: ['user:u1', 'market:BTC-USD:trades'], ref: 'r1' });
    expect(await c.next('subscribed')).toMatchObject({
      channels: ['user:u1', 'market:BTC-USD:trades'],
      resumed: false,
      ref: 'r1',
    });
    const a = publish(t, 'user:u1', 1);
    publish(t, 'user:u2', 2);
    const b = publish(t, 'market:BTC-USD:trades', 3);
    await until(() => c.messages.filter((m) => m.type === 'event').length === 2);
    expect(c.messages.filter((m) => m.type === 'event')).toEqual([
      { type: 'event', channel: 'user:u1', id: a.id, event: 'test.event', data: { n: 1 } },
      { type: 'event', channel: 'market:BTC-USD:trades', id: b.id, event: 'test.event', data: { n: 3 } },
    ]);
    c.send({ type: 'unsubscribe', channels: ['user:u1'] });
    await c.next('unsubscribed');
    expect(t.hub.subscriberCount('user:u1')).toBe(0);
    expect(t.hub.subscriberCount('market:BTC-USD:trades')).toBe(1);
  });

  it('ws - ping is answered with pong and the same ref', async () => {
    t = await startTestGateway();
    const c = await connect(t);
    c.send({ type: 'ping', ref: 7 });
    expect(await c.next('pong')).toEqual({ type: 'pong', ref: 7 });
  });

  it('ws - resume with lastEventId replays the gap; a gap older than history gets a reset', async () => {
    t = await startTestGateway({ hub: { history: { maxEvents: 5 } } });
    const old = publish(t, 'user:u1', 0);
    const kept = Array.from({ length: 5 }, (_, n) => publish(t!, 'market:X', n + 1));
    for (let n = 0; n < 10; n++) publish(t, 'user:u1', 100 + n);
    const c = await connect(t);
    c.send({ type: 'subscribe', channels: ['market:X'], lastEventId: old.id });
    expect(await c.next('subscribed')).toMatchObject({ resumed: true, recovered: true, position: old.id });
    await until(() => c.messages.filter((m) => m.type === 'event').length === 5);
    expect(c.messages.filter((m) => m.type === 'event').map((m) => m.id)).toEqual(kept.map((e) => e.id));
    const from = c.messages.length;
    c.send({ type: 'subscribe', channels: ['user:u1'], lastEventId: old.id });
    expect(await c.next('subscribed', from)).toMatchObject({ resumed: true, recovered: false });
    expect(await c.next('reset', from)).toMatchObject({ channels: ['user:u1'], reason: 'history_exceeded' });
  });
});

describe('ws - refusals', () => {
  it("refusals - subscribing to someone else's channel is an RT_FORBIDDEN error and subscribes to nothing", async () => {
    t = await startTestGateway();
    const c = await connect(t);
    c.send({ type: 'subscribe', channels: ['market:X', 'user:u2'], ref: 'x' });
    expect(await c.next('error')).toMatchObject({
      code: 'RT_FORBIDDEN',
      ref: 'x',
      details: { channel: 'user:u2' },
    });
    expect(t.hub.subscriberCount()).toBe(0);
    publish(t, 'user:u2', 1);
    publish(t, 'market:X', 2);
    c.send({ type: 'ping' });
    await c.next('pong');
    expect(c.messages.filter((m) => m.type === 'event')).toEqual([]);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refusals - bad messages get RT_BAD_MESSAGE and the connection stays open', async () => {
    t = await startTestGateway();
    const c = await connect(t);
    c.ws.send('not json');
    c.send({ type: 'subscribe', channels: ['market:X'], sneaky: true });
    c.ws.send(Buffer.from('{}'), { binary: true });
    c.send({ type: 'subscribe', channels: ['bad channel'] });
    await until(() => c.messages.filter((m) => m.type === 'error').length === 4);
    expect(c.messages.map((m) => m.code)).toEqual([
      'RT_BAD_MESSAGE',
      'RT_BAD_MESSAGE',
      'RT_BAD_MESSAGE',
      'RT_INVALID_CHANNEL',
    ]);
    c.send({ type: 'ping' });
    await c.next('pong');
  });

  it('refusals - an upgrade without a credential is 401; a foreign Origin 403; a token in the URL 400', async () => {
    t = await startTestGateway();
    const statusOf = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, { headers });
        sockets.push(ws);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('should not open')));
        ws.on('error', () => {});
      });
    const cookie = `${TEST_COOKIE}=${t.ticket('u1')}`;
    expect(await statusOf(t.wsUrl)).toBe(401);
    expect(await statusOf(t.wsUrl, { cookie: `${TEST_COOKIE}=forged` })).toBe(401);
    expect(await statusOf(t.wsUrl, { cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await statusOf(`${t.wsUrl}?access_token=abc`, { cookie })).toBe(400);
    expect(await statusOf(t.wsUrl.replace('/api/v1/ws', '/elsewhere'), { cookie })).toBe(404);
    expect(t.gateway.stats().ws.connections).toBe(0);
  });
});

describe('ws - liveness and clean-up', () => {
  it('liveness - a peer that does not answer pings is terminated; one that does stays', async () => {
    t = await startTestGateway({ gateway: { pingIntervalMs: 40 } });
    const silent = await connect(t, 'u1', { autoPong: false });
    const healthy = await connect(t, 'u2');
    silent.send({ type: 'subscribe', channels: ['user:u1'] });
    await silent.next('subscribed');
    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated: no close frame
    expect(t.hub.subscriberCount()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    expect(t.gateway.stats().ws.connections).toBe(1);
  });

  it('memory - an open WebSocket keeps no timer of its upgrade (a deadline `ws` cleared); events still flow', async () => {
    t = await startTestGateway();
    // An upgrade deadline as the server arms one; the test reads Node's timer slot to watch it.
    const timers: WeakRef<object>[] = [];
    t.app.server.prependListener('upgrade', (_request: unknown, socket: Socket) => {
      socket.setTimeout(60_000);
      const slot = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'timeout')!;
      timers.push(new WeakRef((socket as unknown as Record<symbol, object>)[slot]!));
    });
    const client = await connect(t);
    client.send({ type: 'subscribe', channels: ['market:X'] });
    await client.next('subscribed');
    expect(timers).toHaveLength(1);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await until(
      () => {
        gc();
        return timers[0]!.deref() === undefined;
      },
      { timeoutMs: 10_000, what: "the upgrade's cleared timer collected" },
    );
    const event = publish(t, 'market:X', 1);
    expect((await client.next('event')).id).toBe(event.id);
  });

  it("memory - an open WebSocket keeps no read of its client's frames (ws's last mask); events still flow", async () => {
    t = await startTestGateway();
    // Every read the server's socket makes, watched through the ArrayBuffer each one comes in.
    const reads: WeakRef<ArrayBuffer>[] = [];
    t.app.server.prependListener('upgrade', (_request: unknown, socket: Socket) => {
      socket.on('data', (chunk: Buffer) => reads.push(new WeakRef(chunk.buffer as ArrayBuffer)));
    });
    const client = await connect(t);
    client.send({ type: 'subscribe', channels: ['market:X'] });
    await client.next('subscribed');
    expect(reads.length).toBeGreaterThan(0);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await until(
      () => {
        gc();
        return reads.every((read) => read.deref() === undefined);
      },
      { timeoutMs: 10_000, what: "the reads of the client's frames collected" },
    );
    const event = publish(t, 'market:X', 1);
    expect((await client.next('event')).id).toBe(event.id);
  });

  it('clean-up - closing the client releases subscriptions and the connection', async () => {
    t = await startTestGateway();
    const clients = await Promise.all([connect(t, 'u1'), connect(t, 'u2')]);
    clients[0].send({ type: 'subscribe', channels: ['user:u1', 'market:X'] });
    clients[1].send({ type: 'subscribe', channels: ['market:X'] });
    await Promise.all(clients.map((c) => c.next('subscribed')));
    expect(t.hub.subscriberCount()).toBe(3);
    for (const c of clients) c.ws.close();
    await until(() => t!.hub.subscriberCount() === 0 && t!.gateway.stats().ws.connections === 0, {
      timeoutMs: 30_000,
      what: 'release',
    });
  });

  it('slow consumers - a client that stops reading is told RT_SLOW_CONSUMER and closed with 4008', async () => {
    t = await startTestGateway({ gateway: { maxBufferedBytes: 64 * 1024 } });
    const c = await connect(t);
    c.send({ type: 'subscribe', channels: ['user:u1'] });
    await c.next('subscribed');
    // Stop reading at the TCP level (the test reaches into ws's socket for that).
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const big = 'x'.repeat(32 * 1024);
    for (let n = 0; n < 2000 && t.gateway.stats().ws.slowConsumerDisconnects === 0; n++) {
      t.hub.publish('user:u1', { id: uuidv7(), type: 'test.event', data: { n, big } });
      if (n % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(t.gateway.stats().ws.slowConsumerDisconnects).toBe(1);
    expect(t.hub.subscriberCount()).toBe(0);
    socket.resume();
    const { code, reason } = await c.closed;
    expect(code).toBe(CloseCode.SlowConsumer);
    expect(reason).toBe('RT_SLOW_CONSUMER');
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', code: 'RT_SLOW_CONSUMER' });
  });

  it('shutdown - closing the app closes sockets with 1001 going away', async () => {
    t = await startTestGateway();
    const c = await connect(t);
    await t.app.close();
    expect((await c.closed).code).toBe(CloseCode.GoingAway);
  });
});

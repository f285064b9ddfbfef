import { EventSource } from 'eventsource';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { uuidv7 } from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '@tickline/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway.ts';

let t: TestGateway | undefined;
const sources: EventSource[] = [];
afterEach(async () => {
  for (const es of sources.splice(0)) es.close();
  await t?.close();
  t = undefined;
});

interface Received {
  type: string;
  id: string;
  data: any;
}

/** An EventSource that records the named events it gets. */
function open(url: string, lastEventId?: string): { es: EventSource; events: Received[] } {
  const es = new EventSource(url, {
    fetch: (input, init) =>
      fetch(
        input,
        lastEventId ? { ...init, headers: { ...init.headers, 'Last-Event-ID': lastEventId } } : init,
      ),
  });
  sources.push(es);
  const events: Received[] = [];
  for (const type of ['subscribed', 'reset', 'error', 'test.event']) {
    es.addEventListener(type, (e) => {
      const m = e as unknown as { data: unknown; lastEventId: string };
      if (typeof m.data === 'string') events.push({ type, id: m.lastEventId, data: JSON.parse(m.data) });
    });
  }
  return { es, events };
}

const publish = (hub: TestGateway['hub'], channel: string, n: number) => {
  const event = { id: uuidv7(), type: 'test.event', data: { n } };
  hub.publish(channel, event);
  return event;
};
const live = (events: Received[]) => events.filter((e) => e.type === 'test.event');

describe('sse - delivery', () => {
  it('sse - a real EventSource receives events with id, type and channel', async () => {
    t = await startTestGateway();
    const { events } = open(t.streamUrl(['user:u1', 'market:BTC-USD:trades']));
    await until(() => events.length === 1, { timeoutMs: 30_000, what: 'subscribed' });
    expect(events[0]).toMatchObject({
      type: 'subscribed',
      data: { channels: ['user:u1', 'market:BTC-USD:trades'], resumed: false },
    });
    const a = publish(t.hub, 'user:u1', 1);
    const b = publish(t.hub, 'market:BTC-USD:trades', 2);
    publish(t.hub, 'user:u2', 3); // someone else's
    await until(() => live(events).length === 2);
    expect(live(events)).toEqual([
      {
        type: 'test.event',
        id: a.id,
        data: { channel: 'user:u1', id: a.id, event: 'test.event', data: { n: 1 } },
      },
      {
        type: 'test.event',
        id: b.id,
        data: { channel: 'market:BTC-USD:trades', id: b.id, event: 'test.event', data: { n: 2 } },
      },
    ]);
    expect(t.gateway.stats().sse).toMatchObject({ connections: 1, messages: 2 });
    const text = await t.metrics.metrics();
    expect(text).toMatch(/tickline_realtime_messages_out_total\{transport="sse"\} 2/);
    expect(text).toMatch(/tickline_realtime_connections\{transport="sse"\} 1/);
  });

  it('sse - keep-alive comments arrive on an idle stream', async () => {
    t = await startTestGateway({ gateway: { keepAliveMs: 40 } });
    const chunks: string[] = [];
    const req = httpRequest(t.streamUrl(['user:u1']), (res) => {
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => chunks.push(chunk));
    });
    req.end();
    try {
      await until(() => chunks.join('').split(':\n\n').length - 1 >= 3, {
        timeoutMs: 30_000,
        what: 'three keep-alive comments',
      });
      expect(chunks.join('')).not.toContain('event: test.event');
    } finally {
      req.destroy();
    }
  });
});

describe('sse - resume', () => {
  it('resume - reconnect with Last-Event-ID after 100 events: all arrive once, in order', async () => {
    t = await startTestGateway();
    const first = open(t.streamUrl(['user:u1']));
    await until(() => first.events.length === 1);
    const seen = publish(t.hub, 'user:u1', 0);
    await until(() => live(first.events).length === 1);
    first.es.close();
    await until(() => t!.hub.subscriberCount() === 0, {
      timeoutMs: 30_000,
      what: 'the first stream to be released',
    });
    const missed = Array.from({ length: 100 }, (_, n) => publish(t!.hub, 'user:u1', n + 1));
    const second = open(t.streamUrl(['user:u1']), first.events.at(-1)!.id);
    await until(() => live(second.events).length >= 100);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing extra trickles in
    expect(second.events[0]).toMatchObject({
      type: 'subscribed',
      id: seen.id,
      data: { resumed: true, recovered: true },
    });
    expect(live(second.events).map((e) => e.id)).toEqual(missed.map((e) => e.id));
    expect(t.gateway.stats().resumeHits).toBe(1);
  });

  it('resume - EventSource reconnects by itself after a server-side drop and misses nothing', async () => {
    t = await startTestGateway();
    const { events } = open(t.streamUrl(['user:u1']));
    await until(() => events.length === 1);
    publish(t.hub, 'user:u1', 0);
    await until(() => live(events).length === 1);
    expect(t.gateway.disconnect((user) => user.id === 'u1')).toBe(1);
    const missed = Array.from({ length: 100 }, (_, n) => publish(t!.hub, 'user:u1', n + 1));
    await until(() => live(events).length === 101, { timeoutMs: 10_000, what: 'the automatic reconnect' });
    expect(events.filter((e) => e.type === 'error').map((e) => e.data.code)).toEqual(['RT_SESSION_EXPIRED']);
    expect(
      live(events)
        .slice(1)
        .map((e) => e.id),
    ).toEqual(missed.map((e) => e.id));
  });

  it('resume - the lastEventId query parameter works for clients that cannot set headers', async () => {
    t = await startTestGateway();
    const before = publish(t.hub, 'user:u1', 0);
    const after = publish(t.hub, 'user:u1', 1);
    const { events } = open(t.streamUrl(['user:u1'], 'u1', `&lastEventId=${before.id}`));
    await until(() => live(events).length === 1);
    expect(live(events)[0]!.id).toBe(after.id);
  });

  it('resume - a gap older than the history gets an explicit reset event, then live events', async () => {
    t = await startTestGateway({ hub: { history: { maxEvents: 5 } } });
    const old = publish(t.hub, 'user:u1', 0);
    for (let n = 1; n <= 20; n++) publish(t.hub, 'user:u1', n);
    const { events } = open(t.streamUrl(['user:u1', 'market:X']), old.id);
    await until(() => events.length >= 2);
    expect(events[0]).toMatchObject({ type: 'subscribed', data: { resumed: true, recovered: false } });
    expect(events[1]).toMatchObject({
      type: 'reset',
      id: old.id,
      data: { channels: ['user:u1'], reason: 'history_exceeded' },
    });
    const next = publish(t.hub, 'user:u1', 21);
    await until(() => live(events).length === 1);
    expect(live(events)[0]!.id).toBe(next.id);
    expect(t.gateway.stats().resumeMisses).toBe(1);
  });
});

describe('sse - refusals and clean-up', () => {
  it("refusals - someone else's channel is 403, no credential 401, a token in the URL 400, a bad channel 400", async () => {
    t = await startTestGateway();
    const cases: Array<[string, number, string]> = [
      [t.streamUrl(['user:u2']), 403, 'RT_FORBIDDEN'],
      [t.streamUrl(['user:u1', 'admin:game']), 403, 'RT_FORBIDDEN'],
      [`${t.baseUrl}/api/v1/stream?channels=user:u1`, 401, 'RT_UNAUTHENTICATED'],
      [`${t.baseUrl}/api/v1/stream?channels=user:u1&ticket=forged.ticket.x`, 401, 'RT_UNAUTHENTICATED'],
      [t.streamUrl(['user:u1'], 'u1', '&access_token=abc'), 400, 'RT_TOKEN_IN_URL'],
      [t.streamUrl(['user:u1', 'a b']), 400, 'RT_INVALID_CHANNEL'],
    ];
    for (const [url, status, code] of cases) {
      const res = await fetch(url);
      expect(res.status, url).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    expect(t.hub.subscriberCount()).toBe(0);
    expect(t.gateway.stats().sse.connections).toBe(0);
  });

  it('refusals - a failing authenticate or authorize hook is 503 RT_AUTH_UNAVAILABLE, not a crash', async () => {
    t = await startTestGateway({
      gateway: {
        authorize: (_user, channel) => {
          if (channel === 'market:boom') throw new Error('policy store down');
          return true;
        },
      },
    });
    const res = await fetch(t.streamUrl(['market:boom']));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'RT_AUTH_UNAVAILABLE' } });
    await t.close();
    t = await startTestGateway({
      gateway: {
        authenticate: () => {
          throw new Error('session store down');
        },
      },
    });
    const res2 = await fetch(t.streamUrl(['market:x']));
    expect(res2.status).toBe(503);
    expect(t.hub.subscriberCount()).toBe(0);
  });

  it('refusals - a real EventSource reports the 403 and subscribes to nothing', async () => {
    t = await startTestGateway();
    const es = new EventSource(t.streamUrl(['user:u2']));
    sources.push(es);
    const code = await new Promise<number | undefined>((resolve) =>
      es.addEventListener('error', (e) => resolve((e as { code?: number }).code)),
    );
    expect(code).toBe(403);
    expect(t.hub.subscriberCount()).toBe(0);
  });

  it('clean-up - closing the client releases the subscription and the connection', async () => {
    t = await startTestGateway({ gateway: { keepAliveMs: 20 } });
    const streams = [open(t.streamUrl(['user:u1', 'market:X'])), open(t.streamUrl(['market:X'], 'u2'))];
    await until(() => streams.every((s) => s.events.length === 1));
    expect(t.hub.subscriberCount()).toBe(3);
    expect(t.gateway.stats().sse.connections).toBe(2);
    for (const s of streams) s.es.close();
    await until(() => t!.hub.subscriberCount() === 0 && t!.gateway.stats().sse.connections === 0, {
      timeoutMs: 30_000,
      what: 'release',
    });
    expect(t.hub.stats().channels).toBe(0);
  });

  it('memory - an open stream keeps only its socket: its request and response are collected, events still flow', async () => {
    const logged: Array<Record<string, unknown>> = [];
    t = await startTestGateway({ logStream: { write: (line) => logged.push(JSON.parse(line)) } });
    const held: WeakRef<object>[] = [];
    // The same request and response objects Fastify's route gets.
    t.app.server.on('request', (request: object, response: object) =>
      held.push(new WeakRef(request), new WeakRef(response)),
    );
    const { es, events } = open(t.streamUrl(['user:u1']));
    await until(() => events.length === 1, { timeoutMs: 30_000, what: 'the stream' });
    expect(held).toHaveLength(2);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await until(
      () => {
        gc();
        return held.every((ref) => ref.deref() === undefined);
      },
      { timeoutMs: 10_000, what: 'the request and response collected' },
    );
    const sent = [1, 2, 3].map((n) => publish(t!.hub, 'user:u1', n));
    await until(() => live(events).length === 3, { timeoutMs: 30_000, what: 'events after the collection' });
    expect(live(events).map((e) => e.id)).toEqual(sent.map((e) => e.id));
    es.close();
    await until(() => t!.gateway.stats().sse.connections === 0, { timeoutMs: 30_000, what: 'release' });
    // Its end is logged as a request's (the app's response hooks never see it), without the query.
    await until(() => logged.some((line) => line.msg === 'request completed'), { what: 'the access log' });
    expect(logged.find((line) => line.msg === 'request completed')).toMatchObject({
      reqId: expect.stringMatching(/^req-/),
      method: 'GET',
      url: '/api/v1/stream',
      statusCode: 200,
    });
  });

  it('slow consumers - a client that stops reading is told RT_SLOW_CONSUMER and disconnected', async () => {
    t = await startTestGateway({ gateway: { maxBufferedBytes: 64 * 1024, closeGraceMs: 60_000 } });
    const url = new URL(t.streamUrl(['user:u1']));
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    socket.pause(); // never reads: kernel buffers fill, then the gateway's bound
    await until(() => t!.hub.subscriberCount() === 1);
    const big = 'x'.repeat(32 * 1024);
    for (let n = 0; n < 2000 && t.gateway.stats().sse.slowConsumerDisconnects === 0; n++) {
      t.hub.publish('user:u1', { id: uuidv7(), type: 'test.event', data: { n, big } });
      if (n % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1)); // let the socket flush to the kernel
    }
    expect(t.gateway.stats().sse.slowConsumerDisconnects).toBe(1);
    expect(t.hub.subscriberCount()).toBe(0);
    // The client, reading again, finds the reason at the end of the stream.
    let tail = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (tail = (tail + chunk).slice(-4096)));
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve));
    expect(tail).toContain('event: error\ndata: {"code":"RT_SLOW_CONSUMER"');
    socket.destroy();
  });

  it('shutdown - closing the app ends open streams with RT_SHUTTING_DOWN', async () => {
    t = await startTestGateway();
    const { es, events } = open(t.streamUrl(['user:u1']));
    await until(() => events.length === 1);
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await until(() => events.some((e) => e.type === 'error'));
    expect(events.find((e) => e.type === 'error')!.data.code).toBe('RT_SHUTTING_DOWN');
    es.close();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSseTransport, type EventSourceMessage } from './sse-transport.ts';
import type { ConnectRequest, EndedInfo, TransportHandlers } from './transport.ts';
import { createWsTransport } from './ws-transport.ts';

afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const log: Array<[string, unknown]> = [];
  const ended: EndedInfo[] = [];
  const handlers: TransportHandlers = {
    opened: (info) => log.push(['opened', info]),
    event: (event) => log.push(['event', event]),
    reset: (reset) => log.push(['reset', reset]),
    ended: (info) => ended.push(info),
  };
  return { log, ended, handlers };
}

const request = (overrides: Partial<ConnectRequest> = {}): ConnectRequest => ({
  ticket: 'tk',
  channels: ['user:u1', 'market:BTC-USD:trades'],
  lastEventId: undefined,
  types: new Set(['a.happened']),
  ...overrides,
});

class FakeEventSource {
  static last: FakeEventSource;
  readonly listeners = new Map<string, Array<(event: EventSourceMessage) => void>>();
  closed = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (event: EventSourceMessage) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  dispatch(type: string, event: EventSourceMessage): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

describe('transports - sse', () => {
  const connect = (overrides?: Partial<ConnectRequest>) => {
    const r = recorder();
    const transport = createSseTransport({
      EventSource: FakeEventSource,
      streamUrl: 'http://h/api/v1/stream',
    });
    const connection = transport(request(overrides), r.handlers);
    return { ...r, connection, es: FakeEventSource.last };
  };

  it('sse - the URL carries channels, ticket and resume id; listeners exist for the app types only once', () => {
    const { es, connection } = connect({ lastEventId: 'e7' });
    const url = new URL(es.url);
    expect(url.pathname).toBe('/api/v1/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      channels: 'user:u1,market:BTC-USD:trades',
      ticket: 'tk',
      lastEventId: 'e7',
    });
    connection.listen(['a.happened', 'b.happened', 'reset']);
    expect([...es.listeners.keys()].sort()).toEqual([
      'a.happened',
      'b.happened',
      'error',
      'reset',
      'subscribed',
    ]);
    expect(es.listeners.get('a.happened')).toHaveLength(1);
  });

  it('sse - subscribed, events and reset are decoded from the frames', () => {
    const { es, log } = connect();
    es.dispatch('subscribed', {
      data: '{"channels":["user:u1"],"resumed":true,"recovered":false}',
      lastEventId: 'p1',
    });
    es.dispatch('a.happened', {
      data: '{"channel":"user:u1","id":"e1","event":"a.happened","data":{"n":1}}',
    });
    es.dispatch('reset', { data: '{"channels":["user:u1"],"reason":"history_exceeded"}', lastEventId: 'p1' });
    expect(log).toEqual([
      ['opened', { position: 'p1', resumed: true, recovered: false }],
      ['event', { id: 'e1', type: 'a.happened', channel: 'user:u1', data: { n: 1 } }],
      ['reset', { channels: ['user:u1'], reason: 'history_exceeded' }],
    ]);
  });

  it('sse - a slow-consumer error frame, then the end of the stream: reconnect, with that code', () => {
    const { es, ended } = connect();
    es.dispatch('error', { data: '{"code":"RT_SLOW_CONSUMER","message":"too slow"}' });
    expect(ended).toEqual([]);
    es.dispatch('error', {});
    expect(es.closed).toBe(true);
    expect(ended).toEqual([{ retry: true, error: expect.objectContaining({ code: 'RT_SLOW_CONSUMER' }) }]);
  });

  it('sse - refused statuses end for good; a 401 or a dropped connection is retried with a new ticket', () => {
    const refused = connect();
    refused.es.dispatch('error', { code: 403, message: 'Forbidden' });
    expect(refused.ended).toEqual([
      { retry: false, error: expect.objectContaining({ code: 'CLIENT_STREAM_REFUSED', status: 403 }) },
    ]);
    const expired = connect();
    expired.es.dispatch('error', { code: 401 });
    expect(expired.ended[0]).toMatchObject({
      retry: true,
      error: { code: 'CLIENT_NETWORK_ERROR', status: 401 },
    });
    const dropped = connect();
    dropped.es.dispatch('error', {});
    dropped.es.dispatch('error', {}); // EventSource may report twice; `ended` is called once
    expect(dropped.ended).toEqual([
      { retry: true, error: expect.objectContaining({ code: 'CLIENT_NETWORK_ERROR' }) },
    ]);
    expect(dropped.es.closed).toBe(true);
  });

  it('sse - close() by the app never reports an end', () => {
    const { es, ended, connection } = connect();
    connection.close();
    es.dispatch('error', {});
    expect(es.closed).toBe(true);
    expect(ended).toEqual([]);
  });
});

class FakeWebSocket {
  static last: FakeWebSocket;
  readyState = 0;
  readonly sent: unknown[] = [];
  readonly closes: Array<number | undefined> = [];
  readonly listeners = new Map<string, Array<(event: any) => void>>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeWebSocket.last = this;
  }
  addEventListener(type: string, listener: (event: any) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closes.push(code);
  }
  fire(type: string, event: unknown = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  receive(message: unknown): void {
    this.fire('message', { data: JSON.stringify(message) });
  }
}

describe('transports - ws', () => {
  const connect = (overrides?: Partial<ConnectRequest>, pingIntervalMs = 1_000) => {
    const r = recorder();
    const transport = createWsTransport({
      WebSocket: FakeWebSocket,
      wsUrl: 'ws://h/api/v1/ws',
      pingIntervalMs,
    });
    const connection = transport(request(overrides), r.handlers);
    return { ...r, connection, ws: FakeWebSocket.last };
  };

  it('ws - the ticket goes in the URL, the resume id in the subscribe message', () => {
    const { ws, log } = connect({ lastEventId: 'e7' });
    expect(ws.url).toBe('ws://h/api/v1/ws?ticket=tk');
    ws.fire('open');
    expect(ws.sent).toEqual([
      { type: 'subscribe', channels: ['user:u1', 'market:BTC-USD:trades'], lastEventId: 'e7', ref: 'sub' },
    ]);
    ws.receive({
      type: 'subscribed',
      channels: ['user:u1'],
      resumed: true,
      recovered: true,
      position: 'e7',
      ref: 'sub',
    });
    ws.receive({ type: 'event', channel: 'user:u1', id: 'e8', event: 'b.happened', data: 1 });
    ws.receive({
      type: 'reset',
      channels: ['market:BTC-USD:trades'],
      reason: 'history_exceeded',
      position: 'e7',
    });
    expect(log).toEqual([
      ['opened', { position: 'e7', resumed: true, recovered: true }],
      ['event', { id: 'e8', type: 'b.happened', channel: 'user:u1', data: 1 }],
      ['reset', { channels: ['market:BTC-USD:trades'], reason: 'history_exceeded' }],
    ]);
  });

  it('ws - a refused subscribe ends for good with the gateway code', () => {
    const { ws, ended } = connect();
    ws.fire('open');
    ws.receive({
      type: 'error',
      code: 'RT_FORBIDDEN',
      message: 'no',
      details: { channel: 'user:u2' },
      ref: 'sub',
    });
    expect(ended).toEqual([
      {
        retry: false,
        error: expect.objectContaining({ code: 'RT_FORBIDDEN', details: { channel: 'user:u2' } }),
      },
    ]);
    expect(ws.closes).toEqual([1000]);
    ws.fire('close', { code: 1000, reason: '' });
    expect(ended).toHaveLength(1);
  });

  it('ws - close codes decide: slow consumer and going away reconnect, unauthenticated does not', () => {
    const slow = connect();
    slow.ws.fire('open');
    slow.ws.receive({ type: 'error', code: 'RT_SLOW_CONSUMER', message: 'too slow' });
    slow.ws.fire('close', { code: 4008, reason: 'RT_SLOW_CONSUMER' });
    expect(slow.ended).toEqual([
      { retry: true, error: expect.objectContaining({ code: 'RT_SLOW_CONSUMER' }) },
    ]);

    const cases: Array<[number, boolean]> = [
      [1001, true],
      [1006, true],
      [4001, true],
      [4013, true],
      [4501, false],
      [1000, false],
    ];
    for (const [code, retry] of cases) {
      const c = connect();
      c.ws.fire('close', { code, reason: '' });
      expect(c.ended[0]?.retry, String(code)).toBe(retry);
      if (!retry)
        expect(c.ended[0]?.error).toMatchObject({
          code: 'CLIENT_STREAM_REFUSED',
          details: { closeCode: code },
        });
    }
  });

  it('ws - pings keep a quiet connection; one that stops answering is dropped and reconnected', () => {
    vi.useFakeTimers();
    const { ws, ended } = connect(undefined, 100);
    ws.fire('open');
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(100);
      ws.receive({ type: 'pong' });
    }
    expect(ws.sent.filter((m) => (m as { type: string }).type === 'ping')).toHaveLength(5);
    expect(ended).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(ended).toEqual([
      {
        retry: true,
        error: expect.objectContaining({
          code: 'CLIENT_NETWORK_ERROR',
          message: 'the WebSocket stopped answering pings',
        }),
      },
    ]);
    expect(ws.closes).toHaveLength(1);
  });

  it('ws - close() by the app sends a normal close and never reports an end', () => {
    const { ws, ended, connection } = connect();
    ws.fire('open');
    connection.close();
    ws.fire('close', { code: 1000, reason: '' });
    expect(ws.closes).toEqual([1000]);
    expect(ended).toEqual([]);
  });
});

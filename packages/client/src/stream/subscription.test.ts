import { afterEach, describe, expect, it } from 'vitest';
import { TicklineApiError } from '../errors.ts';
import type { StreamEvent, StreamReset } from '@tickline/protocol';
import { resolveReconnectOptions, type ReconnectOptions } from './backoff.ts';
import { ResumableSubscription, type StatusChange } from './subscription.ts';
import type { ConnectRequest, TransportHandlers } from './transport.ts';

interface FakeConnection {
  request: ConnectRequest;
  handlers: TransportHandlers;
  closed: boolean;
  listened: string[];
}

const subscriptions: ResumableSubscription[] = [];
afterEach(() => {
  for (const s of subscriptions.splice(0)) s.close();
});

function setup(
  options: {
    reconnect?: ReconnectOptions;
    types?: string[];
    lastEventId?: string;
    getTicket?: () => Promise<string>;
  } = {},
) {
  const connections: FakeConnection[] = [];
  const events: StreamEvent[] = [];
  const statuses: StatusChange[] = [];
  const resets: StreamReset[] = [];
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((w) => w());
  let tickets = 0;
  const subscription = new ResumableSubscription({
    channels: ['user:u1'],
    transport: (request, handlers) => {
      const connection: FakeConnection = { request, handlers, closed: false, listened: [] };
      connections.push(connection);
      notify();
      return {
        close: () => void (connection.closed = true),
        listen: (types) => void connection.listened.push(...types),
      };
    },
    getTicket: options.getTicket ?? (async () => `ticket-${++tickets}`),
    reconnect: resolveReconnectOptions({ initialDelayMs: 4, maxDelayMs: 64, ...options.reconnect }),
    lastEventId: options.lastEventId,
    types: options.types ?? [],
    dedupeWindow: 100,
    random: () => 1,
    onEvent: (event) => events.push(event),
    onStatus: (change) => {
      statuses.push(change);
      notify();
    },
    onReset: (reset) => resets.push(reset),
  });
  subscriptions.push(subscription);
  /** Resolves once `check()` holds (re-checked on every connection and status change). */
  const when = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const connection = async (n: number) => {
    await when(() => connections.length >= n);
    return connections[n - 1]!;
  };
  subscription.start();
  return { subscription, connections, events, statuses, resets, when, connection };
}

const event = (id: string, type = 'test.event'): StreamEvent => ({
  id,
  type,
  channel: 'user:u1',
  data: { id },
});
const opened = (position: string, resumed = false) => ({ position, resumed, recovered: resumed });
const network = new TicklineApiError('CLIENT_NETWORK_ERROR', 'dropped');

describe('stream - subscription', () => {
  it('stream - a fresh ticket per connect, resume from the last event id, duplicates dropped', async () => {
    const t = setup();
    const first = await t.connection(1);
    expect(first.request).toMatchObject({
      ticket: 'ticket-1',
      lastEventId: undefined,
      channels: ['user:u1'],
    });
    first.handlers.opened(opened('p0'));
    first.handlers.event(event('e1'));
    first.handlers.event(event('e2'));
    first.handlers.ended({ retry: true, error: network });

    const second = await t.connection(2);
    expect(second.request).toMatchObject({ ticket: 'ticket-2', lastEventId: 'e2' });
    second.handlers.opened(opened('e2', true));
    // A replay that overlaps what was already seen (e.g. resumed through another gateway).
    second.handlers.event(event('e1'));
    second.handlers.event(event('e2'));
    second.handlers.event(event('e3'));
    expect(t.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(t.subscription.lastEventId).toBe('e3');
    expect(t.statuses.map((s) => s.status)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(t.statuses[2]).toMatchObject({ attempt: 1, error: network, delayMs: 4 });
  });

  it('stream - with no event yet, the next connect resumes from the position the server gave', async () => {
    const t = setup();
    (await t.connection(1)).handlers.opened(opened('p-newest'));
    t.connections[0]!.handlers.ended({ retry: true });
    expect((await t.connection(2)).request.lastEventId).toBe('p-newest');
  });

  it('stream - a lastEventId option is used on the first connect', async () => {
    const t = setup({ lastEventId: 'kept-from-last-page' });
    expect((await t.connection(1)).request.lastEventId).toBe('kept-from-last-page');
  });

  it('stream - delays double up to the ceiling and start over after an open', async () => {
    const t = setup({ reconnect: { initialDelayMs: 2, maxDelayMs: 8 } });
    for (let n = 1; n <= 4; n++) (await t.connection(n)).handlers.ended({ retry: true });
    const fifth = await t.connection(5);
    fifth.handlers.opened(opened('p'));
    fifth.handlers.ended({ retry: true });
    await t.connection(6);
    const delays = t.statuses.filter((s) => s.status === 'reconnecting').map((s) => [s.attempt, s.delayMs]);
    expect(delays).toEqual([
      [1, 2],
      [2, 4],
      [3, 8],
      [4, 8],
      [1, 2],
    ]);
  });

  it('stream - a reset reaches the app and events keep flowing', async () => {
    const t = setup();
    const first = await t.connection(1);
    first.handlers.opened(opened('old', true));
    first.handlers.reset({ channels: ['user:u1'], reason: 'history_exceeded' });
    first.handlers.event(event('e9'));
    expect(t.resets).toEqual([{ channels: ['user:u1'], reason: 'history_exceeded' }]);
    expect(t.events.map((e) => e.id)).toEqual(['e9']);
  });

  it('stream - a refused subscription closes with the error and never reconnects', async () => {
    const t = setup();
    const refused = new TicklineApiError('RT_FORBIDDEN', 'not yours');
    (await t.connection(1)).handlers.ended({ retry: false, error: refused });
    expect(t.statuses.at(-1)).toEqual({ status: 'closed', attempt: 0, error: refused });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.connections).toHaveLength(1);
  });

  it('stream - ticket failures: network errors are retried, a refused credential closes', async () => {
    let calls = 0;
    const t = setup({
      getTicket: async () => {
        calls++;
        if (calls === 1) throw new TicklineApiError('CLIENT_NETWORK_ERROR', 'offline');
        if (calls === 2) throw new TicklineApiError('HTTP_INTERNAL', 'oops', { status: 503 });
        throw new TicklineApiError('AUTH_REFRESH_TOKEN_REUSED', 'revoked', { status: 401 });
      },
    });
    await t.when(() => t.subscription.status === 'closed');
    expect(calls).toBe(3);
    expect(t.statuses.map((s) => s.status)).toEqual(['connecting', 'reconnecting', 'reconnecting', 'closed']);
    expect(t.statuses.at(-1)!.error!.code).toBe('AUTH_REFRESH_TOKEN_REUSED');
    expect(t.connections).toHaveLength(0);
  });

  it('stream - close() ends the connection, cancels a pending reconnect and silences late callbacks', async () => {
    const t = setup({ reconnect: { initialDelayMs: 30 } });
    const first = await t.connection(1);
    first.handlers.opened(opened('p'));
    first.handlers.ended({ retry: true });
    expect(t.subscription.status).toBe('reconnecting');
    t.subscription.close();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(t.connections).toHaveLength(1);
    first.handlers.event(event('late'));
    expect(t.events).toEqual([]);
    expect(t.statuses.at(-1)).toMatchObject({ status: 'closed' });
    expect(t.statuses.at(-1)!.error).toBeUndefined();
  });

  it('stream - only the listed types reach the app; addTypes reaches the open connection', async () => {
    const t = setup({ types: ['a.happened'] });
    const first = await t.connection(1);
    expect([...first.request.types]).toEqual(['a.happened']);
    first.handlers.opened(opened('p'));
    first.handlers.event(event('e1', 'a.happened'));
    first.handlers.event(event('e2', 'b.happened'));
    t.subscription.addTypes(['b.happened', 'a.happened']);
    expect(first.listened).toEqual(['b.happened']);
    first.handlers.event(event('e3', 'b.happened'));
    expect(t.events.map((e) => e.id)).toEqual(['e1', 'e3']);
    // An unlisted event still moves the resume position.
    expect(t.subscription.lastEventId).toBe('e3');
  });

  it('stream - maxAttempts gives up with the last error', async () => {
    const t = setup({ reconnect: { maxAttempts: 2 } });
    for (let n = 1; n <= 3; n++) (await t.connection(n)).handlers.ended({ retry: true, error: network });
    expect(t.statuses.at(-1)).toEqual({ status: 'closed', attempt: 3, error: network });
  });

  it('stream - callbacks of an abandoned connection are ignored', async () => {
    const t = setup();
    const first = await t.connection(1);
    first.handlers.ended({ retry: true });
    const second = await t.connection(2);
    first.handlers.event(event('ghost'));
    first.handlers.ended({ retry: false });
    second.handlers.opened(opened('p'));
    expect(t.events).toEqual([]);
    expect(t.subscription.status).toBe('open');
  });
});

import { until as untilShared } from '@tickline/testing';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { createTicklineClient, type TicklineClient } from './client.ts';
import { isTicklineApiError } from './errors.ts';
import type { StatusChange, Subscription } from './stream/subscription.ts';
import type { TransportKind } from './stream/transport.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from './testing/test-server.ts';
import type { StreamEvent, StreamReset } from '@tickline/protocol';

let server: TestServer | undefined;
const subscriptions: Subscription[] = [];
afterEach(async () => {
  for (const s of subscriptions.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

let counter = 0;
const newEmail = () => `sdk${++counter}-${Date.now()}@example.com`;

function newClient(baseUrl: string): TicklineClient {
  return createTicklineClient({
    baseUrl,
    eventSource: EventSource,
    reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
  });
}

/** Waits for `check`, bounded generously: reconnects and resumes are slow on a busy machine. */
async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  await untilShared(check, { timeoutMs, what });
}

/** Signs a new user up and subscribes to their `user:` channel, recording everything. */
async function subscribed(t: TestServer, transport: TransportKind, channels?: (userId: string) => string[]) {
  const client = newClient(t.baseUrl);
  const { user } = await client.auth.signUp({ email: newEmail(), password: TEST_PASSWORD });
  const events: StreamEvent[] = [];
  const statuses: StatusChange[] = [];
  const resets: StreamReset[] = [];
  const subscription = client.subscribe(channels?.(user.id) ?? [`user:${user.id}`], {
    transport,
    types: ['test.event'],
    onEvent: (event) => events.push(event),
    onStatus: (change) => statuses.push(change),
    onReset: (reset) => resets.push(reset),
  });
  subscriptions.push(subscription);
  return { client, user, channel: `user:${user.id}`, subscription, events, statuses, resets };
}

describe('sdk - identity over HTTP', () => {
  it('sdk - sign up, sign in, me, API keys and sign-out against the real routes', async () => {
    server = await startTestServer();
    const client = newClient(server.baseUrl);
    const email = newEmail();
    const signedUp = await client.auth.signUp({ email, password: TEST_PASSWORD, displayName: 'Ada' });
    expect(signedUp).toMatchObject({
      status: 'signed_in',
      user: { email, displayName: 'Ada', role: 'user' },
    });
    expect(await client.me.get()).toMatchObject({ id: signedUp.user.id, email });

    const other = newClient(server.baseUrl);
    const signedIn = await other.auth.signIn({ email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe('signed_in');
    const created = await other.apiKeys.create({ name: 'bot', scopes: ['market:read'] });
    expect(created.key).toMatch(/^tkl_live_/);
    expect((await other.apiKeys.list()).map((k) => k.id)).toEqual([created.apiKey.id]);

    const bot = createTicklineClient({ baseUrl: server.baseUrl, apiKey: created.key });
    expect((await bot.me.get()).id).toBe(signedUp.user.id);
    await other.apiKeys.revoke(created.apiKey.id);
    await expect(bot.me.get()).rejects.toMatchObject({ code: 'AUTH_API_KEY_REVOKED', status: 401 });

    await other.auth.refresh();
    await other.auth.signOut();
    await expect(other.me.get()).rejects.toMatchObject({ code: 'CLIENT_NOT_SIGNED_IN' });
    await expect(client.auth.signIn({ email, password: 'wrong password!!' })).rejects.toMatchObject({
      code: 'AUTH_INVALID_CREDENTIALS',
      status: 401,
    });
  });
});

describe.each(['sse', 'ws'] as const)('sdk - %s subscriptions', (transport) => {
  it(`sdk - ${transport}: hub events arrive; a cut connection resumes with all 100 missed events once, in order`, async () => {
    const t = (server = await startTestServer());
    const s = await subscribed(t, transport);
    await until(() => s.subscription.status === 'open', 'open');
    const before = t.publish(s.channel, 5);
    t.publish(`user:someone-else`, 3);
    await until(() => s.events.length === 5, 'the first 5 events');
    expect(s.events[0]).toMatchObject({
      id: before[0],
      type: 'test.event',
      channel: s.channel,
      data: { n: 0 },
    });

    expect(t.cutConnections()).toBeGreaterThan(0);
    await until(() => s.subscription.status === 'reconnecting', 'reconnecting');
    const missed = t.publish(s.channel, 100);
    await until(() => s.events.length >= 105, 'the 100 missed events');
    const after = t.publish(s.channel, 2);
    await until(() => s.events.length >= 107, 'live events after the resume');

    expect(s.events.map((e) => e.id)).toEqual([...before, ...missed, ...after]);
    expect(s.events.map((e) => (e.data as { n: number }).n)).toEqual([
      0,
      1,
      2,
      3,
      4,
      ...Array.from({ length: 100 }, (_, n) => n),
      0,
      1,
    ]);
    expect(s.resets).toEqual([]);
    expect(s.statuses.map((c) => c.status)).toEqual(
      expect.arrayContaining(['connecting', 'open', 'reconnecting']),
    );
    expect(s.statuses.at(-1)!.status).toBe('open');
  });

  it(`sdk - ${transport}: a gap longer than the history is surfaced as a reset, then events continue`, async () => {
    const t = (server = await startTestServer({ hub: { history: { maxEvents: 10 } } }));
    const s = await subscribed(t, transport);
    await until(() => s.subscription.status === 'open', 'open');
    t.publish(s.channel, 1);
    await until(() => s.events.length === 1, 'first event');

    t.cutConnections();
    await until(() => s.subscription.status === 'reconnecting', 'reconnecting');
    t.publish(s.channel, 50);
    await until(() => s.resets.length === 1, 'reset');
    expect(s.resets[0]).toEqual({ channels: [s.channel], reason: 'history_exceeded' });
    const live = t.publish(s.channel, 1);
    await until(() => s.events.some((e) => e.id === live[0]), 'a live event after the reset');
  });

  it(`sdk - ${transport}: someone else's channel is refused and the subscription closes without retrying`, async () => {
    const t = (server = await startTestServer());
    const s = await subscribed(t, transport, () => ['user:not-me']);
    await until(() => s.subscription.status === 'closed', 'closed');
    const error = s.statuses.at(-1)!.error;
    expect(isTicklineApiError(error)).toBe(true);
    // WebSocket carries the gateway's code; EventSource only sees the HTTP status.
    if (transport === 'ws') expect(error).toMatchObject({ code: 'RT_FORBIDDEN' });
    else expect(error).toMatchObject({ code: 'CLIENT_STREAM_REFUSED', status: 403 });
    expect(s.statuses.filter((c) => c.status === 'reconnecting')).toEqual([]);
  });

  it(`sdk - ${transport}: signing out closes the subscription with CLIENT_SIGNED_OUT`, async () => {
    const t = (server = await startTestServer());
    const s = await subscribed(t, transport);
    await until(() => s.subscription.status === 'open', 'open');
    await s.client.auth.signOut();
    expect(s.subscription.status).toBe('closed');
    expect(s.statuses.at(-1)!.error).toMatchObject({ code: 'CLIENT_SIGNED_OUT' });
    await until(() => t.gateway.stats()[transport].connections === 0, 'the server side to close');
  });
});

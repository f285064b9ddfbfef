/**
 * Stream limits as the process wires them (identity and realtime modules over PGlite, the embedded
 * log): a user holds at most their tier's `maxStreamConnections` streams — one more is refused
 * with RT_USER_CONNECTION_LIMIT and counted — and a ticket minted with an API key carries the
 * key's scopes, not its owner's role: on `user:{id}` it receives only the events whose data REST
 * would show the same key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityModule } from '@tickline/identity';
import { createMetricsRegistry, silentLogger, uuidv7, type Registry } from '@tickline/kernel';
import { realtimeModule, type RealtimeHost } from '@tickline/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { callJson, openEventSource, TEST_PASSWORD, type StreamClient } from '../testing/api-clients.ts';

const MAX_STREAMS = 2;
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-stream-limits-'));
let running: RunningProcess;
let metrics: Registry;
let base: string;
const opened: StreamClient[] = [];

beforeAll(async () => {
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_AUTH_TIERS_FREE_MAX_STREAM_CONNECTIONS: String(MAX_STREAMS),
      TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
    },
  });
  metrics = createMetricsRegistry({ processMetrics: false });
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics,
    handleSignals: false,
    modules: [identityModule, realtimeModule],
  });
  base = running.url!;
}, 120_000);
afterAll(async () => {
  for (const stream of opened) stream.close();
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signUp(email: string): Promise<{ userId: string; accessToken: string }> {
  const response = await callJson(base, 'POST', '/api/v1/auth/sign-up', {
    body: { email, password: TEST_PASSWORD },
  });
  expect(response.status).toBe(201);
  return { userId: response.body.user.id, accessToken: response.body.tokens.accessToken };
}

async function ticket(credential: { bearer: string } | { apiKey: string }): Promise<string> {
  const response = await fetch(`${base}/api/v1/stream/tickets`, {
    method: 'POST',
    headers:
      'bearer' in credential
        ? { authorization: `Bearer ${credential.bearer}` }
        : { 'x-api-key': credential.apiKey },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { ticket: string }).ticket;
}

function stream(channels: string[], streamTicket: string): StreamClient {
  const client = openEventSource(base, { channels, types: [], ticket: streamTicket });
  opened.push(client);
  return client;
}

describe('stream limits', () => {
  it('limit - the tier’s maxStreamConnections streams open; one more is refused with 429 and counted', async () => {
    const user = await signUp('streams@example.com');
    const channels = [`user:${user.userId}`];
    const first = stream(channels, await ticket({ bearer: user.accessToken }));
    const second = stream(channels, await ticket({ bearer: user.accessToken }));
    expect(await first.refused).toBe(200);
    expect(await second.refused).toBe(200);
    const third = await fetch(
      `${base}/api/v1/stream?channels=${channels[0]}&ticket=${await ticket({ bearer: user.accessToken })}`,
    );
    expect(third.status).toBe(429);
    expect(await third.json()).toMatchObject({ error: { code: 'RT_USER_CONNECTION_LIMIT' } });
    expect(await metrics.metrics()).toMatch(
      /tickline_realtime_principal_refusals_total\{reason="user_limit"\} 1/,
    );
    // Closing one frees its slot.
    first.close();
    await expect
      .poll(
        async () =>
          await fetch(
            `${base}/api/v1/stream?channels=${channels[0]}&ticket=${await ticket({ bearer: user.accessToken })}`,
            {
              signal: AbortSignal.timeout(2_000),
            },
          ).then(
            (r) => r.status,
            () => 200, // the stream opened and stayed open until the abort
          ),
        { timeout: 20_000, interval: 500 },
      )
      .toBe(200);
  });

  it('scopes - a ticket minted with a stream:read key reads the user channel but not market channels', async () => {
    const user = await signUp('keyed@example.com');
    const created = await callJson(base, 'POST', '/api/v1/api-keys', {
      body: { name: 'stream-only', scopes: ['stream:read'] },
      bearer: user.accessToken,
    });
    expect(created.status).toBe(201);
    const keyed = await ticket({ apiKey: created.body.key as string });
    const market = await fetch(`${base}/api/v1/stream?channels=market:BTC-USDT:trades&ticket=${keyed}`);
    expect(market.status).toBe(403);
    const own = stream([`user:${user.userId}`], keyed);
    expect(await own.refused).toBe(200);
    // The same user signed in (no key) reads the market.
    const signedIn = stream(['market:BTC-USDT:trades'], await ticket({ bearer: user.accessToken }));
    expect(await signedIn.refused).toBe(200);
  });

  it('scopes - on user:{id} a key receives only the events REST would show it: orders, fills and the inbox need their scopes', async () => {
    const user = await signUp('scoped-events@example.com');
    const keyOf = async (name: string, scopes: string[]) => {
      const created = await callJson(base, 'POST', '/api/v1/api-keys', {
        body: { name, scopes },
        bearer: user.accessToken,
      });
      expect(created.status).toBe(201);
      return ticket({ apiKey: created.body.key as string });
    };
    // market:read only to receive the sentinel that closes the test.
    const streamOnly = await keyOf('stream', ['stream:read', 'market:read']);
    const reader = await keyOf('reader', [
      'stream:read',
      'market:read',
      'portfolio:read',
      'notifications:read',
    ]);
    const types = ['order.filled', 'portfolio.order.filled', 'notification.inbox.added', 'market.trade'];
    const channels = [`user:${user.userId}`, 'market:SCOPE-TEST:trades'];
    const narrow = openEventSource(base, { channels, types, ticket: streamOnly });
    const wide = openEventSource(base, { channels, types, ticket: reader });
    opened.push(narrow, wide);
    await narrow.next('subscribed');
    await wide.next('subscribed');
    const { hub } = running.hosts.get('realtime') as RealtimeHost;
    for (const type of types.slice(0, 3))
      hub.publish(`user:${user.userId}`, { id: uuidv7(), type, data: { userId: user.userId } });
    // Published after the user's events: once it arrives, any of them delivered came before it.
    hub.publish('market:SCOPE-TEST:trades', { id: uuidv7(), type: 'market.trade', data: {} });
    await narrow.next('market.trade');
    await wide.next('market.trade');
    const received = (client: StreamClient) =>
      client.events.filter((e) => e.type !== 'subscribed').map((e) => e.type);
    expect(received(narrow)).toEqual(['market.trade']);
    expect(received(wide)).toEqual(types);
  });
});

/**
 * `strategy:{id}:signals` as the process wires it (identity, realtime, strategy and trading over PGlite and
 * the embedded log, real SSE and WebSocket streams): the strategy's owner subscribes and receives
 * its signals; another user — and anyone naming a strategy that does not exist — is refused with
 * realtime's RT_FORBIDDEN, on both transports; an admin may watch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityModule } from '@tickline/identity';
import { createEventSource, silentLogger, createMetricsRegistry, uuidv7 } from '@tickline/kernel';
import { realtimeModule } from '@tickline/realtime';
import { strategyModule } from '@tickline/strategy';
import { accountsModule, StrategySignal, tradingModule } from '@tickline/trading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import {
  callJson,
  initialAdminToken,
  openEventSource,
  openWebSocket,
  signUpAndIn,
  streamTicket,
  type StreamClient,
} from '../testing/api-clients.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-signals-channel-'));
let running: RunningProcess;
let base: string;
const opened: StreamClient[] = [];

beforeAll(async () => {
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
    },
  });
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
    modules: [identityModule, realtimeModule, accountsModule, strategyModule, tradingModule],
  });
  base = running.url!;
}, 120_000);
afterAll(async () => {
  for (const stream of opened) stream.close();
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const SOURCE = 'export default defineStrategy({ onCandle() {} });';

describe('strategy signals channel', () => {
  it('owner only - the owner reads its signals; another user and an unknown id get RT_FORBIDDEN on SSE and WebSocket', async () => {
    const ada = await signUpAndIn(base, 'ada-signals@example.com');
    const bob = await signUpAndIn(base, 'bob-signals@example.com');
    const created = await callJson(base, 'POST', '/api/v1/strategies', {
      body: { name: 'quiet', source: SOURCE, language: 'javascript' },
      bearer: ada.accessToken,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const strategyId = created.body.strategy.id as string;
    const channel = `strategy:${strategyId}:signals`;

    const own = openEventSource(base, {
      channels: [channel],
      types: ['strategy.signal'],
      ticket: await streamTicket(base, ada.accessToken),
    });
    opened.push(own);
    expect(await own.refused).toBe(200);

    for (const [who, name] of [
      [bob, channel],
      [ada, `strategy:${uuidv7()}:signals`],
      [ada, 'strategy:not-a-uuid:signals'],
    ] as const) {
      const refused = await fetch(
        `${base}/api/v1/stream?channels=${encodeURIComponent(name)}&ticket=${await streamTicket(base, who.accessToken)}`,
      );
      expect(refused.status, name).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'RT_FORBIDDEN' } });
    }
    const ws = await openWebSocket(base, { channels: [channel], ticket: await streamTicket(base, bob.accessToken) });
    opened.push(ws);
    const error = await ws.next('error');
    expect(error.data).toMatchObject({ code: 'RT_FORBIDDEN' });
    expect(ws.events.some((e) => e.type === 'subscribed')).toBe(false);

    // An admin may watch any strategy's signals.
    const admin = await initialAdminToken(base, dataDir);
    const watching = openEventSource(base, {
      channels: [channel],
      types: ['strategy.signal'],
      ticket: await streamTicket(base, admin),
    });
    opened.push(watching);
    expect(await watching.refused).toBe(200);

    // A signal of the strategy reaches the owner's stream through the log and the delivery.
    const signal = createEventSource({ source: 'strategy/live' }).create(StrategySignal, {
      subject: strategyId,
      data: {
        strategyId,
        version: 1,
        userId: ada.userId,
        portfolioId: ada.userId,
        candleCloseTime: 60_000,
        clientOrderId: 's-1',
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'market',
        quantity: 1,
        reason: 'test',
      },
    });
    running.publisher.publish(signal);
    const got = await own.next('strategy.signal', 30_000);
    expect(got.channel).toBe(channel);
    expect(got.data).toMatchObject({ strategyId, clientOrderId: 's-1' });
  }, 90_000);
});

/**
 * Scaled mode with real processes: two `gateway` processes and one `platform` process sharing a
 * nats-server (JetStream) and a PostgreSQL database. Sign-up answers while no consumer exists at
 * all (the snapshot is generated only once the platform process starts); the platform's channel
 * relay puts the snapshot on the delivery log under the user's channel, and it reaches the user's
 * streams on BOTH gateways, once each. A ticket minted by one gateway opens a stream on the other
 * (shared auth secret).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createNatsEventLog } from '@tickline/eventlog';
import { createEventSource, encodeEvent } from '@tickline/kernel';
import { MarketTrade } from '@tickline/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callJson,
  initialAdminToken,
  openEventSource,
  openWebSocket,
  signUpAndIn,
  streamTicket,
  type StreamClient,
} from '../testing/api-clients.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const SNAPSHOT = 'account.snapshot.generated';
const { available, reason } = scaledClusterDependencies();
const clients: StreamClient[] = [];
let cluster: ScaledCluster | undefined;
const start = (role: string): Promise<ClusterProcess> => cluster!.start(role);

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'cross_node',
    stream: 'XNODE',
    authSecret: 'cross-node-shared-secret-0123456789abcdef',
  });
});
afterAll(async () => {
  for (const client of clients) client.close();
  const codes = (await cluster?.stop()) ?? [];
  expect(codes.every((code) => code === 0)).toBe(true);
});

describe.skipIf(!available)(`cross-node - two gateways and a platform on one NATS (${reason})`, () => {
  it('cross-node - sign-up never waits for consumers; the snapshot reaches the user on both gateways, and only that user', async () => {
    const [a, b] = await Promise.all([start('gateway'), start('gateway')]);
    const ada = await signUpAndIn(a.url, `ada.${Date.now()}@example.com`);
    const bob = await signUpAndIn(b.url, `bob.${Date.now()}@example.com`);
    // No platform process yet: nothing can have generated the snapshot, and sign-up returned anyway.
    const pending = await callJson(b.url, 'GET', '/api/v1/accounts/me/snapshot', {
      bearer: ada.accessToken,
    });
    expect(pending.body).toEqual({ status: 'pending' });

    const channel = `user:${ada.userId}`;
    const ticketFromA = await streamTicket(a.url, ada.accessToken);
    const adaOnB = openEventSource(b.url, {
      channels: [channel],
      types: [SNAPSHOT],
      ticket: ticketFromA,
      lastEventId: ada.userId,
    });
    const adaOnA = await openWebSocket(a.url, {
      channels: [channel],
      cookie: ada.cookie,
      lastEventId: ada.userId,
    });
    const bobOnA = openEventSource(a.url, {
      channels: [`user:${bob.userId}`],
      types: [SNAPSHOT],
      cookie: bob.cookie,
      lastEventId: bob.userId,
    });
    clients.push(adaOnB, adaOnA, bobOnA);
    await Promise.all([adaOnB.next('subscribed'), adaOnA.next('subscribed'), bobOnA.next('subscribed')]);

    await start('platform');
    const [onB, onA] = await Promise.all([adaOnB.next(SNAPSHOT, 30_000), adaOnA.next(SNAPSHOT, 30_000)]);
    expect(onB.data).toMatchObject({ accountId: ada.userId, cash: '10000.00', positions: [] });
    expect(onA.id).toBe(onB.id);
    expect(onA.data).toEqual(onB.data);
    const bobs = await bobOnA.next(SNAPSHOT, 30_000);
    expect(bobs.data.accountId).toBe(bob.userId);

    for (const [client, userId] of [
      [adaOnB, ada.userId],
      [adaOnA, ada.userId],
      [bobOnA, bob.userId],
    ] as const) {
      expect(client.events.filter((e) => e.type === SNAPSHOT).map((e) => e.data.accountId)).toEqual([userId]);
    }
    const ready = await callJson(a.url, 'GET', '/api/v1/accounts/me/snapshot', { bearer: ada.accessToken });
    expect(ready.body).toEqual({ status: 'ready', snapshot: onA.data });

    // One delivery durable per domain, the platform's channel relay; no gateway reads the main log
    // for delivery (each takes its clients' channels from the delivery log).
    const first = [a, b].find((p) => existsSync(join(p.dataDir, 'secrets', 'initial-admin.txt')))!;
    const admin = await initialAdminToken(first.url, first.dataDir);
    const streams = await callJson(a.url, 'GET', '/api/v1/admin/streams', { bearer: admin });
    const names: string[] = streams.body.consumers.map((c: { name: string }) => c.name);
    expect(names).toContain('realtime-delivery');
    expect(names).toContain('market-delivery');
    expect(names.filter((n) => /-delivery-/.test(n))).toEqual([]);
  });

  it('cross-node - every gateway’s ticker shows the last price, though no client there watches the symbol', async () => {
    const gateways = [await start('gateway'), await start('gateway')];
    const stream = cluster!.env.TICKLINE_EVENTLOG_NATS_STREAM!;
    const log = await createNatsEventLog({
      servers: cluster!.nats.url,
      stream,
      subjectPrefix: `tickline.${stream}`,
    });
    const source = createEventSource({ source: 'collector/test' });
    const symbol = 'XNODE-USD';
    const at = Date.now();
    try {
      // One record at a time, in order; the platform's relay (started above) publishes the ticker.
      for (let i = 1; i <= 20; i++) {
        const trade = source.create(MarketTrade, {
          subject: symbol,
          data: {
            exchange: 'test',
            symbol,
            tradeId: `t-${i}`,
            price: 100 + i,
            size: 1,
            side: 'buy',
            exchangeTime: at + i,
            receivedAt: at + i,
          },
        });
        const [result] = await log.append([
          { id: trade.id, key: trade.partitionkey, type: trade.type, payload: encodeEvent(trade) },
        ]);
        expect(result!.ok).toBe(true);
      }
    } finally {
      await log.close();
    }
    for (const gateway of gateways) {
      await expect
        .poll(
          async () =>
            (await callJson(gateway.url, 'GET', `/api/v1/markets/${symbol}/ticker`)).body?.last?.price,
          { timeout: 20_000, interval: 200 },
        )
        .toBe(120);
    }
  });
});

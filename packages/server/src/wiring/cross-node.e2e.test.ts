/**
 * Scaled mode with real processes: two `gateway` processes and one `platform` process sharing a
 * nats-server (JetStream) and a PostgreSQL database. Sign-up answers while no consumer exists at
 * all (the snapshot is generated only once the platform process starts); the snapshot event is
 * taken by one gateway's realtime-delivery consumer and reaches the user's streams on BOTH
 * gateways — one of them only through the event-log bridge. A ticket minted by one gateway opens
 * a stream on the other (shared auth secret).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDatabase,
  requireBinary,
  requirePostgresBinaries,
  startNatsServer,
  startPostgres,
  type NatsServerHandle,
  type PostgresServerHandle,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callJson,
  openEventSource,
  openWebSocket,
  signUpAndIn,
  streamTicket,
  type StreamClient,
} from '../testing/api-clients.ts';
import { startTicklineServer, type RunningServer } from '../testing/tickline-process.ts';

const SNAPSHOT = 'account.snapshot.generated';
const nats = requireBinary('nats-server', 'nats-server');
const existingPostgres = process.env.TICKLINE_TEST_DATABASE_URL;
const postgresBinaries = existingPostgres
  ? { available: true, reason: undefined }
  : requirePostgresBinaries();
const available = nats.available && postgresBinaries.available;
const reason = nats.reason ?? postgresBinaries.reason ?? 'nats-server and postgres found';

const dirs: string[] = [];
const servers: RunningServer[] = [];
const clients: StreamClient[] = [];
let natsServer: NatsServerHandle | undefined;
let postgres: PostgresServerHandle | undefined;
let shared: Record<string, string>;

function start(role: string): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `tickline-e2e-${role}-`));
  dirs.push(dataDir);
  return startTicklineServer({ ...shared, TICKLINE_ROLE: role, TICKLINE_DATA_DIR: dataDir }).then(
    (server) => {
      servers.push(server);
      return server;
    },
  );
}

beforeAll(async () => {
  if (!available) return;
  natsServer = await startNatsServer();
  let base = existingPostgres;
  if (!base) {
    postgres = await startPostgres();
    base = postgres.url;
  }
  shared = {
    TICKLINE_HTTP_PORT: '0',
    TICKLINE_HTTP_HOST: '127.0.0.1',
    TICKLINE_EVENTLOG_ENGINE: 'nats',
    TICKLINE_EVENTLOG_NATS_SERVERS: natsServer.url,
    TICKLINE_EVENTLOG_NATS_STREAM: `XNODE_${process.pid}`,
    TICKLINE_DATABASE_URL: await createDatabase(base, 'cross_node'),
    // Every process migrates at start: the advisory lock lets each migration run once.
    TICKLINE_DATABASE_MIGRATE_ON_START: 'true',
    TICKLINE_AUTH_SECRET: 'cross-node-shared-secret-0123456789abcdef',
  };
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const server of servers) server.child.kill('SIGTERM');
  const codes = await Promise.all(servers.map((server) => server.exited));
  await natsServer?.cleanup();
  await postgres?.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
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
  });
});

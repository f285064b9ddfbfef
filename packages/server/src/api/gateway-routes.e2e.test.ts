/**
 * Issue 27 with real processes on one nats-server and one PostgreSQL: a gateway that runs
 * neither strategy nor notify serves their routes by forwarding to the `strategy` and `platform`
 * processes. One source of truth: its OpenAPI document (every method, path and scope) equals the
 * `all` role's, so a domain route no role table lists fails here. And the routes work through it.
 */
import { SMA_CROSS_SOURCE } from '@tickline/strategy';
import { RoomClient } from '@tickline/client/game';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@tickline/testing';
import {
  callJson,
  initialAdminToken,
  openEventSource,
  signUpAndIn,
  streamTicket,
} from '../testing/api-clients.ts';
import { candleWave, storeCandles } from '../testing/cluster-candles.ts';
import {
  scaledClusterDependencies,
  startScaledCluster,
  type ClusterProcess,
  type ScaledCluster,
} from '../testing/scaled-cluster.ts';

const { available, reason } = scaledClusterDependencies({ redis: true });
let cluster: ScaledCluster | undefined;
let all: ClusterProcess;
let gateway: ClusterProcess;

beforeAll(async () => {
  if (!available) return;
  cluster = await startScaledCluster({
    name: 'gateway_routes',
    stream: 'GWROUTES',
    authSecret: 'gateway-routes-shared-secret-0123456789',
    env: { TICKLINE_MARKET_ENABLED: 'false' },
    redis: true,
  });
  all = await cluster.start('all');
  await cluster.start('strategy');
  await cluster.start('platform');
  gateway = await cluster.start('gateway');
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
}, 60_000);

type OpenApi = { paths: Record<string, Record<string, { security?: unknown }>> };

/** `METHOD path scopes` for every operation of the document. */
/**
 * Routes about the one process of the embedded default itself, served by role `all` only: its own
 * scheduled backups of its data directory (at scale a CronJob takes PostgreSQL base backups
 * instead: docs/operations.md, "Backups").
 */
const ALL_ROLE_ONLY = ['GET /api/v1/admin/backups '];

function routeTable(doc: OpenApi): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(
        ([method, operation]) =>
          `${method.toUpperCase()} ${path} ${JSON.stringify(operation.security ?? 'public')}`,
      ),
    )
    .sort();
}

describe.skipIf(!available)(`gateway routes - every route through a gateway (${reason})`, () => {
  it('gateway routes - the gateway serves the all role route table and OpenAPI document', async () => {
    const fromAll = await callJson(all.url, 'GET', '/api/openapi.json');
    const fromGateway = await callJson(gateway.url, 'GET', '/api/openapi.json');
    expect(fromAll.status).toBe(200);
    const table = routeTable(fromGateway.body as OpenApi);
    const allTable = routeTable(fromAll.body as OpenApi).filter(
      (route) => !ALL_ROLE_ONLY.some((only) => route.startsWith(only)),
    );
    // Every route of the all role, rooms on demand included (asked of the game processes).
    expect(table).toEqual(allTable);
    expect(table.some((route) => route.startsWith('POST /api/v1/game/rooms '))).toBe(true);
    expect(table.some((route) => route.startsWith('POST /api/v1/strategies '))).toBe(true);
    expect(table.some((route) => route.startsWith('GET /api/v1/notifications '))).toBe(true);
  });

  it('gateway routes - rooms on demand are made, listed, joined and moderated through a gateway that runs none', async () => {
    const ann = await signUpAndIn(gateway.url, `ann.${Date.now()}@example.com`);
    const bob = await signUpAndIn(gateway.url, `bob.${Date.now()}@example.com`);
    // A room made through the gateway lives on the game process; the ticket names that process.
    const created = await callJson(gateway.url, 'POST', '/api/v1/game/rooms', {
      bearer: ann.accessToken,
      body: { game: 'connect-four' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const roomId = created.body.room.room as string;
    expect(new URL(created.body.ws as string).port).toBe(new URL(all.url).port);
    const listed = await callJson(gateway.url, 'GET', '/api/v1/game/rooms?game=connect-four', {
      bearer: bob.accessToken,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.rooms.map((r: { room: string }) => r.room)).toContain(roomId);
    const ticket = await callJson(gateway.url, 'POST', '/api/v1/game/rooms/join', {
      bearer: bob.accessToken,
      body: { room: roomId },
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    // Both play on the game process with the gateway's tickets
    const annRoom = new RoomClient({
      url: created.body.ws,
      token: created.body.token,
      join: { room: roomId },
    });
    const bobRoom = new RoomClient({ url: ticket.body.ws, token: ticket.body.token, join: { room: roomId } });
    try {
      await Promise.all([annRoom.connect(), bobRoom.connect()]);
      await new Promise<void>((resolve) => {
        const check = () => annRoom.view.room.status === 'playing' && resolve();
        annRoom.on('change', check);
        check();
      });
      const first =
        annRoom.view.room.turn === annRoom.view.entities.get(ann.userId)?.seat ? annRoom : bobRoom;
      const acked = new Promise((resolve) => first.on('ack', resolve));
      first.send({ type: 'drop', column: 3 });
      expect(await acked).toMatchObject({ seq: 1 });
      // An admin moderates the room through the gateway: the game process holding it answers
      const admin = await initialAdminToken(gateway.url, all.dataDir);
      const asAdmin = (method: string, path: string, body?: unknown) =>
        callJson(gateway.url, method, path, { bearer: admin, body });
      const rooms = await asAdmin('GET', '/api/v1/admin/rooms?game=connect-four');
      expect(rooms.body.rooms.map((r: { roomId: string }) => r.roomId)).toContain(roomId);
      const bobClosed = new Promise<{ code: string }>((resolve) => bobRoom.on('closed', resolve));
      const kicked = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/kick`, {
        playerId: bob.userId,
        reason: 'abuse',
      });
      expect(kicked.status, JSON.stringify(kicked.body)).toBe(200);
      expect((await bobClosed).code).toBe('GAME_PLAYER_KICKED');
      const again = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/kick`, {
        playerId: bob.userId,
        reason: 'abuse',
      });
      expect([again.status, again.body.error.code]).toEqual([404, 'GAME_PLAYER_NOT_IN_ROOM']);
      // The replay reads the room's journal on the log, which a live room publishes about once a second
      const moveTick = annRoom.tick;
      let messages = 0;
      await until(
        async () => {
          const replay = await asAdmin('GET', `/api/v1/admin/rooms/${roomId}/replay?player=${ann.userId}`);
          expect(replay.status, JSON.stringify(replay.body)).toBe(200);
          messages = replay.body.messages.length;
          return replay.body.loggedThroughTick >= moveTick;
        },
        { what: 'the journal reached the log', timeoutMs: 60_000 },
      );
      expect(messages).toBeGreaterThan(0);
    } finally {
      annRoom.close();
      bobRoom.close();
    }
    // A room no process holds, and a game none runs, are refused with their codes
    const unknown = await callJson(gateway.url, 'POST', '/api/v1/game/rooms/join', {
      bearer: bob.accessToken,
      body: { room: 'connect-four-nope' },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'GAME_ROOM_UNKNOWN']);
    const chess = await callJson(gateway.url, 'POST', '/api/v1/game/rooms', {
      bearer: bob.accessToken,
      body: { game: 'chess' },
    });
    expect([chess.status, chess.body.error.code]).toEqual([404, 'GAME_UNKNOWN_GAME']);
  });

  it('gateway routes - strategies and notifications work through a gateway that runs neither', async () => {
    const ada = await signUpAndIn(gateway.url, `ada.${Date.now()}@example.com`);
    const bearer = ada.accessToken;
    const created = await callJson(gateway.url, 'POST', '/api/v1/strategies', {
      bearer,
      body: { name: 'cross', source: SMA_CROSS_SOURCE },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('x-request-id')).toBeTruthy();
    const list = await callJson(gateway.url, 'GET', '/api/v1/strategies', { bearer });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain('cross');
    // The owner authenticates: no token, its 401; bad input, its 400 with the field named.
    expect((await callJson(gateway.url, 'GET', '/api/v1/strategies')).status).toBe(401);
    const invalid = await callJson(gateway.url, 'POST', '/api/v1/strategies', { bearer, body: { name: 1 } });
    expect(invalid.status).toBe(400);
    const inbox = await callJson(gateway.url, 'GET', '/api/v1/notifications', { bearer });
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(200);
    const unread = await callJson(gateway.url, 'GET', '/api/v1/notifications/unread-count', { bearer });
    expect(unread.status).toBe(200);
  });

  it('gateway routes - a backtest started through the gateway reports on its stream', async () => {
    const hour = 3_600_000;
    const to = Math.floor(Date.now() / hour) * hour - hour;
    await storeCandles(cluster!.env.TICKLINE_DATABASE_URL!, candleWave('BTC-USDT', to - hour, 60));
    const bob = await signUpAndIn(gateway.url, `bob.${Date.now()}@example.com`);
    const bearer = bob.accessToken;
    const stream = openEventSource(gateway.url, {
      channels: [`user:${bob.userId}`],
      types: ['backtest.completed'],
      ticket: await streamTicket(gateway.url, bearer),
    });
    try {
      expect(await stream.refused).toBe(200);
      const created = await callJson(gateway.url, 'POST', '/api/v1/strategies', {
        bearer,
        body: { name: 'cross', source: SMA_CROSS_SOURCE },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const started = await callJson(gateway.url, 'POST', '/api/v1/backtests', {
        bearer,
        body: {
          strategyId: created.body.strategy.id,
          symbol: 'BTC-USDT',
          interval: '1m',
          from: to - hour,
          to,
        },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      // Run by the strategy process, published to the log, delivered by this gateway's hub.
      const completed = await stream.next('backtest.completed', 60_000);
      expect(completed.channel).toBe(`user:${bob.userId}`);
      const run = await callJson(gateway.url, 'GET', `/api/v1/backtests/${completed.data.backtestId}`, {
        bearer,
      });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
    } finally {
      stream.close();
    }
  });

  it('gateway routes - a walk-forward queued through the gateway: progress, report, gate', async () => {
    // Given 300 one-minute candles in the shared database, before the backtest test's hour
    const hour = 3_600_000;
    const from = Math.floor(Date.now() / hour) * hour - 7 * hour;
    await storeCandles(cluster!.env.TICKLINE_DATABASE_URL!, candleWave('BTC-USDT', from - 60_000, 300));
    const cy = await signUpAndIn(gateway.url, `cy.${Date.now()}@example.com`);
    const bearer = cy.accessToken;
    const stream = openEventSource(gateway.url, {
      channels: [`user:${cy.userId}`],
      types: ['research.progress', 'research.completed'],
      ticket: await streamTicket(gateway.url, bearer),
    });
    try {
      expect(await stream.refused).toBe(200);
      const created = await callJson(gateway.url, 'POST', '/api/v1/strategies', {
        bearer,
        body: { name: 'cross', source: SMA_CROSS_SOURCE },
      });
      const strategyId = created.body.strategy.id as string;
      const body = {
        kind: 'walk-forward',
        strategyId,
        feeds: [{ symbol: 'BTC-USDT', interval: '1m' }],
        from,
        to: from + 300 * 60_000,
        grid: { fast: [5, 10], slow: [20] },
        inSampleBars: 120,
        outSampleBars: 60,
        warmupBars: 30,
      };
      // A fold shorter than its warm-up is refused by the owner, through the gateway, and queues nothing
      const refused = await callJson(gateway.url, 'POST', '/api/v1/research', {
        bearer,
        body: { ...body, warmupBars: 90 },
      });
      expect([refused.status, refused.body.error.code]).toEqual([400, 'STRATEGY_CONFIG_INVALID']);
      // When the walk-forward is queued through the gateway
      const queued = await callJson(gateway.url, 'POST', '/api/v1/research', { bearer, body });
      expect(queued.status, JSON.stringify(queued.body)).toBe(202);
      const id = queued.body.research.id as string;
      // Then the strategy process runs it and this gateway's hub delivers its progress and end
      const done = await stream.next('research.completed', 90_000);
      expect(done.data).toMatchObject({ researchId: id, status: 'succeeded', error: null });
      expect(stream.events.some((e) => e.type === 'research.progress' && e.data.researchId === id)).toBe(
        true,
      );
      // And the report and the gate's verdict read through the gateway
      const detail = await callJson(gateway.url, 'GET', `/api/v1/research/${id}`, { bearer });
      expect(detail.status).toBe(200);
      expect(detail.body.report.walkForward.windows).toHaveLength(2);
      expect(detail.body.report.overfitting.deflatedSharpe.trials).toBe(2);
      const gate = await callJson(gateway.url, 'GET', `/api/v1/strategies/${strategyId}/versions/1/gate`, {
        bearer,
      });
      expect(gate.status).toBe(200);
      expect(gate.body.gate.checks.find((c: { name: string }) => c.name === 'walkForward')).toMatchObject({
        passed: true,
        researchId: id,
      });
      // And someone else's run is not found through it either
      const eve = await signUpAndIn(gateway.url, `eve.${Date.now()}@example.com`);
      const foreign = await callJson(gateway.url, 'GET', `/api/v1/research/${id}`, {
        bearer: eve.accessToken,
      });
      expect([foreign.status, foreign.body.error.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
      const list = await callJson(gateway.url, 'GET', '/api/v1/research', { bearer });
      expect(list.body.research.map((r: { id: string }) => r.id)).toEqual([id]);
    } finally {
      stream.close();
    }
  }, 120_000);
});

/**
 * Rooms on demand as the `all` role wires them in-process (PGlite, the embedded log, port 0): a user creates a private Connect Four room over HTTP and a friend joins it by its
 * code through the SDK over the game WebSocket; the public list shows public rooms only; creation
 * past the per-user rate is refused with its code; a bad body is refused and creates nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoomClient } from '@tickline/client/game';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { callJson, signUpAndIn, type TestUser } from '../testing/api-clients.ts';

const CREATES_PER_MINUTE = 3;
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-game-rooms-'));
let running: RunningProcess;
let base: string;
let ann: TestUser;
let bob: TestUser;

beforeAll(async () => {
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_MARKET_ENABLED: 'false',
      TICKLINE_GAME_ROOMS_CREATES_PER_MINUTE: String(CREATES_PER_MINUTE),
      TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
    },
  });
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
  });
  base = running.url!.replace('localhost', '127.0.0.1');
  ann = await signUpAndIn(base, 'ann@example.com');
  bob = await signUpAndIn(base, 'bob@example.com');
}, 120_000);
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, user: TestUser, body: unknown) =>
  callJson(base, 'POST', path, { body, bearer: user.accessToken });

describe('game rooms on demand - HTTP and the SDK', () => {
  it('a private room made over HTTP is joined by its code and played', async () => {
    const created = await post('/api/v1/game/rooms', ann, { game: 'connect-four', private: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      room: { game: 'connect-four', players: 0, minPlayers: 2, maxPlayers: 2, private: true },
      code: expect.stringMatching(/^[A-Z2-9]{6}$/),
      ws: expect.stringMatching(/^ws:\/\/.+\/game\/ws$/),
    });
    const code = created.body.code as string;
    // Never listed; by id alone it is unknown.
    const listed = await callJson(base, 'GET', '/api/v1/game/rooms?game=connect-four', { bearer: bob.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.rooms).toEqual([]);
    const byId = await post('/api/v1/game/rooms/join', bob, { room: created.body.room.room });
    expect(byId.status).toBe(404);
    expect(byId.body.error.code).toBe('GAME_ROOM_UNKNOWN');

    const ticket = await post('/api/v1/game/rooms/join', bob, { code });
    expect(ticket.status).toBe(201);
    const annRoom = new RoomClient({ url: created.body.ws, token: created.body.token, join: { code } });
    const bobRoom = new RoomClient({ url: ticket.body.ws, token: ticket.body.token, join: { code } });
    const [wa, wb] = await Promise.all([annRoom.connect(), bobRoom.connect()]);
    expect(wa).toMatchObject({ roomId: created.body.room.room, playerId: ann.userId });
    expect(wb).toMatchObject({ roomId: created.body.room.room, playerId: bob.userId });
    const playing = await new Promise<Record<string, unknown>>((resolve) => {
      const check = () => annRoom.view.room.status === 'playing' && resolve(annRoom.view.room);
      annRoom.on('change', check);
      check();
    });
    const first = playing.turn === annRoom.view.entities.get(ann.userId)?.seat ? annRoom : bobRoom;
    const acked = new Promise((resolve) => first.on('ack', resolve));
    first.send({ type: 'drop', column: 3 });
    expect(await acked).toMatchObject({ seq: 1 });
    annRoom.leave();
    bobRoom.leave();
  });

  it('public rooms are listed by game; creation past the per-user rate is refused', async () => {
    const carl = await signUpAndIn(base, 'carl@example.com');
    const made: string[] = [];
    for (let i = 0; i < CREATES_PER_MINUTE; i++) {
      const r = await post('/api/v1/game/rooms', carl, { game: 'connect-four' });
      expect(r.status).toBe(201);
      expect(r.body.code).toBeNull();
      made.push(r.body.room.room);
    }
    const refused = await post('/api/v1/game/rooms', carl, { game: 'connect-four' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('GAME_ROOM_RATE_LIMITED');
    const listed = await callJson(base, 'GET', '/api/v1/game/rooms?game=connect-four', { bearer: carl.accessToken });
    expect(listed.body.rooms.map((r: { room: string }) => r.room)).toEqual(expect.arrayContaining(made));
    expect(listed.body.rooms).toHaveLength(made.length);
    const none = await callJson(base, 'GET', '/api/v1/game/rooms?game=arena', { bearer: carl.accessToken });
    expect(none.body.rooms).toEqual([]);
  });

  it('bad input is refused with a code and makes no room', async () => {
    const before = (await callJson(base, 'GET', '/api/v1/game/rooms', { bearer: bob.accessToken })).body.rooms.length;
    const unknown = await post('/api/v1/game/rooms', bob, { game: 'chess' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('GAME_UNKNOWN_GAME');
    const extra = await post('/api/v1/game/rooms', bob, { game: 'connect-four', size: 9 });
    expect(extra.status).toBe(400);
    const both = await post('/api/v1/game/rooms/join', bob, { game: 'connect-four', code: 'ABCDEF' });
    expect(both.status).toBe(400);
    const unauth = await callJson(base, 'POST', '/api/v1/game/rooms', { body: { game: 'connect-four' } });
    expect(unauth.status).toBe(401);
    const after = (await callJson(base, 'GET', '/api/v1/game/rooms', { bearer: bob.accessToken })).body.rooms.length;
    expect(after).toBe(before);
  });
});

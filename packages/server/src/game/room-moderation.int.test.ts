/**
 * Moderation and replay of rules rooms as the `all` role wires them in-process (PGlite, the
 * embedded log, port 0): two players play Connect Four through the SDK over the game WebSocket
 * while their connections record every message byte for byte; an admin lists, inspects, mutes,
 * messages, kicks and bans over the operations API (each audited; bad input and non-admins refused
 * with codes; a room hand-off refused with GAME_HANDOFF_UNAVAILABLE, no peer here), then replays the room for each player from its log — the replay must reproduce
 * every frame and rejection each player received, byte for byte.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWsConnector, RoomClient } from '@tickline/client/game';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { decodeMessage, MessageType, type ServerMessage } from '@tickline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';
import { seedDataDir, until } from '@tickline/testing';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { runRecorded } from '../cli/test-io.test-support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-room-moderation-'));
let lastRoom: { roomId: string; playerId: string } | undefined;
let running: RunningProcess;
let base: string;
let admin: string;
let ann: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // A migrated database, as after a first start (the migrations are not what is judged here).
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_HTTP_PORT: '0',
      TICKLINE_HTTP_HOST: '127.0.0.1',
      TICKLINE_MARKET_ENABLED: 'false',
      TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '6000',
    },
  });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
  });
  base = running.url!.replace('localhost', '127.0.0.1');
  admin = await initialAdminToken(base, dataDir);
  ann = await signUpAndIn(base, 'ann@example.com');
  bob = await signUpAndIn(base, 'bob@example.com');
}, 120_000);
afterAll(async () => {
  await running?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const asAdmin = (method: string, path: string, body?: unknown) =>
  callJson(base, method, path, { bearer: admin, body });

/** A room client whose connection keeps every frame and rejection it received, as bytes. */
function recordingClient(url: string, token: string, room: string) {
  const received: Array<{ type: number; tick: number; bytes: string }> = [];
  const ws = createWsConnector();
  const client = new RoomClient({
    url,
    token,
    join: { room },
    connector: (u, handlers) =>
      ws(u, {
        ...handlers,
        message(bytes) {
          const m = decodeMessage(bytes) as ServerMessage;
          if (m.type === MessageType.RoomFrame || m.type === MessageType.RoomReject)
            received.push({ type: m.type, tick: m.tick, bytes: Buffer.from(bytes).toString('base64') });
          handlers.message(bytes);
        },
      }),
  });
  const closed = new Promise<{ code: string }>((resolve) => client.on('closed', resolve));
  return { client, received, closed };
}

function next<T>(
  client: RoomClient,
  event: 'ack' | 'reject' | 'notice',
  match: (e: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const off = client.on(event, ((e: T) => {
      if (!match(e)) return;
      off();
      resolve(e);
    }) as never);
  });
}

/** Replays until the log holds the room through `tick` (its journal is published about once a second). */
async function replayThrough(roomId: string, playerId: string, tick: number) {
  type Replay = {
    loggedThroughTick: number;
    messages: Array<{ bytes: string; tick: number; kind: string; reason?: string }>;
  };
  let replay: Replay | undefined;
  await until(
    async () => {
      const r = await asAdmin('GET', `/api/v1/admin/rooms/${roomId}/replay?player=${playerId}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      replay = r.body as Replay;
      return replay.loggedThroughTick >= tick;
    },
    { what: `the room's journal on the log through tick ${tick}`, timeoutMs: 60_000 },
  );
  return replay!;
}

describe('room moderation and replay - operations API over a real game connection', () => {
  it('admins inspect, mute, message, kick and ban; the replay reproduces each player’s frames byte for byte', async () => {
    // Given Ann's public Connect Four room, joined by Bob by its id, both recording what they receive
    const created = await callJson(base, 'POST', '/api/v1/game/rooms', {
      bearer: ann.accessToken,
      body: { game: 'connect-four' },
    });
    expect(created.status).toBe(201);
    const roomId = created.body.room.room as string;
    const ticket = await callJson(base, 'POST', '/api/v1/game/rooms/join', {
      bearer: bob.accessToken,
      body: { room: roomId },
    });
    expect(ticket.status).toBe(201);
    const a = recordingClient(created.body.ws, created.body.token, roomId);
    const b = recordingClient(ticket.body.ws, ticket.body.token, roomId);
    await Promise.all([a.client.connect(), b.client.connect()]);
    await new Promise<void>((resolve) => {
      const check = () =>
        a.client.view.room.status === 'playing' && b.client.view.room.status === 'playing' && resolve();
      a.client.on('change', check);
      b.client.on('change', check);
      check();
    });
    const annFirst = a.client.view.room.turn === a.client.view.entities.get(ann.userId)?.seat;
    const [first, second] = annFirst ? [a, b] : [b, a];
    const secondId = annFirst ? bob.userId : ann.userId;

    // When the second player moves out of turn, then the first moves
    const outOfTurn = next<{ reason: string }>(second.client, 'reject');
    second.client.send({ type: 'drop', column: 0 });
    expect((await outOfTurn).reason).toBe('C4_NOT_YOUR_TURN');
    const moved = next(first.client, 'ack');
    first.client.send({ type: 'drop', column: 3 });
    await moved;

    // The admin lists rooms by game and inspects this one's live state
    const listed = await asAdmin('GET', '/api/v1/admin/rooms?game=connect-four');
    expect(listed.status).toBe(200);
    expect(listed.body.rooms.map((r: { roomId: string }) => r.roomId)).toContain(roomId);
    const inspected = await asAdmin('GET', `/api/v1/admin/rooms/${roomId}`);
    expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
    expect(inspected.body.seats.map((s: { playerId: string }) => s.playerId).sort()).toEqual(
      [ann.userId, bob.userId].sort(),
    );
    expect(inspected.body.state.room.status).toBe('playing');

    // A mute: the muted player's move (its turn now) is refused with the code, and it is told
    const told = next<{ text: string }>(second.client, 'notice');
    const muted = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/mute`, {
      playerId: secondId,
      minutes: 5,
    });
    expect(muted.status, JSON.stringify(muted.body)).toBe(200);
    expect((await told).text).toContain('muted');
    const refused = next<{ reason: string }>(second.client, 'reject');
    second.client.send({ type: 'drop', column: 4 });
    expect((await refused).reason).toBe('GAME_PLAYER_MUTED');
    const seats = (await asAdmin('GET', `/api/v1/admin/rooms/${roomId}`)).body.seats as Array<{
      playerId: string;
      mutedUntil: string | null;
    }>;
    expect(seats.find((s) => s.playerId === secondId)?.mutedUntil).toBeTruthy();

    // A message to one player
    const message = next<{ text: string }>(first.client, 'notice', (n) => n.text === 'Play fair, please.');
    const sent = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/message`, {
      playerId: annFirst ? ann.userId : bob.userId,
      text: 'Play fair, please.',
    });
    expect(sent.status).toBe(200);
    await message;

    // Bad input and non-admins are refused with codes and change nothing
    expect((await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/kick`, { playerId: secondId })).status).toBe(
      400,
    );
    const unknown = await asAdmin('POST', '/api/v1/admin/rooms/nope-1/kick', {
      playerId: secondId,
      reason: 'x',
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'GAME_ROOM_UNKNOWN']);
    const stranger = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/kick`, {
      playerId: 'someone-else',
      reason: 'x',
    });
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'GAME_PLAYER_NOT_IN_ROOM']);
    const byPlayer = await callJson(base, 'POST', `/api/v1/admin/rooms/${roomId}/kick`, {
      bearer: ann.accessToken,
      body: { playerId: bob.userId, reason: 'mine' },
    });
    expect([byPlayer.status, byPlayer.body.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    expect((await asAdmin('GET', `/api/v1/admin/rooms/${roomId}`)).body.players).toBe(2);

    // A hand-off needs a peer: the embedded default (no Redis) refuses it with its code, and the
    // room plays on untouched; an unknown room is refused as such. Both audited as failed.
    const handOff = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/handoff`, { message: 'moving' });
    expect([handOff.status, handOff.body.error?.code], JSON.stringify(handOff.body)).toEqual([
      503,
      'GAME_HANDOFF_UNAVAILABLE',
    ]);
    const handOffUnknown = await asAdmin('POST', '/api/v1/admin/rooms/nope-1/handoff');
    expect([handOffUnknown.status, handOffUnknown.body.error?.code]).toEqual([404, 'GAME_ROOM_UNKNOWN']);
    const handOffBad = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/handoff`, { message: '', to: 'x' });
    expect(handOffBad.status).toBe(400);
    expect((await asAdmin('GET', `/api/v1/admin/rooms/${roomId}`)).body.players).toBe(2);

    // A kick closes the second player's connection with its code
    const kicked = await asAdmin('POST', `/api/v1/admin/rooms/${roomId}/kick`, {
      playerId: secondId,
      reason: 'abuse',
    });
    expect(kicked.status, JSON.stringify(kicked.body)).toBe(200);
    expect((await second.closed).code).toBe('GAME_PLAYER_KICKED');
    // The first leaves: both recordings are complete
    first.client.leave();
    await first.closed;

    // Then the replay, from the room's log, reproduces every frame and rejection each received
    for (const [player, recorded] of [
      [ann.userId, a.received],
      [bob.userId, b.received],
    ] as const) {
      // Its welcome frame and the move's frame (with its ack for the mover) at least
      expect(recorded.length).toBeGreaterThanOrEqual(2);
      const lastTick = Math.max(...recorded.map((m) => m.tick));
      const replay = await replayThrough(roomId, player, lastTick);
      expect(replay.messages.map((m) => m.bytes)).toEqual(recorded.map((m) => m.bytes));
    }
    const secondReplay = await replayThrough(roomId, secondId, 0);
    expect(secondReplay.messages.filter((m) => m.kind === 'reject').map((m) => m.reason)).toEqual([
      'C4_NOT_YOUR_TURN',
      'GAME_PLAYER_MUTED',
    ]);

    lastRoom = { roomId, playerId: secondId };

    // A ban: the player gets no ticket for any room until it ends
    const banned = await asAdmin('POST', '/api/v1/admin/room-bans', {
      playerId: bob.userId,
      minutes: 10,
      reason: 'abuse',
    });
    expect(banned.status, JSON.stringify(banned.body)).toBe(200);
    const again = await callJson(base, 'POST', '/api/v1/game/rooms/join', {
      bearer: bob.accessToken,
      body: { game: 'connect-four' },
    });
    expect([again.status, again.body.error.code]).toEqual([403, 'GAME_PLAYER_BANNED']);

    // Every action is in the audit, the refused ones as failed
    const audit = await asAdmin('GET', '/api/v1/admin/audit?limit=50');
    expect(audit.status).toBe(200);
    const actions = (audit.body.entries as Array<{ action: string; outcome: string }>).map(
      (e) => `${e.action}:${e.outcome}`,
    );
    for (const action of [
      'room.inspect:ok',
      'room.mute:ok',
      'room.message:ok',
      'room.kick:ok',
      'room.kick:failed',
      'room.replay:ok',
      'room.ban:ok',
      'room.handoff:failed',
    ])
      expect(actions).toContain(action);
  }, 60_000);

  it('cli - tickline rooms lists, shows and replays through the API; bad numbers are refused', async () => {
    const env = { TICKLINE_URL: base, TICKLINE_TOKEN: admin, XDG_CONFIG_HOME: dataDir };
    const cli = (...args: string[]) => runRecorded(args, env);
    const { roomId, playerId } = lastRoom!;
    const list = await cli('rooms', 'list', '--game', 'connect-four');
    expect(list.outcome, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^room +game +players +access +tick +state +created$/m);
    expect(list.stdout).toContain(roomId);
    const show = await cli('rooms', 'show', roomId);
    expect(show.stdout).toContain(`${roomId}  connect-four v`);
    const replay = await cli('rooms', 'replay', roomId, playerId, '--json');
    expect(replay.outcome, replay.stderr).toBe(0);
    const body = JSON.parse(replay.stdout) as { messages: Array<{ reason?: string }> };
    expect(body.messages.map((m) => m.reason).filter(Boolean)).toEqual([
      'C4_NOT_YOUR_TURN',
      'GAME_PLAYER_MUTED',
    ]);
    const text = await cli('rooms', 'replay', roomId, playerId);
    expect(text.stdout).toMatch(/reject +seq 1 +C4_NOT_YOUR_TURN/);
    const bad = await cli('rooms', 'mute', roomId, playerId, '--minutes', 'soon');
    expect(bad.outcome).not.toBe(0);
    expect(bad.stderr).toContain('--minutes takes a whole number');
    const handOff = await cli('rooms', 'handoff', roomId, '--message', 'moving');
    expect(handOff.outcome).not.toBe(0);
    expect(handOff.stderr).toContain('GAME_HANDOFF_UNAVAILABLE');
    const unknown = await cli('rooms', 'show', 'nope-1');
    expect(unknown.outcome).not.toBe(0);
    expect(unknown.stderr).toContain('GAME_ROOM_UNKNOWN');
  }, 60_000);
});

/**
 * The room side of the session layer over a real WebSocket: joins refused with their codes (a
 * zone token, an unknown room, a private room by id, a full room), a command that is not the
 * game's refused with the seq and the room unharmed, a dropped player resuming its seat, and one
 * frame message shared by the players who see the same (the mover still gets its own ack).
 */
import { createMetricsRegistry, type EventEnvelope } from '@tickline/kernel';
import {
  decodeRoomFrame,
  encodeRoomCommand,
  GameCloseCode,
  MessageType,
  readFieldValues,
  type RoomFrame,
} from '@tickline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { TestGameClient } from '../transport/test-client.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import { RoomRegistry } from './room-registry.ts';
import { RoomSessions, ROOM_TOKEN_SCOPE } from './room-sessions.ts';

const tokens = createJoinTokens({ secret: 'room-sessions-test-secret-of-32-bytes-or-more' });
const games = new Map(builtInGames().map((g) => [g.name, g]));
const events: EventEnvelope[] = [];
const registry = new RoomRegistry({ games: () => games, events: { publish: (e) => void events.push(e) }, tickRateHz: 50 });
const sessions = new GameSessions({ tokens, metrics: createMetricsRegistry({ processMetrics: false }) });
sessions.attachRooms(new RoomSessions({ tokens, registry, resumeGraceMs: 10_000 }));
const ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
let url: string;
const clients: TestGameClient[] = [];

/**
 * The fields a frame carries for the entity of `handle`, by name (frames name entities by handle,
 * `e` in pairs, and fields by their index in `names`, the reset frame's table).
 */
function updateOf(frame: RoomFrame, handle: number, names: string[]): Record<string, unknown> | undefined {
  const e = frame.e ?? [];
  for (let i = 0; i < e.length; i += 2) if (e[i] === handle) return readFieldValues(names, e[i + 1]);
  return undefined;
}

beforeAll(async () => {
  url = `ws://127.0.0.1:${await ws.listen(0, '127.0.0.1')}/game/ws`;
});
afterAll(async () => {
  for (const c of clients) c.drop();
  sessions.close();
  registry.close();
  await ws.close();
});

async function joinRoom(playerId: string, target: { room?: string; code?: string; game?: string }, scope = ROOM_TOKEN_SCOPE) {
  const client = await TestGameClient.ws(url);
  clients.push(client);
  client.send({ type: MessageType.RoomJoin, token: tokens.issue(playerId, scope).token, ...target });
  return client;
}

describe('room sessions - joins, refusals and resume over WebSocket', () => {
  it('refusals - a zone token, an unknown room, a private room by id and a full room are refused with their codes', async () => {
    const zoneToken = await joinRoom('ann', { game: 'connect-four' }, 'zone-1');
    expect((await zoneToken.ended).code).toBe(GameCloseCode.TokenInvalid);
    const unknown = await joinRoom('ann', { room: 'nope' });
    expect((await unknown.ended).code).toBe(GameCloseCode.RoomUnknown);
    const hidden = registry.create('connect-four', { private: true });
    const byId = await joinRoom('ann', { room: hidden.roomId });
    expect((await byId.ended).code).toBe(GameCloseCode.RoomUnknown);

    const room = registry.create('connect-four');
    const a = await joinRoom('ann', { room: room.roomId });
    const b = await joinRoom('bob', { room: room.roomId });
    await a.next(MessageType.RoomWelcome);
    await b.next(MessageType.RoomWelcome);
    const c = await joinRoom('cid', { room: room.roomId });
    expect(await c.next(MessageType.RoomReject)).toMatchObject({ seq: 0, reason: 'GAME_ZONE_FULL' });
    expect((await c.ended).code).toBe(GameCloseCode.RoomRefused);
    expect(room.players).toEqual(['ann', 'bob']);
  });

  it('a command that is not the game\'s is refused with its seq; a dropped player resumes its seat', async () => {
    const room = registry.create('connect-four', { private: true });
    const a = await joinRoom('dee', { code: room.code! });
    const welcome = await a.next(MessageType.RoomWelcome);
    expect(welcome).toMatchObject({ roomId: room.roomId, game: 'connect-four', lastSeq: 0, resumed: false });
    a.send({ type: MessageType.RoomCommand, seq: 1, command: encodeRoomCommand({ type: 'castle' }) });
    expect(await a.next(MessageType.RoomReject)).toMatchObject({ seq: 1, reason: 'GAME_UNKNOWN_COMMAND' });
    a.send({ type: MessageType.RoomCommand, seq: 2, command: encodeRoomCommand({ type: 'drop', column: 99 }) });
    expect(await a.next(MessageType.RoomReject, (m) => m.seq === 2)).toMatchObject({ reason: 'GAME_MALFORMED' });
    // The game's own refusal (nobody to play against yet) uses the seq up: a resume reports it.
    a.send({ type: MessageType.RoomCommand, seq: 3, command: encodeRoomCommand({ type: 'drop', column: 1 }) });
    expect(await a.next(MessageType.RoomReject, (m) => m.seq === 3)).toMatchObject({ reason: 'C4_NOT_PLAYING' });
    a.drop();
    const again = await joinRoom('dee', { code: room.code! });
    expect(await again.next(MessageType.RoomWelcome)).toMatchObject({ roomId: room.roomId, lastSeq: 3, resumed: true });
    expect(room.players).toEqual(['dee']);
  });

  it('players who see the same get one shared frame message; the mover gets the frame with its ack', async () => {
    const WAIT_MS = 20_000;
    const room = registry.create('arena', { private: true });
    const [ann, bob, cy] = await Promise.all(['ann-s', 'bob-s', 'cy-s'].map((id) => joinRoom(id, { code: room.code! })));
    const welcome = await ann!.next(MessageType.RoomWelcome, () => true, WAIT_MS);
    for (const c of [bob!, cy!]) await c.next(MessageType.RoomWelcome, () => true, WAIT_MS);
    const first = await ann!.next(MessageType.RoomFrame, (m) => m.frame.length > 0, WAIT_MS);
    const full = decodeRoomFrame(first.frame);
    // Ann's handle is the room's: every player's stream names her by it.
    const annHandle = full.n!['ann-s']!;
    const names = full.f!.e;
    const spawn = updateOf(full, annHandle, names) as { x: number; y: number };
    const to = { x: spawn.x + 0.25, y: spawn.y };
    ann!.send({ type: MessageType.RoomCommand, seq: 1, command: encodeRoomCommand({ type: 'move', tick: welcome.tick, ...to }) });
    const acked = await ann!.next(MessageType.RoomFrame, (m) => m.ack === 1, WAIT_MS);
    const moved = (m: { frame: Uint8Array }) =>
      m.frame.length > 0 && (updateOf(decodeRoomFrame(m.frame), annHandle, names) as { x?: number } | undefined)?.x === to.x;
    const [b, c] = await Promise.all([bob!, cy!].map((client) => client.next(MessageType.RoomFrame, moved, WAIT_MS)));
    expect(b).toMatchObject({ tick: acked.tick, ack: -1 });
    expect(c).toEqual(b);
    // A delta carries the changed fields only.
    expect(updateOf(decodeRoomFrame(acked.frame), annHandle, names)).toEqual({ x: to.x });
  });
});

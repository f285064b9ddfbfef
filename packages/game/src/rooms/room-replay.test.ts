/**
 * Replay of a spatial rules room (the arena: a frame per player's view) over a real WebSocket:
 * two players move, one is refused, one drops and resumes (its view starts again), both leave;
 * the replay from the room's journal gives each player exactly the frames and rejections it
 * received, in order. Also: a window keeps only its ticks, and a room the log does not hold is
 * GAME_REPLAY_NOT_FOUND.
 */
import { createMetricsRegistry, encodeEvent, type EventEnvelope } from '@tickline/kernel';
import type { LogRecord } from '@tickline/eventlog';
import {
  decodeRoomFrame,
  encodeMessage,
  encodeRoomCommand,
  MessageType,
  RoomView,
  type ServerMessage,
} from '@tickline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { GameSessions } from '../session/game-sessions.ts';
import { TestGameClient } from '../transport/test-client.ts';
import { WsTransport } from '../transport/ws-transport.ts';
import { RoomRegistry } from './room-registry.ts';
import { replayRoom } from './room-replay.ts';
import { RoomSessions, ROOM_TOKEN_SCOPE } from './room-sessions.ts';
import { until } from '@tickline/testing';

const tokens = createJoinTokens({ secret: 'room-replay-test-secret-of-32-bytes-or-more!' });
const games = new Map(builtInGames().map((g) => [g.name, g]));
const events: EventEnvelope[] = [];
const registry = new RoomRegistry({
  games: () => games,
  events: { publish: (e) => void events.push(e) },
  tickRateHz: 50,
});
const sessions = new GameSessions({ tokens, metrics: createMetricsRegistry({ processMetrics: false }) });
const roomSessions = new RoomSessions({ tokens, registry, resumeGraceMs: 10_000 });
sessions.attachRooms(roomSessions);
const ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
let url: string;

beforeAll(async () => {
  url = `ws://127.0.0.1:${await ws.listen(0, '127.0.0.1')}/game/ws`;
});
afterAll(async () => {
  sessions.close();
  registry.close();
  await ws.close();
});

/** The published events as a log. */
const log = {
  async head() {
    return { first: events.length ? 1 : 0, last: events.length };
  },
  async read({ from, limit }: { from: number; limit: number }): Promise<LogRecord[]> {
    return events.slice(from - 1, from - 1 + limit).map((e, i) => ({
      offset: from + i,
      id: e.id,
      key: e.partitionkey,
      type: e.type,
      time: 0,
      payload: encodeEvent(e),
    }));
  },
};

async function join(playerId: string, room: string): Promise<TestGameClient> {
  const client = await TestGameClient.ws(url);
  client.send({ type: MessageType.RoomJoin, token: tokens.issue(playerId, ROOM_TOKEN_SCOPE).token, room });
  await client.next(MessageType.RoomWelcome);
  return client;
}

/** What a client got from the room, as wire bytes. */
const sent = (clients: TestGameClient[]) =>
  clients
    .flatMap((c) => c.received)
    .filter((m: ServerMessage) => m.type === MessageType.RoomFrame || m.type === MessageType.RoomReject)
    .map((m) => Buffer.from(encodeMessage(m)).toString('base64'));

describe('room replay - a spatial room as each player saw it', () => {
  it('replay - moves, a refusal, a drop and a resume: every frame and rejection, byte for byte', async () => {
    const runner = registry.create('arena');
    const ann = await join('ann', runner.roomId);
    const bob = await join('bob', runner.roomId);
    const welcome = await ann.next(MessageType.RoomFrame);
    const at = new RoomView().apply(decodeRoomFrame(welcome.frame)).e!.ann as { x: number; y: number };
    let seq = 0;
    const move = async (client: TestGameClient, dx: number) => {
      const s = ++seq;
      client.send({
        type: MessageType.RoomCommand,
        seq: s,
        command: encodeRoomCommand({ type: 'move', tick: runner.tick, x: at.x + dx, y: at.y }),
      });
      await client.next(MessageType.RoomFrame, (m) => m.ack >= s);
    };
    await move(ann, 0.2);
    await move(bob, -0.2);
    // A teleport: refused with the arena's code
    const far = ++seq;
    ann.send({
      type: MessageType.RoomCommand,
      seq: far,
      command: encodeRoomCommand({ type: 'move', tick: runner.tick, x: at.x + 400, y: at.y }),
    });
    const refused = await ann.next(MessageType.RoomReject, (m) => m.seq === far);
    expect(refused.reason).toMatch(/^GAME_/);
    // (A refused move still counts in Ann's rate window, a server-only field: nothing is sent for it,
    // so nothing is in flight to Bob when his link drops.)
    // Bob drops; Ann moves meanwhile (nothing reaches Bob); Bob resumes and gets its whole view again
    bob.drop();
    await until(() => roomSessions.sessionOf('bob')?.connected === false, 'bob seen disconnected');
    await move(ann, 0.3);
    const bobAgain = await join('bob', runner.roomId);
    await move(ann, 0.4);
    await move(bobAgain, -0.4);
    runner.journal.flush();
    const replayed = async (player: string) =>
      (await replayRoom({ log, games, roomId: runner.roomId, playerId: player })).messages.map(
        (m) => m.bytes,
      );
    expect(await replayed('ann')).toEqual(sent([ann]));
    expect(await replayed('bob')).toEqual(sent([bob, bobAgain]));
    // A window keeps only its ticks
    const window = await replayRoom({
      log,
      games,
      roomId: runner.roomId,
      playerId: 'ann',
      fromTick: 3,
      toTick: 5,
    });
    expect(window.messages.every((m) => m.tick >= 3 && m.tick <= 5)).toBe(true);
    ann.drop();
    bobAgain.drop();
  });

  it('replay - a large frame with an ack, sent as the shared frame then the ack alone: the same two', async () => {
    const runner = registry.create('arena');
    const ann = await join('ann-l', runner.roomId);
    const welcome = await ann.next(MessageType.RoomFrame);
    const at = new RoomView().apply(decodeRoomFrame(welcome.frame)).e!['ann-l'] as { x: number; y: number };
    // In one tick: 30 players join (a frame of their 30 entities) and Ann's move is applied.
    const command = { type: 'move', tick: runner.tick, x: at.x + 0.2, y: at.y };
    for (let i = 0; i < 30; i++) runner.submit({ kind: 'join', playerId: `crowd-${i}`, seq: 0 });
    runner.submit({ kind: 'command', playerId: 'ann-l', seq: 1, command }, encodeRoomCommand(command));
    const ack = await ann.next(MessageType.RoomFrame, (m) => m.ack === 1, 20_000);
    expect(ack.frame.length).toBe(0);
    const frame = await ann.next(MessageType.RoomFrame, (m) => m.tick === ack.tick && m.ack === -1, 20_000);
    expect(decodeRoomFrame(frame.frame).e!).toHaveLength(2 * 31); // handle, fields: 30 new, Ann moved
    runner.journal.flush();
    const replay = await replayRoom({ log, games, roomId: runner.roomId, playerId: 'ann-l' });
    expect(replay.messages.map((m) => m.bytes)).toEqual(sent([ann]));
    ann.drop();
  });

  it('replay - a room the log does not hold is GAME_REPLAY_NOT_FOUND', async () => {
    await expect(replayRoom({ log, games, roomId: 'arena-nope', playerId: 'ann' })).rejects.toMatchObject({
      code: 'GAME_REPLAY_NOT_FOUND',
    });
  });
});

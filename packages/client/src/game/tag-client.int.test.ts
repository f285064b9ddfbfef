/**
 * Tag through the SDK against the real server parts (`@tickline/game`: room registry and runner,
 * the session layer, WebSocket and TCP transports) on loopback, over each transport: two players
 * matched by game type, the runner's tag refused, the one who is it steers to the runner and tags
 * it, and the round ends (a short round, counted in ticks: the test waits for its end, not a time).
 */
import {
  createJoinTokens,
  GameSessions,
  RoomRegistry,
  RoomSessions,
  ROOM_TOKEN_SCOPE,
  tagGame,
  TcpTransport,
  WsTransport,
  type JoinTokens,
} from '@tickline/game';
import { createMetricsRegistry, type EventEnvelope } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GameConnector } from './connector.ts';
import { RoomClient, type RoomStateView } from './room-client.ts';
import { createTcpConnector } from './tcp-connector.ts';

/** A small map everyone sees whole; the one who is it slow, so a tag sent on sight is still in reach. */
const REACH = 3;
// Tag counts its rounds in ticks, so no clock skips one: the round is short enough to wait for
// and long enough for the tag (steering across the map takes about a second of ticks).
const ROUND_MS = 6_000;
const game = tagGame({ width: 12, height: 12, viewRadius: 30, reach: REACH, itSpeedPerTick: 0.2, roundMs: ROUND_MS, intermissionMs: 200 });

let tokens: JoinTokens;
let sessions: GameSessions;
let registry: RoomRegistry;
let ws: WsTransport;
let tcp: TcpTransport;
let wsUrl: string;
let tcpUrl: string;
const events: EventEnvelope[] = [];

beforeAll(async () => {
  const metrics = createMetricsRegistry({ processMetrics: false });
  tokens = createJoinTokens({ secret: 'tag-client-test-secret-of-32-bytes-or-more!' });
  const games = new Map([[game.name, game]]);
  registry = new RoomRegistry({ games: () => games, events: { publish: (e) => void events.push(e) }, tickRateHz: 50 });
  sessions = new GameSessions({ tokens, metrics, heartbeatIntervalMs: 200, idleTimeoutMs: 10_000 });
  sessions.attachRooms(new RoomSessions({ tokens, registry, resumeGraceMs: 5_000 }));
  ws = new WsTransport({ acceptor: sessions, closeGraceMs: 200 });
  wsUrl = `ws://127.0.0.1:${await ws.listen(0, '127.0.0.1')}/game/ws`;
  tcp = new TcpTransport({ acceptor: sessions, host: '127.0.0.1', port: 0, closeGraceMs: 200 });
  tcpUrl = `tcp://127.0.0.1:${await tcp.listen()}`;
});

afterAll(async () => {
  sessions.close();
  registry.close();
  await ws.close();
  await tcp.close();
});

/** Resolves with the first shown state `test` accepts (checked on every change). */
function until(client: RoomClient, test: (s: RoomStateView) => boolean): Promise<RoomStateView> {
  return new Promise((resolve) => {
    if (test(client.view)) return resolve(client.view);
    const off = client.on('change', (s) => {
      if (!test(s)) return;
      off();
      resolve(s);
    });
  });
}

/** Sends a command and resolves with the room's answer: 'accepted' or the reject reason. */
function answer(client: RoomClient, command: { type: string } & Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    let seq = -1;
    const done = (result: string) => {
      offReject();
      offAck();
      resolve(result);
    };
    // A refusal is sent before the frame that acks its seq: a later ack alone means accepted.
    const offReject = client.on('reject', (r) => r.seq === seq && done(r.reason));
    const offAck = client.on('ack', (a) => a.seq >= seq && seq > 0 && done('accepted'));
    seq = client.send(command)!;
  });
}

type Pos = { x: number; y: number };
const posOf = (s: RoomStateView, id: string): Pos => s.entities.get(id) as unknown as Pos;

async function playRound(url: string, connector: GameConnector | undefined, prefix: string) {
  const join = (id: string) =>
    new RoomClient({
      url,
      token: tokens.issue(`${prefix}-${id}`, ROOM_TOKEN_SCOPE).token,
      join: { game: 'tag' },
      ...(connector && { connector }),
    });
  const ann = join('ann');
  const bob = join('bob');
  const [wa, wb] = await Promise.all([ann.connect(), bob.connect()]);
  expect(wa.roomId).toBe(wb.roomId);
  expect(wa.game).toBe('tag');
  const started = await until(ann, (s) => s.room.status === 'playing' && s.entities.size === 2);
  const ids = new Map([
    [ann, wa.playerId],
    [bob, wb.playerId],
  ]);
  const [it, runner] = started.entities.get(wa.playerId)!.seat === started.room.it ? [ann, bob] : [bob, ann];
  const itId = ids.get(it)!;
  const runnerId = ids.get(runner)!;

  // The runner cannot tag.
  expect(await answer(runner, { type: 'tag' })).toBe('TAG_NOT_IT');

  // The one who is it steers at the runner (standing still) and tags it once in reach.
  let result = '';
  for (let attempt = 0; attempt < 5 && result !== 'accepted'; attempt++) {
    const from = posOf(it.view, itId);
    const to = posOf(it.view, runnerId);
    const d = Math.hypot(to.x - from.x, to.y - from.y);
    if (d > REACH / 2) {
      it.send({ type: 'move', dx: (to.x - from.x) / d, dy: (to.y - from.y) / d });
      await until(it, (s) => {
        const a = posOf(s, itId);
        return Math.hypot(to.x - a.x, to.y - a.y) <= REACH / 2;
      });
    }
    it.send({ type: 'move', dx: 0, dy: 0 });
    result = await answer(it, { type: 'tag' });
  }
  expect(result).toBe('accepted');
  const tagged = await until(runner, (s) => s.room.tags === 1);
  const seatOf = (id: string) => tagged.entities.get(id)!.seat as number;
  expect(tagged.room.it).toBe(seatOf(runnerId));
  expect((tagged.room.scores as number[])[seatOf(itId) - 1]).toBe(1);

  // The round runs out: the one tagged is it, the tagger survived.
  const over = await until(ann, (s) => s.room.status === 'over');
  expect(over.room.round).toBe(1);
  expect((over.room.scores as number[])[seatOf(itId) - 1]).toBe(2);
  expect((over.room.scores as number[])[seatOf(runnerId) - 1]).toBe(0);
  const next = await until(bob, (s) => s.room.round === 2);
  expect(next.room.status).toBe('playing');
  // Gone before the next test matches by game type (a room with players would take its players).
  const closed = [ann, bob].map((c) => new Promise((resolve) => c.on('closed', resolve)));
  ann.leave();
  bob.leave();
  await Promise.all(closed);
  return wa.roomId;
}

describe('room client - tag through the SDK', () => {
  it('two players matched by game type: a refusal, a tag, a round end and a new round over WebSocket', async () => {
    const roomId = await playRound(wsUrl, undefined, 'ws');
    const ofRoom = events.filter((e) => e.source === `room/${roomId}`).map((e) => e.type);
    expect(ofRoom).toContain('game.tag.tagged');
    expect(ofRoom).toContain('game.tag.round.ended');
  });

  it('the same over TCP', async () => {
    await playRound(tcpUrl, createTcpConnector(), 'tcp');
  });
});

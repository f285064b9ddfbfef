/**
 * The room client against the real server parts (`@tickline/game`: room registry and runner, the
 * session layer, WebSocket and TCP transports) on loopback: two players matched by game type play
 * Connect Four to a win, over each transport.
 */
import {
  builtInGames,
  createJoinTokens,
  GameSessions,
  RoomRegistry,
  RoomSessions,
  ROOM_TOKEN_SCOPE,
  TcpTransport,
  WsTransport,
  type JoinTokens,
} from '@tickline/game';
import { createMetricsRegistry, type EventEnvelope } from '@tickline/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GameConnector } from './connector.ts';
import { RoomClient, type RoomStateView } from './room-client.ts';
import { createTcpConnector } from './tcp-connector.ts';

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
  tokens = createJoinTokens({ secret: 'room-client-test-secret-of-32-bytes-or-more' });
  const games = new Map(builtInGames().map((g) => [g.name, g]));
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

async function playToWin(url: string, connector: GameConnector | undefined, prefix: string) {
  const join = (id: string) =>
    new RoomClient({
      url,
      token: tokens.issue(`${prefix}-${id}`, ROOM_TOKEN_SCOPE).token,
      join: { game: 'connect-four' },
      ...(connector && { connector }),
    });
  const ann = join('ann');
  const bob = join('bob');
  const [wa, wb] = await Promise.all([ann.connect(), bob.connect()]);
  // Matched into one room by game type.
  expect(wa.roomId).toBe(wb.roomId);
  expect(wa.game).toBe('connect-four');
  const seatOf = (c: RoomClient, id: string) => c.view.entities.get(id)?.seat as number;
  await until(ann, (s) => s.room.status === 'playing' && s.entities.size === 2);
  const byseat = new Map([
    [seatOf(ann, wa.playerId), ann],
    [seatOf(ann, wb.playerId), bob],
  ]);
  const first = byseat.get(ann.view.room.turn as number)!;
  const second = first === ann ? bob : ann;
  // A move out of turn is refused with the game's own reason.
  const refused = new Promise((resolve) => second.on('reject', resolve));
  second.send({ type: 'drop', column: 0 });
  expect(await refused).toMatchObject({ seq: 1, reason: 'C4_NOT_YOUR_TURN' });
  // The first player stacks column 3, the second column 4: the first wins on its fourth piece.
  for (let i = 0; i < 4; i++) {
    first.send({ type: 'drop', column: 3 });
    const moves = 2 * i + 1;
    await until(second, (s) => s.room.moves === moves);
    if (i === 3) break;
    second.send({ type: 'drop', column: 4 });
    await until(first, (s) => s.room.moves === moves + 1);
  }
  const won = await until(second, (s) => s.room.status === 'won');
  const winnerId = first === ann ? wa.playerId : wb.playerId;
  expect(won.room.winner).toBe(seatOf(second, winnerId));
  expect(won.entities.get(winnerId)?.wins).toBe(1);
  ann.leave();
  bob.leave();
  return wa.roomId;
}

describe('room client - Connect Four through the SDK', () => {
  it('two players matched by game type play to a win over WebSocket', async () => {
    const roomId = await playToWin(wsUrl, undefined, 'ws');
    expect(events.some((e) => e.type === 'game.connect-four.round.ended' && e.source === `room/${roomId}`)).toBe(true);
  });

  it('two players matched by game type play to a win over TCP', async () => {
    await playToWin(tcpUrl, createTcpConnector(), 'tcp');
  });
});

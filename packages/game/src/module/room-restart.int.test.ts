/**
 * Rules rooms survive a restart of the embedded default: a game host with no Redis, on a temp data
 * dir with the embedded event log in it (the hot snapshots are files there), as `tickline start`
 * runs one. A private Connect Four room is played three moves in over TCP, the host is stopped and
 * its log closed; a new host on the same data dir brings the room back under its id and code, on
 * the same board and turn, and both players resume there with a new ticket and finish the game.
 * A room disposed of before the stop does not come back; its snapshot files are deleted.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, createPublisher } from '@tickline/eventlog';
import { createMetricsRegistry, loadConfig, silentLogger, systemClock } from '@tickline/kernel';
import { encodeRoomCommand, MessageType } from '@tickline/protocol';
import { freePort, until } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gameConfig } from '../config.ts';
import { roomSnapshotKey } from '../rooms/room-snapshots.ts';
import { TestGameClient } from '../transport/test-client.ts';
import { createGameHost } from './game-host.ts';

const context = { logger: silentLogger, fail: () => {} };
const dataDir = mkdtempSync(join(tmpdir(), 'tickline-room-restart-'));
const clients: TestGameClient[] = [];
afterAll(() => {
  for (const c of clients) c.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A game host of the embedded default on `dataDir`: its own log, publisher and TCP port. */
async function startHost() {
  const tcpPort = await freePort();
  const { game: settings } = loadConfig(z.strictObject({ game: gameConfig.schema }), {
    env: { TICKLINE_GAME_TCP_PORT: String(tcpPort), TICKLINE_GAME_TCP_HOST: '127.0.0.1' },
  });
  const metrics = createMetricsRegistry({ processMetrics: false });
  const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
  const publisher = createPublisher({ log, spillDir: join(dataDir, 'spill'), metrics });
  await publisher.start(context);
  const host = createGameHost({
    settings,
    role: 'all',
    publisher,
    eventLog: log,
    keys: { streamTicketSecret: new Uint8Array(32).fill(7) },
    config: { dataDir, redis: { keyPrefix: 'test:', commandTimeoutMs: 250 }, http: { tls: {} } },
    logger: silentLogger,
    metrics,
    clock: systemClock,
  });
  for (const s of host.services) await s.start(context);
  const service = host.services.find((s) => s.name === 'game')!;
  return {
    tcpPort,
    rooms: host.rooms!,
    scheduler: host.zones!.persistence.scheduler,
    desk: host.roomDesk!,
    service,
    /** A SIGTERM's order: the game first, then what it published reaches the log, which closes. */
    async stop() {
      for (const s of [...host.services].reverse()) await s.stop();
      await publisher.stop();
      await log.close();
    },
  };
}
type Host = Awaited<ReturnType<typeof startHost>>;

/** A room join over TCP with a fresh ticket, by private code. */
async function joinRoom(host: Host, userId: string, code: string) {
  const ticket = await host.desk.ticket({ userId }, { code });
  const client = await TestGameClient.tcp(host.tcpPort);
  clients.push(client);
  client.send({ type: MessageType.RoomJoin, token: ticket.token, code });
  return { client, welcome: await client.next(MessageType.RoomWelcome) };
}

type Board = { board: number[]; turn: number; status: string; winner: number; moves: number };
function stateOf(host: Host, roomId: string) {
  const { state } = host.rooms.get(roomId)!.room.snapshot();
  const seats = Object.fromEntries(state.entities.map(([id, e]) => [e.seat as number, id]));
  return { room: state.room as Board, seats };
}

/** Whoever is to move drops in `column`; resolves on the room's ack. */
async function drop(
  host: Host,
  roomId: string,
  players: Map<string, { client: TestGameClient; seq: number }>,
  column: number,
) {
  const { room, seats } = stateOf(host, roomId);
  const mover = players.get(seats[room.turn]!)!;
  const seq = ++mover.seq;
  mover.client.send({ type: MessageType.RoomCommand, seq, command: encodeRoomCommand({ type: 'drop', column }) });
  await mover.client.next(MessageType.RoomFrame, (f) => f.ack >= seq, 10_000);
}

describe('rooms across a restart of the embedded default', () => {
  it('restart - a Connect Four room comes back with its board, turn and code; its players resume and finish it', async () => {
    const first = await startHost();
    let second: Host | undefined;
    try {
      const created = await first.desk.create({ userId: 'ann' }, 'connect-four', true);
      const roomId = created.room.room;
      const code = created.code!;
      // A room disposed of before the stop is not brought back, and its snapshot files are deleted.
      const gone = first.rooms.create('connect-four').roomId;
      const goneFiles = join(dataDir, 'game-snapshots', encodeURIComponent(roomSnapshotKey(gone)));
      expect((await first.scheduler.takeNow(roomSnapshotKey(gone)))?.stored).toContain('file');
      expect(existsSync(goneFiles)).toBe(true);
      first.rooms.dispose(gone);
      await until(() => !existsSync(goneFiles), { timeoutMs: 10_000, what: "the disposed room's files deleted" });
      const players = new Map<string, { client: TestGameClient; seq: number }>();
      for (const id of ['ann', 'bob']) {
        const { client, welcome } = await joinRoom(first, id, code);
        expect(welcome).toMatchObject({ roomId, resumed: false });
        players.set(id, { client, seq: 0 });
      }
      await until(() => stateOf(first, roomId).room.status === 'playing', { timeoutMs: 10_000 });
      const starter = stateOf(first, roomId).room.turn;
      for (const column of [0, 1, 0]) await drop(first, roomId, players, column);
      const before = stateOf(first, roomId).room;
      expect(before).toMatchObject({ status: 'playing', moves: 3 });

      await first.stop();
      for (const { client } of players.values()) await client.ended;
      second = await startHost();
      const back = second.rooms.get(roomId);
      expect(back?.code).toBe(code);
      expect(second.rooms.get(gone)).toBeUndefined();
      expect(second.rooms.size).toBe(1);
      expect(stateOf(second, roomId).room).toMatchObject({
        board: before.board,
        turn: before.turn,
        status: 'playing',
        moves: 3,
      });
      expect(second.service.health().info).toMatchObject({ rooms: 1, roomsRecovered: 1 });

      for (const [id, player] of players) {
        const { client, welcome } = await joinRoom(second, id, code);
        expect(welcome).toMatchObject({ roomId, resumed: true, lastSeq: player.seq });
        player.client = client;
      }
      // Column 0 then 1 again: the starter's fourth in column 0 wins.
      for (const column of [1, 0, 1, 0]) await drop(second, roomId, players, column);
      expect(stateOf(second, roomId).room).toMatchObject({ status: 'won', winner: starter });
    } finally {
      await second?.stop();
    }
  }, 60_000);
});

/**
 * Rules rooms survive a restart of the embedded default, with the real `tickline start` (one
 * process, no Redis: file snapshots, the embedded log). Two players make and join a private
 * Connect Four room with the SDK's RoomClient; the operator restarts the server mid-game (SIGTERM,
 * then start on the same data dir): the room comes back under its id and code, both players
 * rejoin with a new ticket (`resumed: true`) on the same board and turn and play on. Then the
 * process is killed (`kill -9`) once their moves are on the log, started again, and they finish
 * the game there. The int-level test is packages/game/src/module/room-restart.int.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RoomClient } from '@tickline/client/game';
import { embeddedTestEnv, startTicklineServer, until, type RunningServer } from '@tickline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { callJson, initialAdminToken, signUpAndIn, type TestUser } from '../testing/api-clients.ts';
import { boardOf, dropFor, joinConnectFour, type Seated } from './testing/connect-four-players.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tickline-room-restart-e2e-'));
const env = embeddedTestEnv(dataDir, {
  TICKLINE_MARKET_ENABLED: 'false',
  TICKLINE_HTTP_RATE_LIMIT_ENABLED: 'false',
  // A restart on a busy machine may take longer than the default 30 s grace: the seats wait.
  TICKLINE_GAME_LIMITS_RESUME_GRACE_MS: '180000',
});
const opened: RoomClient[] = [];
let server: RunningServer | undefined;
afterAll(async () => {
  for (const room of opened) room.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('rooms across a restart - tickline start', () => {
  it('restart - a Connect Four game survives SIGTERM and kill -9 of the embedded server; both players resume and finish it', async () => {
    server = await startTicklineServer(env);
    const ann = await signUpAndIn(server.url, 'ann.restart@example.com');
    const bob = await signUpAndIn(server.url, 'bob.restart@example.com');
    const created = await callJson(server.url, 'POST', '/api/v1/game/rooms', {
      bearer: ann.accessToken,
      body: { game: 'connect-four', private: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const roomId = created.body.room.room as string;
    const code = created.body.code as string;
    const seat = async (user: TestUser) => joinConnectFour(server!.url, user, { code }, opened);
    let players: Seated[] = [await seat(ann), await seat(bob)];
    await until(() => boardOf(players[0]!.room).status === 'playing', { timeoutMs: 30_000, what: 'the game started' });
    const starter = boardOf(players[0]!.room).turn;
    // The starter builds column 0, the other column 1.
    for (const column of [0, 1, 0]) await dropFor(players, column);

    /** Both players' links close with the server; both rejoin it by code and resume. */
    const restarted = async (stop: NodeJS.Signals) => {
      const before = { ...boardOf(players[0]!.room) };
      const closed = players.map((p) => new Promise((resolve) => p.room.on('closed', resolve)));
      server!.child.kill(stop);
      await server!.exited;
      await Promise.all(closed);
      server = await startTicklineServer(env);
      const again = [await seat(ann), await seat(bob)];
      for (const p of again) {
        expect(p.welcome).toMatchObject({ roomId, resumed: true });
        expect(boardOf(p.room)).toMatchObject({ board: before.board, turn: before.turn, status: 'playing' });
      }
      return again;
    };

    players = await restarted('SIGTERM');
    const ready = (await (await fetch(`${server.url}/readyz`)).json()).services.game.info;
    expect(ready).toMatchObject({ rooms: 1, roomsRecovered: 1 });
    for (const column of [1, 0]) await dropFor(players, column);

    // A kill loses what was not yet on the log: wait until a replay of the room reaches the moves.
    const admin = await initialAdminToken(server.url, dataDir);
    const moveTick = players[0]!.room.tick;
    await until(
      async () => {
        const replay = await callJson(server!.url, 'GET', `/api/v1/admin/rooms/${roomId}/replay?player=${ann.userId}`, {
          bearer: admin,
        });
        return replay.status === 200 && replay.body.loggedThroughTick >= moveTick;
      },
      { timeoutMs: 60_000, what: 'the journal reached the log' },
    );
    players = await restarted('SIGKILL');
    // The starter completes column 0.
    for (const column of [1, 0]) await dropFor(players, column);
    await until(() => boardOf(players[1]!.room).status === 'won', { timeoutMs: 30_000, what: 'the game won' });
    expect(boardOf(players[0]!.room)).toMatchObject({ status: 'won', winner: starter });
  }, 400_000);
});

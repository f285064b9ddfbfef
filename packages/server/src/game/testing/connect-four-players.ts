/**
 * @module Two people playing Connect Four against a real `tickline` with the SDK's RoomClient, as
 * the e2e tests of rooms that outlive their process do: a ticket over HTTP for a room (asked again
 * while no process holds it yet), a RoomClient joined with it, and a move by whoever is to play.
 */
import { RoomClient } from '@tickline/client/game';
import { until } from '@tickline/testing';
import { callJson, type TestUser } from '../../testing/api-clients.ts';

export type Board = { board: number[]; turn: number; status: string; winner: number };

/** The room's fields as the server last sent them to this player. */
export const boardOf = (room: RoomClient): Board => room.authoritative.room as Board;

/** A player at the table. */
export interface Seated {
  user: TestUser;
  room: RoomClient;
}

/**
 * A ticket from `base` for `target` (`POST /game/rooms/join`, asked until it is 201: a room being
 * brought back or taken over answers 404 until then), then a RoomClient joined with it, once the
 * room's whole state (the frame after the welcome) is in. `opened` collects the clients to close.
 */
export async function joinConnectFour(
  base: string,
  user: TestUser,
  target: { room: string } | { code: string },
  opened: RoomClient[],
) {
  let ticket: { ws: string; token: string } | undefined;
  await until(
    async () => {
      const answer = await callJson(base, 'POST', '/api/v1/game/rooms/join', {
        bearer: user.accessToken,
        body: target,
      });
      if (answer.status === 201) ticket = answer.body;
      return ticket !== undefined;
    },
    { timeoutMs: 60_000, what: 'a ticket for the room' },
  );
  const room = new RoomClient({ url: ticket!.ws, token: ticket!.token, join: target });
  opened.push(room);
  const welcome = await room.connect();
  await until(() => boardOf(room).status !== undefined, { timeoutMs: 30_000, what: 'the reset frame' });
  return { user, room, welcome, ws: ticket!.ws };
}

/** Whoever of `players` is to move drops in `column`; resolves once every player's view shows it. */
export async function dropFor(players: readonly Seated[], column: number): Promise<void> {
  const turn = boardOf(players[0]!.room).turn;
  const mover = players.find((p) => p.room.authoritative.entities.get(p.user.userId)?.seat === turn)!.room;
  const acked = new Promise<void>((resolve) => {
    const off = mover.on('ack', () => {
      off();
      resolve();
    });
  });
  mover.send({ type: 'drop', column });
  await acked;
  await until(() => players.every((p) => (boardOf(p.room).board ?? []).join() === boardOf(mover).board.join()), {
    timeoutMs: 30_000,
    what: 'every view shows the move',
  });
}

/**
 * @module The turn-based row's players, one kind per server: a Tickline `RoomClient` matched into a
 * Connect Four room by game type, or a Colyseus SDK client in `joinOrCreate('connect-four')`. Both
 * decode every state change (two players a room, each must see whose turn it is) and expose the
 * same small view to the driver.
 */
import { Client } from '@colyseus/sdk';
import { RoomClient } from '@tickline/client/game';
import { createJoinTokens, ROOM_TOKEN_SCOPE, type JoinTokens } from '@tickline/game';

/** What the driver reads of a room, as a player last saw it. */
export interface BoardView {
  status: string;
  turn: number;
  moves: number;
  round: number;
  board: readonly number[];
}

/** One seated player of a Connect Four room. */
export interface C4Player {
  readonly roomId: string;
  /** 1 or 2 once the room started its first round. */
  seat(): number;
  view(): BoardView | undefined;
  drop(column: number): void;
  rematch(): void;
  close(): Promise<void>;
}

let tokens: JoinTokens | undefined;
let nextPlayer = 0;
const JOIN_ATTEMPTS = 5;
/** Joins refused and tried again, by server (reported: a refusal is a finding, not noise). */
export const refusedJoins = { tickline: 0, colyseus: 0 };

/** Joins with `attempt`, again (up to JOIN_ATTEMPTS) when refused, as a player would press "play" again. */
async function retrying<T>(kind: keyof typeof refusedJoins, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= JOIN_ATTEMPTS) throw error;
      refusedJoins[kind]++;
    }
  }
}

export function joinTicklineC4(wsUrl: string, secret: string): Promise<C4Player> {
  tokens ??= createJoinTokens({ secret, ttlMs: 120_000 });
  const playerId = `c4-${nextPlayer++}`;
  return retrying('tickline', () => connectTicklineC4(wsUrl, tokens!.issue(playerId, ROOM_TOKEN_SCOPE).token));
}

async function connectTicklineC4(wsUrl: string, token: string): Promise<C4Player> {
  const room = new RoomClient({ url: wsUrl, token, join: { game: 'connect-four' } });
  const welcome = await room.connect();
  return {
    roomId: welcome.roomId,
    seat: () => Number(room.view.entities.get(welcome.playerId)?.seat ?? 0),
    view: () => room.view.room as unknown as BoardView,
    drop: (column) => void room.send({ type: 'drop', column }),
    rematch: () => void room.send({ type: 'rematch' }),
    close: async () => room.close(),
  };
}

interface ColyseusBoard {
  status: string;
  turn: number;
  moves: number;
  round: number;
  board: { toArray(): number[] };
  players: { get(id: string): { seat: number } | undefined };
}

export async function joinColyseusC4(port: number): Promise<C4Player> {
  const sdk = new Client(`http://127.0.0.1:${port}`);
  const room = await retrying('colyseus', () => sdk.joinOrCreate<ColyseusBoard>('connect-four'));
  let last: ColyseusBoard | undefined;
  room.onStateChange((state) => void (last = state));
  return {
    roomId: room.roomId,
    seat: () => last?.players.get(room.sessionId)?.seat ?? 0,
    view: () =>
      last && { status: last.status, turn: last.turn, moves: last.moves, round: last.round, board: last.board.toArray() },
    drop: (column) => room.send('drop', column),
    rematch: () => room.send('rematch'),
    close: () => room.leave(true).then(() => {}, () => {}),
  };
}

/**
 * @module Connect Four on the rules API: two players, a 7 × 6 board, turns, a win or a draw, a
 * rematch. No space: every player sees the whole room. Written only against the public API.
 */
import { defineEvent } from '@tickline/kernel';
import { z } from 'zod';
import { accept, defineGame, field, reject, type RoomState } from '../../rules/index.ts';

export const COLUMNS = 7;
export const ROWS = 6;
/** In a row to win. */
const LINE = 4;
/** Cell values: empty, or the seat of the player whose piece it is. */
export const Cell = { Empty: 0, One: 1, Two: 2 } as const;

export const PieceDropped = defineEvent({
  type: 'game.connect-four.piece.dropped',
  description: 'A Connect Four player dropped a piece; column and row (0 = bottom) say where it landed.',
  schema: z.object({ playerId: z.string(), column: z.number().int(), row: z.number().int(), round: z.number().int() }),
});

export const RoundEnded = defineEvent({
  type: 'game.connect-four.round.ended',
  description: 'A Connect Four round ended: a win (winner is a player id) or a draw (winner null).',
  schema: z.object({ winner: z.string().nullable(), round: z.number().int(), moves: z.number().int() }),
});

const room = {
  /** `row * COLUMNS + column`, row 0 at the bottom; each cell a {@link Cell}. */
  board: field.ints(COLUMNS * ROWS, 0, 2),
  status: field.enum(['waiting', 'playing', 'won', 'draw']),
  /** The seat to play (1 or 2), 0 when nobody is to play. */
  turn: field.int(0, 2),
  /** The winning seat, 0 for none. */
  winner: field.int(0, 2),
  moves: field.int(0, COLUMNS * ROWS),
  round: field.int(0, Number.MAX_SAFE_INTEGER),
  /** The seat that opened the current round (rounds alternate). */
  starter: field.int(0, 2),
};
const entity = {
  seat: field.int(1, 2),
  /** Asked for a rematch after the round ended. */
  rematch: field.bool(),
  wins: field.int(0, Number.MAX_SAFE_INTEGER),
};
type State = RoomState<typeof room, typeof entity>;

function seatOf(state: State, playerId: string): number {
  return state.entities.get(playerId)?.seat ?? 0;
}

function playerAt(state: State, seat: number): string | undefined {
  for (const [id, e] of state.entities) if (e.seat === seat) return id;
  return undefined;
}

/** Starts a round with an empty board; `starter` moves first. */
function startRound(state: State, starter: number): void {
  const r = state.room;
  r.board = new Array<number>(COLUMNS * ROWS).fill(Cell.Empty);
  r.status = 'playing';
  r.turn = starter;
  r.starter = starter;
  r.winner = 0;
  r.moves = 0;
  r.round += 1;
  for (const e of state.entities.values()) e.rematch = false;
}

/** Whether the piece at (column, row) completes a line of {@link LINE}. */
export function winsAt(board: readonly number[], column: number, row: number): boolean {
  const seat = board[row * COLUMNS + column];
  const at = (c: number, r: number): number | undefined =>
    c >= 0 && c < COLUMNS && r >= 0 && r < ROWS ? board[r * COLUMNS + c] : undefined;
  for (const [dc, dr] of [
    [1, 0],
    [0, 1],
    [1, 1],
    [1, -1],
  ] as const) {
    let count = 1;
    for (let k = 1; at(column + dc * k, row + dr * k) === seat; k++) count++;
    for (let k = 1; at(column - dc * k, row - dr * k) === seat; k++) count++;
    if (count >= LINE) return true;
  }
  return false;
}

export const connectFour = defineGame({
  name: 'connect-four',
  version: 1,
  players: { min: 2, max: 2 },
  state: { room, entity },
  commands: {
    drop: { column: field.int(0, COLUMNS - 1) },
    rematch: {},
  },
  reasons: {
    C4_NOT_PLAYING: 'No round is being played (waiting for a second player, or the round ended).',
    C4_NOT_YOUR_TURN: 'The other player is to move.',
    C4_COLUMN_FULL: 'The column holds six pieces already.',
    C4_ROUND_NOT_OVER: 'A rematch can be asked only once the round is won or drawn.',
  },
  events: [PieceDropped, RoundEnded],

  init: () => ({
    board: new Array<number>(COLUMNS * ROWS).fill(Cell.Empty),
    status: 'waiting',
    turn: 0,
    winner: 0,
    moves: 0,
    round: 0,
    starter: 0,
  }),

  join(state, playerId, ctx) {
    const seat = playerAt(state, 1) === undefined ? 1 : 2;
    state.entities.set(playerId, { seat, rematch: false, wins: 0 });
    // The first round's opener is drawn by lot (the room's seeded random); later rounds alternate.
    if (state.entities.size === 2) startRound(state, state.room.round === 0 ? ctx.random.int(1, 2) : 3 - state.room.starter);
    return accept();
  },

  leave(state, playerId, ctx) {
    const seat = seatOf(state, playerId);
    state.entities.delete(playerId);
    if (state.room.status !== 'playing') return;
    // Leaving mid-round forfeits it.
    const other = playerAt(state, 3 - seat);
    state.room.status = 'won';
    state.room.turn = 0;
    state.room.winner = 3 - seat;
    if (other !== undefined) state.entities.get(other)!.wins += 1;
    ctx.emit(RoundEnded, { winner: other ?? null, round: state.room.round, moves: state.room.moves });
  },

  command(state, playerId, command, ctx) {
    const r = state.room;
    const me = state.entities.get(playerId)!;
    if (command.type === 'rematch') {
      if (r.status !== 'won' && r.status !== 'draw') return reject('C4_ROUND_NOT_OVER');
      me.rematch = true;
      const everyone = [...state.entities.values()];
      if (everyone.length === 2 && everyone.every((e) => e.rematch)) startRound(state, 3 - r.starter);
      return accept();
    }
    if (r.status !== 'playing') return reject('C4_NOT_PLAYING');
    if (r.turn !== me.seat) return reject('C4_NOT_YOUR_TURN');
    let row = 0;
    while (row < ROWS && r.board[row * COLUMNS + command.column] !== Cell.Empty) row++;
    if (row === ROWS) return reject('C4_COLUMN_FULL');
    r.board[row * COLUMNS + command.column] = me.seat;
    r.moves += 1;
    ctx.emit(PieceDropped, { playerId, column: command.column, row, round: r.round }, playerId);
    if (winsAt(r.board, command.column, row)) {
      r.status = 'won';
      r.winner = me.seat;
      r.turn = 0;
      me.wins += 1;
      ctx.emit(RoundEnded, { winner: playerId, round: r.round, moves: r.moves });
    } else if (r.moves === COLUMNS * ROWS) {
      r.status = 'draw';
      r.turn = 0;
      ctx.emit(RoundEnded, { winner: null, round: r.round, moves: r.moves });
    } else r.turn = 3 - me.seat;
    return accept();
  },
});

export default connectFour;

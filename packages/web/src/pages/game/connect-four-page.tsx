/**
 * @module Connect Four in the browser, on a rules room: find a match (two players asking for the
 * game are seated together), or create a private room and share its code. A drop shows at once
 * (the SDK's prediction hook) and the server's answer settles it.
 */
import type { RoomPredictor } from '@tickline/client/game';
import type { ReactNode } from 'react';
import { outOfRoom, RoomJoinButtons, RoomStatusLines } from './room-join-controls.tsx';
import { useRoom } from './use-room.ts';

const COLUMNS = 7;
const ROWS = 6;

/** What a drop does, as the game's handler would: for the board to answer at once. */
const predictDrop: RoomPredictor = (state, command, me) => {
  const r = state.room;
  const seat = state.entities.get(me)?.seat as number | undefined;
  if (seat === undefined || command.type !== 'drop' || r.status !== 'playing' || r.turn !== seat) return;
  const board = r.board as number[];
  const column = command.column as number;
  for (let row = 0; row < ROWS; row++)
    if (board[row * COLUMNS + column] === 0) {
      board[row * COLUMNS + column] = seat;
      r.turn = 3 - seat;
      return;
    }
};

function statusText(status: unknown, turn: unknown, winner: unknown, seat: number | undefined): string {
  if (status === 'waiting') return 'Waiting for a second player';
  if (status === 'draw') return 'Draw';
  if (status === 'won') return winner === seat ? 'You won' : 'You lost';
  return turn === seat ? 'Your turn' : "Opponent's turn";
}

export function ConnectFourPage(): ReactNode {
  const { view, join, leave, send } = useRoom('connect-four', predictDrop);
  const room = view.room?.room;
  const seat = view.playerId ? (view.room?.entities.get(view.playerId)?.seat as number | undefined) : undefined;
  const board = (room?.board as number[] | undefined) ?? [];
  const over = room?.status === 'won' || room?.status === 'draw';

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Connect Four</h1>
        <p className="muted">A turn-based room game written against the game rules API.</p>
      </header>
      <div className="grid game-layout">
        <section className="card" aria-label="Board">
          {room ? (
            <table className="c4-board">
              <thead>
                <tr>
                  {Array.from({ length: COLUMNS }, (_, column) => (
                    <th key={column}>
                      <button
                        type="button"
                        aria-label={`Drop in column ${column + 1}`}
                        disabled={room.status !== 'playing' || room.turn !== seat}
                        onClick={() => send({ type: 'drop', column })}
                      >
                        ↓
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: ROWS }, (_, i) => ROWS - 1 - i).map((row) => (
                  <tr key={row}>
                    {Array.from({ length: COLUMNS }, (_, column) => {
                      const cell = board[row * COLUMNS + column] ?? 0;
                      return (
                        <td key={column} data-testid={`c4-cell-${column}-${row}`} data-seat={cell}>
                          {cell === 0 ? '·' : cell === seat ? '●' : '○'}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">Find a match, or create a private room and share its code.</p>
          )}
        </section>
        <aside className="card stack" aria-label="Room status">
          <RoomStatusLines view={view} />
          {room && (
            <p data-testid="c4-status">{statusText(room.status, room.turn, room.winner, seat)}</p>
          )}
          {outOfRoom(view) ? (
            <RoomJoinButtons join={join} />
          ) : (
            <>
              {over && (
                <button type="button" onClick={() => send({ type: 'rematch' })}>
                  Rematch
                </button>
              )}
              <button type="button" onClick={leave}>
                Leave
              </button>
            </>
          )}
        </aside>
      </div>
    </main>
  );
}

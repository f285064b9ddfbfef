/**
 * @module The room status and join controls a game page shows beside its board: the connection,
 * a private room's code, the last refusal or close, and — while not in a room — find a match,
 * create a private room, join by code.
 */
import { useState, type ReactNode } from 'react';
import type { RoomJoinChoice, RoomPageView } from './use-room.ts';

export function RoomStatusLines({ view }: { view: RoomPageView }): ReactNode {
  return (
    <>
      <p>
        Connection: <span data-testid="room-state">{view.state}</span>
      </p>
      {view.code && (
        <p>
          Room code: <strong data-testid="room-code">{view.code}</strong>
        </p>
      )}
      {view.rejection && <p role="alert">Refused: {view.rejection}</p>}
      {view.error && view.state === 'closed' && <p role="alert">{view.error}</p>}
    </>
  );
}

/** The join choices, shown while the page is in no room. */
export function RoomJoinButtons({ join }: { join: (choice: RoomJoinChoice) => void }): ReactNode {
  const [code, setCode] = useState('');
  return (
    <>
      <button type="button" onClick={() => join({ kind: 'match' })}>
        Find a match
      </button>
      <button type="button" onClick={() => join({ kind: 'create' })}>
        Create a private room
      </button>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          join({ kind: 'code', code });
        }}
      >
        <label>
          Code <input value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <button type="submit" disabled={code.trim() === ''}>
          Join by code
        </button>
      </form>
    </>
  );
}

/** Whether the page is in no room (so it offers the join choices). */
export const outOfRoom = (view: RoomPageView): boolean => view.state === 'idle' || view.state === 'closed';

/**
 * @module Any rules game in the browser, with no page of its own (`/play/:game`): find a match,
 * create a private room or join one by code, see the room's fields and each entity's as the server
 * sends them, and send the game's commands as JSON (`{"type": "add", "by": 3}`). What a game
 * developer plays first (docs/game.md, "Write your own game"); a game's own page can come later.
 */
import { useState, type ReactNode } from 'react';
import { outOfRoom, RoomJoinButtons, RoomStatusLines } from './room-join-controls.tsx';
import { useRoom } from './use-room.ts';

const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function PlayPage({ game }: { game: string }): ReactNode {
  const { view, join, leave, send } = useRoom(game);
  const [command, setCommand] = useState('{"type": ""}');
  const [problem, setProblem] = useState<string>();
  const room = view.room;

  function onSend() {
    let parsed: unknown;
    try {
      parsed = JSON.parse(command);
    } catch {
      return setProblem('Not JSON: write the command as {"type": "…", …its fields}.');
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string')
      return setProblem('A command is an object with a "type".');
    setProblem(undefined);
    send(parsed as { type: string } & Record<string, unknown>);
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Play {game}</h1>
        <p className="muted">A rules room of the game as the server sends it; commands as JSON.</p>
      </header>
      <div className="grid game-layout">
        <section className="card stack" aria-label="Room">
          {room ? (
            <>
              <h2>Room</h2>
              <table data-testid="play-room">
                <tbody>
                  {Object.entries(room.room).map(([field, value]) => (
                    <tr key={field}>
                      <th scope="row">{field}</th>
                      <td data-testid={`play-room-${field}`}>{show(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Entities</h2>
              <table data-testid="play-entities">
                <tbody>
                  {[...room.entities].map(([id, values]) => (
                    <tr key={id}>
                      <th scope="row">{id === view.playerId ? `${id} (you)` : id}</th>
                      <td>{show(values)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="muted">Find a match, or create a private room and share its code.</p>
          )}
        </section>
        <aside className="card stack" aria-label="Room status">
          <RoomStatusLines view={view} />
          {outOfRoom(view) ? (
            <RoomJoinButtons join={join} />
          ) : (
            <form
              className="stack"
              onSubmit={(event) => {
                event.preventDefault();
                onSend();
              }}
            >
              <label>
                Command <textarea rows={3} value={command} onChange={(e) => setCommand(e.target.value)} />
              </label>
              {problem && <p role="alert">{problem}</p>}
              <button type="submit">Send</button>
              <button type="button" onClick={leave}>
                Leave
              </button>
            </form>
          )}
        </aside>
      </div>
    </main>
  );
}

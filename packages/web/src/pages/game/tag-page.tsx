/**
 * @module Tag in the browser, on a rules room: an SVG of the map with the players this one sees
 * (the engine's interest management sends those within the view radius), who is it, the scores by
 * seat and the round's time left. Arrow keys or WASD steer while the map has focus (a command
 * only when the direction changes: the server moves everyone each tick); space or the button tags.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { outOfRoom, RoomJoinButtons, RoomStatusLines } from './room-join-controls.tsx';
import { useRoom } from './use-room.ts';
import { STEER_KEYS } from './steer-keys.ts';

/** The built-in tag's map and view radius (`tagGame` defaults). */
const WIDTH = 40;
const HEIGHT = 30;
const VIEW_RADIUS = 15;

interface SeenPlayer {
  id: string;
  seat: number;
  x: number;
  y: number;
}

function statusText(
  status: unknown,
  round: unknown,
  it: unknown,
  seat: number | undefined,
  secondsLeft: number,
): string {
  if (status === 'waiting') return 'Waiting for a second player';
  if (status === 'over') return `Round ${String(round)} over: next in ${secondsLeft} s`;
  const role = it === seat ? 'You are it' : `Run: seat ${String(it)} is it`;
  return `Round ${String(round)}, ${secondsLeft} s left. ${role}`;
}


export function TagPage(): ReactNode {
  const { view, join, leave, send } = useRoom('tag');
  const held = useRef(new Set<string>());
  const steering = useRef('0,0');
  const room = view.room?.room;
  const players: SeenPlayer[] = [...(view.room?.entities ?? [])].map(([id, e]) => ({
    id,
    seat: e.seat as number,
    x: e.x as number,
    y: e.y as number,
  }));
  const me = players.find((p) => p.id === view.playerId);
  const scores = (room?.scores as number[] | undefined) ?? [];
  // The server counts the round in ticks and says the seconds left (a frame each second).
  const secondsLeft = (room?.secondsLeft as number | undefined) ?? 0;

  /** Sends the held keys' direction when it changed. */
  function steer(): void {
    let dx = 0;
    let dy = 0;
    for (const key of held.current) {
      dx += STEER_KEYS[key]![0];
      dy += STEER_KEYS[key]![1];
    }
    const length = Math.hypot(dx, dy) || 1;
    const next = `${dx / length},${dy / length}`;
    if (next === steering.current) return;
    steering.current = next;
    send({ type: 'move', dx: dx / length, dy: dy / length });
  }
  function onKey(event: KeyboardEvent, down: boolean): void {
    if (event.key === ' ') {
      event.preventDefault();
      if (down && !event.repeat) send({ type: 'tag' });
      return;
    }
    if (!(event.key in STEER_KEYS)) return;
    event.preventDefault();
    if (down) held.current.add(event.key);
    else held.current.delete(event.key);
    steer();
  }

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Tag</h1>
        <p className="muted">
          A real-time game written against the game rules API: one player is it; tag a runner to pass it on.
        </p>
      </header>
      <div className="grid game-layout">
        <section className="card" aria-label="Map">
          {room ? (
            <svg
              role="img"
              aria-label="Tag map: arrow keys or WASD to steer, space to tag"
              data-testid="tag-map"
              viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
              tabIndex={0}
              style={{ width: '100%', maxWidth: 800, background: 'var(--surface-2, #f4f4f5)' }}
              onKeyDown={(e) => onKey(e, true)}
              onKeyUp={(e) => onKey(e, false)}
              onBlur={() => {
                held.current.clear();
                steer();
              }}
            >
              {me && (
                <circle
                  cx={me.x}
                  cy={me.y}
                  r={VIEW_RADIUS}
                  fill="none"
                  stroke="currentColor"
                  strokeOpacity={0.15}
                  strokeWidth={0.1}
                />
              )}
              {players.map((p) => (
                <g
                  key={p.id}
                  data-testid={p.id === view.playerId ? 'tag-me' : 'tag-other'}
                  data-x={p.x.toFixed(2)}
                  data-y={p.y.toFixed(2)}
                >
                  <circle
                    cx={p.x}
                    cy={p.y}
                    r={0.6}
                    fill={p.seat === room.it ? '#dc2626' : '#2563eb'}
                    stroke={p.id === view.playerId ? '#111' : 'none'}
                    strokeWidth={0.15}
                  />
                  <text x={p.x} y={p.y - 0.9} fontSize={0.9} textAnchor="middle">
                    {p.seat}
                  </text>
                </g>
              ))}
            </svg>
          ) : (
            <p className="muted">Find a match, or create a private room and share its code.</p>
          )}
        </section>
        <aside className="card stack" aria-label="Room status">
          <RoomStatusLines view={view} />
          {room && (
            <p data-testid="tag-status">
              {statusText(room.status, room.round, room.it, me?.seat, secondsLeft)}
            </p>
          )}
          {room && (
            <table aria-label="Scores">
              <tbody>
                {scores.map((points, i) =>
                  points > 0 || i + 1 === me?.seat ? (
                    <tr key={i}>
                      <th scope="row">{i + 1 === me?.seat ? `Seat ${i + 1} (you)` : `Seat ${i + 1}`}</th>
                      <td data-testid={`tag-score-${i + 1}`}>{points}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          )}
          {outOfRoom(view) ? (
            <RoomJoinButtons join={join} />
          ) : (
            <>
              <button type="button" onClick={() => send({ type: 'tag' })}>
                Tag
              </button>
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

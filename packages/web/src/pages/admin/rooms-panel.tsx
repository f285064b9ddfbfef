/**
 * @module Rules rooms (moderation): the rooms of every game process by game, a room's live state
 * and seats, and per player kick, mute, a message, a ban, and the replay of the room as that
 * player saw it (its frames, acks and rejections, rebuilt from the log); the room's hand-off to
 * another game process. Every action is audited.
 */
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { FormError } from '../../components/field.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import type { AdminRoom, AdminRoomDetail, AdminRoomReplay, HandedOff } from '@tickline/protocol';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';

const roomPath = (id: string) => `${ADMIN}/rooms/${encodeURIComponent(id)}`;
/** A mute from the dashboard lasts this long; the API and CLI take any length. */
const MUTE_MINUTES = 10;
const BAN_MINUTES = 60;

export function RoomsPanel(): ReactNode {
  const { client } = useSession();
  const [game, setGame] = useState('');
  const [selected, setSelected] = useState<string>();
  const rooms = usePolling(
    async () =>
      (
        await client.request<{ rooms: AdminRoom[] }>({
          method: 'GET',
          path: `${ADMIN}/rooms${game ? `?game=${encodeURIComponent(game)}` : ''}`,
        })
      ).rooms,
    ADMIN_REFRESH_MS * 2,
    [client, game],
  );
  return (
    <section className="card stack" aria-labelledby="rooms-title">
      <h2 id="rooms-title">Rooms</h2>
      <div className="row">
        <label htmlFor="rooms-game">Game</label>
        <input id="rooms-game" value={game} placeholder="every game" onChange={(e) => setGame(e.target.value.trim())} />
      </div>
      {rooms.status === 'error' && !rooms.data ? (
        <ErrorState error={rooms.error} onRetry={rooms.reload} />
      ) : !rooms.data ? (
        <Loading label="Loading rooms…" />
      ) : rooms.data.length === 0 ? (
        <Empty title={game ? `No ${game} rooms` : 'No rooms'} />
      ) : (
        <table data-testid="rooms-table">
          <thead>
            <tr>
              <th scope="col">Room</th>
              <th scope="col">Game</th>
              <th scope="col">Players</th>
              <th scope="col">Access</th>
              <th scope="col">Tick</th>
            </tr>
          </thead>
          <tbody>
            {rooms.data.map((r) => (
              <tr key={r.roomId}>
                <td>
                  <button type="button" className="link-button" onClick={() => setSelected(r.roomId)}>
                    {r.roomId}
                  </button>
                </td>
                <td>{r.game}</td>
                <td>
                  {r.players}/{r.maxPlayers}
                </td>
                <td>{r.private ? `private ${r.code ?? ''}` : 'public'}</td>
                <td>{r.closed ? 'closed' : r.tick}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected ? <RoomCard roomId={selected} /> : null}
    </section>
  );
}

function RoomCard({ roomId }: { roomId: string }): ReactNode {
  const { client } = useSession();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [replay, setReplay] = useState<AdminRoomReplay>();
  const detail = usePolling(
    () => client.request<AdminRoomDetail>({ method: 'GET', path: roomPath(roomId) }),
    ADMIN_REFRESH_MS,
    [client, roomId],
  );

  async function act<T>(label: string | ((result: T) => string), run: () => Promise<T>) {
    setError(undefined);
    setDone(undefined);
    try {
      const result = await run();
      setDone(typeof label === 'string' ? label : label(result));
      detail.reload();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }
  const post = (path: string, body: unknown) => client.request({ method: 'POST', path, body });
  const ask = (question: string) => window.prompt(question)?.trim() || undefined;

  if (detail.status === 'error' && !detail.data) return <ErrorState error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading label="Loading room…" />;
  const room = detail.data;
  return (
    <div className="stack" data-testid="room-detail">
      <h3>
        {room.roomId} · {room.game} v{room.gameVersion} · tick {room.tick}
      </h3>
      <div className="row">
        <button
          type="button"
          className="button"
          data-testid="room-handoff"
          onClick={() => {
            if (!window.confirm(`Move ${room.roomId} to another game server? Its players reconnect there.`)) return;
            void act(
              (moved: HandedOff) =>
                moved.to
                  ? `Handed off from ${moved.from} to ${moved.to}; ${moved.playersTold} players told.`
                  : `Let go by ${moved.from}; no other game server took it yet.`,
              () => client.request<HandedOff>({ method: 'POST', path: `${roomPath(roomId)}/handoff`, body: {} }),
            );
          }}
        >
          Hand off to another server
        </button>
      </div>
      <FormError message={error} />
      {done ? (
        <p className="muted" role="status" data-testid="room-action-result">
          {done}
        </p>
      ) : null}
      {room.seats.length === 0 ? (
        <p className="muted small">No players.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Player</th>
              <th scope="col">Seat</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {room.seats.map((s) => (
              <tr key={s.playerId}>
                <td>{s.playerId}</td>
                <td>
                  {s.joined ? 'in' : 'joining'} · {s.connected ? 'connected' : 'in grace'}
                  {s.mutedUntil ? ` · muted until ${new Date(s.mutedUntil).toLocaleTimeString()}` : ''}
                </td>
                <td className="row">
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      const reason = ask(`Why remove ${s.playerId}?`);
                      if (reason) void act(`Removed ${s.playerId}.`, () => post(`${roomPath(roomId)}/kick`, { playerId: s.playerId, reason }));
                    }}
                  >
                    Kick
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void act(s.mutedUntil ? `Unmuted ${s.playerId}.` : `Muted ${s.playerId} for ${MUTE_MINUTES} minutes.`, () =>
                        post(`${roomPath(roomId)}/mute`, { playerId: s.playerId, minutes: s.mutedUntil ? 0 : MUTE_MINUTES }),
                      )
                    }
                  >
                    {s.mutedUntil ? 'Unmute' : 'Mute'}
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      const text = ask(`Message to ${s.playerId}`);
                      if (text) void act(`Told ${s.playerId}.`, () => post(`${roomPath(roomId)}/message`, { playerId: s.playerId, text }));
                    }}
                  >
                    Message
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      const reason = ask(`Why ban ${s.playerId} from rooms for ${BAN_MINUTES} minutes?`);
                      if (reason)
                        void act(`Banned ${s.playerId} for ${BAN_MINUTES} minutes.`, () =>
                          post(`${ADMIN}/room-bans`, { playerId: s.playerId, minutes: BAN_MINUTES, reason }),
                        );
                    }}
                  >
                    Ban
                  </button>
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void act(`Replayed the room as ${s.playerId} saw it.`, async () =>
                        setReplay(
                          await client.request<AdminRoomReplay>({
                            method: 'GET',
                            path: `${roomPath(roomId)}/replay?player=${encodeURIComponent(s.playerId)}`,
                          }),
                        ),
                      )
                    }
                  >
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Live state</summary>
        <pre className="small">{JSON.stringify(room.state, null, 2)}</pre>
      </details>
      {replay ? <ReplayTable replay={replay} /> : null}
    </div>
  );
}

function ReplayTable({ replay }: { replay: AdminRoomReplay }): ReactNode {
  return (
    <div className="stack" data-testid="room-replay">
      <h4>
        As {replay.playerId} saw it, ticks {replay.fromTick}–{replay.toTick}
      </h4>
      {replay.messages.length === 0 ? (
        <p className="muted small">Nothing was sent to the player in this window.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Tick</th>
              <th scope="col">Message</th>
              <th scope="col">Answer</th>
            </tr>
          </thead>
          <tbody>
            {replay.messages.map((m, i) => (
              <tr key={i}>
                <td>{m.tick}</td>
                <td>{m.kind}</td>
                <td>
                  {m.kind === 'reject'
                    ? `seq ${m.seq}: ${m.reason}${m.message ? ` (${m.message})` : ''}`
                    : m.ack !== undefined && m.ack >= 0
                      ? `ack ${m.ack}`
                      : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

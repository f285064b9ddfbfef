/** @module Player lookup: search by id or email, then the player's live state and session history. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { formText } from '../../components/field.tsx';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import type { Player, PlayerDetail } from '@tickline/protocol';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';

export function PlayersPanel(): ReactNode {
  const { client } = useSession();
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string>();
  const players = usePolling(
    async () => {
      const search = new URLSearchParams({ limit: '20', ...(query ? { query } : { online: 'true' }) });
      return (
        await client.request<{ players: Player[] }>({
          method: 'GET',
          path: `${ADMIN}/players?${search.toString()}`,
        })
      ).players;
    },
    ADMIN_REFRESH_MS * 2,
    [client, query],
  );

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setQuery(formText(new FormData(event.currentTarget), 'query').trim());
    setSelected(undefined);
  }

  return (
    <section className="card stack" aria-labelledby="players-title">
      <h2 id="players-title">Players</h2>
      <form className="row" role="search" onSubmit={onSearch}>
        <label htmlFor="player-query" className="visually-hidden">
          Player id or email
        </label>
        <input
          id="player-query"
          name="query"
          className="search-input"
          placeholder="Player id or email (empty: online now)"
        />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {players.status === 'error' && !players.data ? (
        <ErrorState error={players.error} onRetry={players.reload} />
      ) : !players.data ? (
        <Loading label="Searching…" />
      ) : players.data.length === 0 ? (
        <Empty title={query ? `No player matches “${query}”` : 'Nobody is online'} />
      ) : (
        <ul className="key-list">
          {players.data.map((p) => (
            <li key={p.playerId} className="key">
              <div>
                <button type="button" className="link-button" onClick={() => setSelected(p.playerId)}>
                  {p.profile?.email ?? p.playerId}
                </button>
                <div className="muted small">
                  {p.online ? `online in ${p.zoneId ?? '?'}` : 'offline'}
                  {p.position ? ` · ${p.position.x.toFixed(1)}, ${p.position.y.toFixed(1)}` : ''}
                </div>
              </div>
              <span className={p.online ? 'pill pill-good' : 'pill'}>{p.online ? 'online' : 'offline'}</span>
            </li>
          ))}
        </ul>
      )}
      {selected ? <PlayerCard id={selected} /> : null}
    </section>
  );
}

function PlayerCard({ id }: { id: string }): ReactNode {
  const { client } = useSession();
  const detail = usePolling(
    () => client.request<PlayerDetail>({ method: 'GET', path: `${ADMIN}/players/${encodeURIComponent(id)}` }),
    ADMIN_REFRESH_MS,
    [client, id],
  );
  if (detail.status === 'error' && !detail.data)
    return <ErrorState error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading label="Loading player…" />;
  const { player, sessions, live } = detail.data;
  return (
    <div className="player-card" data-testid="player-detail">
      <h3>{player.profile?.email ?? player.playerId}</h3>
      <p className="muted small">
        {player.profile ? `${player.profile.role} · ${player.profile.tier} · ` : ''}
        {live
          ? `live in ${live.zoneId} at ${live.x.toFixed(1)}, ${live.y.toFixed(1)} (tick ${live.tick})`
          : player.online
            ? 'online'
            : 'offline'}
        {player.lastSeenAt ? ` · last seen ${new Date(player.lastSeenAt).toLocaleString()}` : ''}
      </p>
      {sessions.length === 0 ? (
        <p className="muted small">No sessions.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Zone</th>
              <th scope="col">Joined</th>
              <th scope="col">Left</th>
            </tr>
          </thead>
          <tbody>
            {sessions.slice(0, 10).map((s) => (
              <tr key={s.sessionId}>
                <td>{s.zoneId}</td>
                <td>{s.joinedAt ? new Date(s.joinedAt).toLocaleTimeString() : '—'}</td>
                <td>
                  {s.leftAt
                    ? `${new Date(s.leftAt).toLocaleTimeString()} (${s.leftReason ?? '—'})`
                    : 'playing'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

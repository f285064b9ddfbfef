/**
 * @module Play in the browser: pick a zone, join, move with the keyboard. Shows the connection
 * state, server tick, RTT and ack latency, how far the last reconciliation corrected the
 * prediction, other players in view, rejected moves and notices from the server.
 */
import type { ZoneList } from '@tickline/protocol';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { ErrorState, errorMessage } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import { GameCanvas, type Positions } from './game-canvas.tsx';
import { useGame } from './use-game.ts';

/** A move far beyond the speed limit, to see the server refuse it. */
const TELEPORT_UNITS = 40;
/**
 * How often the zone list is read again while the page is visible. Its player counts are the
 * zones' load reports (every second), so a read right at join would still show the old count.
 */
const ZONES_REFRESH_MS = 5_000;

export function GamePage(): ReactNode {
  const { client } = useSession();
  const zones = usePolling(
    async () => (await client.request<ZoneList>({ method: 'GET', path: '/api/v1/game/zones' })).zones,
    ZONES_REFRESH_MS,
    [client],
  );
  const [zone, setZone] = useState<string>('');
  const { client: game, view, join, leave } = useGame();
  const [positions, setPositions] = useState<Positions>();
  const playing = game !== undefined && view.state !== 'closed';
  const chosenZone = zone || zones.data?.[0]?.zone || '';

  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Game</h1>
        <p className="muted">
          Server-authoritative movement: your dot moves at once (prediction) and is corrected when the server
          answers.
        </p>
      </header>
      <div className="grid game-layout">
        <section className="card game-card" aria-label="Playfield">
          {game ? (
            <GameCanvas game={game} onFrame={setPositions} />
          ) : (
            <div className="playfield playfield-empty">
              <p className="muted">Join a zone to play.</p>
            </div>
          )}
        </section>
        <aside className="card stack" aria-label="Game status">
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              join(chosenZone || undefined);
            }}
          >
            <div className="field">
              <label htmlFor="zone">Zone</label>
              <select
                id="zone"
                value={chosenZone}
                onChange={(event) => setZone(event.target.value)}
                disabled={!zones.data?.length}
              >
                {(zones.data ?? []).map((z) => (
                  <option key={z.zone} value={z.zone}>
                    {z.zone} — {z.players}/{z.capacity} players
                  </option>
                ))}
              </select>
            </div>
            {zones.status === 'error' ? <ErrorState error={zones.error} onRetry={zones.reload} /> : null}
            <div className="row">
              <button type="submit" className="button button-primary" disabled={view.state === 'connecting'}>
                {playing ? 'Rejoin' : 'Play'}
              </button>
              {game ? (
                <button type="button" className="button" onClick={leave}>
                  Leave
                </button>
              ) : null}
              {view.state === 'connected' ? (
                <button
                  type="button"
                  className="button button-danger"
                  onClick={() => game?.move(TELEPORT_UNITS, 0)}
                >
                  Try a teleport
                </button>
              ) : null}
            </div>
          </form>
          {view.state === 'closed' && view.error ? <ErrorState error={view.error} /> : null}
          <dl className="hud">
            <dt>State</dt>
            <dd data-testid="game-state">{view.state}</dd>
            <dt>Zone</dt>
            <dd>{view.zone ?? '—'}</dd>
            <dt>Server tick</dt>
            <dd data-testid="game-tick">{positions?.tick ?? '—'}</dd>
            <dt>Position</dt>
            <dd data-testid="own-position" data-x={positions?.x} data-y={positions?.y}>
              {positions ? `${positions.x.toFixed(1)}, ${positions.y.toFixed(1)}` : '—'}
            </dd>
            <dt>Players in view</dt>
            <dd data-testid="others-count">{positions?.others ?? 0}</dd>
            <dt>RTT</dt>
            <dd>{view.rttMs === undefined ? '—' : `${view.rttMs.toFixed(0)} ms`}</dd>
            <dt>Ack latency</dt>
            <dd>{view.ackLatencyMs === undefined ? '—' : `${view.ackLatencyMs.toFixed(0)} ms`}</dd>
            <dt>Last correction</dt>
            <dd>{view.lastCorrection === undefined ? '—' : `${view.lastCorrection.toFixed(2)} units`}</dd>
          </dl>
          <section aria-labelledby="rejections-title">
            <h2 id="rejections-title">Rejected moves</h2>
            {view.rejections.length === 0 ? (
              <p className="muted small">
                None. Moves too fast or too far are refused and your position is reset.
              </p>
            ) : (
              <ul className="rejections" aria-live="polite">
                {view.rejections.map((r) => (
                  <li key={r.seq}>
                    <code>{r.reason}</code>{' '}
                    <span className="muted small">
                      seq {r.seq} · tick {r.tick}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {view.notices.length > 0 ? (
            <section aria-label="Server notices">
              <h2>Notices</h2>
              <ul className="rejections" data-testid="game-notices">
                {view.notices.map((text, i) => (
                  <li key={`${i}-${text}`}>{text}</li>
                ))}
              </ul>
            </section>
          ) : null}
          {view.state === 'closed' && !view.error ? (
            <p className="muted">{errorMessage('Disconnected')}</p>
          ) : null}
        </aside>
      </div>
    </main>
  );
}

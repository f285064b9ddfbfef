/** @module Snapshots of one zone: list, take one now, restore one (with a confirmation). */
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { usePolling } from '../../components/use-polling.ts';
import type { AdminSnapshot as Snapshot } from '@tickline/protocol';
import { ADMIN, ADMIN_REFRESH_MS } from './admin-api.ts';

/** Snapshots shown (newest first). */
const SHOWN = 5;

export function SnapshotsPanel({ zoneId }: { zoneId: string }): ReactNode {
  const { client } = useSession();
  const path = `${ADMIN}/zones/${encodeURIComponent(zoneId)}/snapshots`;
  const snapshots = usePolling(
    async () => (await client.request<{ snapshots: Snapshot[] }>({ method: 'GET', path })).snapshots,
    ADMIN_REFRESH_MS * 2,
    [client, path],
  );
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string>();

  async function run(action: () => Promise<string>) {
    setPending(true);
    try {
      setMessage(await action());
      snapshots.reload();
    } catch (error) {
      setMessage(errorMessage(error));
    } finally {
      setPending(false);
    }
  }

  const takeNow = () =>
    run(async () => {
      const taken = await client.request<Snapshot>({ method: 'POST', path, body: {} });
      return `Snapshot at tick ${taken.tick} taken (${players(taken.players)}).`;
    });
  const restore = (snapshot: Snapshot) => {
    if (!window.confirm(`Restore ${zoneId} to tick ${snapshot.tick}? Positions since then are lost.`)) return;
    void run(async () => {
      const restored = await client.request<{ tick: number; players: number }>({
        method: 'POST',
        path: `${path}/${encodeURIComponent(snapshot.id)}/restore`,
        body: {},
      });
      return `Restored ${zoneId} to tick ${restored.tick} (${players(restored.players)}).`;
    });
  };

  // Hot snapshots come every second: in one list sorted by time every row moved down each second
  // under the operator's pointer. An operator's own (manual) snapshots get a list of their own that
  // only changes when one is taken; the newest automatic ones are listed below it.
  const byNewest = [...(snapshots.data ?? [])].sort((a, b) => b.takenAt - a.takenAt);
  const manual = byNewest.filter((s) => s.kind === 'manual').slice(0, SHOWN);
  const automatic = byNewest.filter((s) => s.kind !== 'manual').slice(0, SHOWN);
  const list = (label: string, shown: readonly Snapshot[]) => (
    <ul className="key-list" aria-label={label}>
      {shown.map((s) => (
        <li key={s.id} className="key">
          <div>
            <strong>tick {s.tick}</strong> <span className="pill">{s.kind}</span>
            <div className="muted small">
              {new Date(s.takenAt).toLocaleTimeString()} · {players(s.players)} ·{' '}
              {(s.size / 1024).toFixed(1)} KiB
            </div>
          </div>
          <button
            type="button"
            className="button button-small"
            disabled={pending}
            onClick={() => restore(s)}
            aria-label={`Restore tick ${s.tick}`}
          >
            Restore
          </button>
        </li>
      ))}
    </ul>
  );
  return (
    <section aria-labelledby="snapshots-title" className="stack">
      <div className="row">
        <h3 id="snapshots-title">Snapshots of {zoneId}</h3>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={pending}
          onClick={() => void takeNow()}
        >
          Take snapshot now
        </button>
      </div>
      {message ? (
        <p className="muted" role="status" data-testid="snapshot-message">
          {message}
        </p>
      ) : null}
      {snapshots.status === 'error' && !snapshots.data ? (
        <ErrorState error={snapshots.error} onRetry={snapshots.reload} />
      ) : !snapshots.data ? (
        <Loading label="Loading snapshots…" />
      ) : manual.length + automatic.length === 0 ? (
        <Empty title="No snapshots yet" />
      ) : (
        <>
          {manual.length > 0 ? list('Manual snapshots', manual) : null}
          {automatic.length > 0 ? (
            <>
              <p className="muted small">Automatic, newest {SHOWN}:</p>
              {list('Automatic snapshots', automatic)}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

function players(count: number): string {
  return `${count} ${count === 1 ? 'player' : 'players'}`;
}

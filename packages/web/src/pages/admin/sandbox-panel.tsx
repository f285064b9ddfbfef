/**
 * @module Where user code runs (docs/sandbox.md): this node's sandbox processes — the backtest and
 * compile pools, the quarantine process once an account is in it, and the resident live processes
 * with the runs each holds — with their kills by reason, from `/readyz`. A rising kill count with
 * one account behind it is an abusive account; with many, a limit too low for the machine.
 */
import type { ReactNode } from 'react';
import { Empty, Loading } from '../../components/states.tsx';
import type { PolledReadiness } from './health-panel.tsx';

type Kills = Record<'cpu' | 'memory' | 'timeout' | 'crashed' | 'cancelled', number>;

interface PoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  kills: Kills;
  accounts?: number;
}

interface LiveProcessStats {
  index: number;
  quarantine: boolean;
  runs: number;
  generation: number;
  ready: boolean;
  pid?: number;
  inflight: number;
  kills: Kills;
  residentMb?: number;
}

interface Row {
  name: string;
  state: string;
  work: string;
  kills: Kills;
  memory: string;
}

const killText = (k: Kills) => {
  const parts = (['cpu', 'memory', 'timeout', 'crashed'] as const)
    .filter((r) => k[r] > 0)
    .map((r) => `${k[r]} ${r}`);
  return parts.length === 0 ? 'none' : parts.join(' · ');
};

function rowsOf(ready: NonNullable<PolledReadiness['data']>): Row[] {
  const rows: Row[] = [];
  const pools = ready.services['strategy-sandbox']?.info as Record<string, PoolStats> | undefined;
  for (const [name, pool] of Object.entries(pools ?? {}))
    rows.push({
      name: name === 'quarantine' ? `quarantine (${pool.accounts ?? 0} accounts)` : `${name} pool`,
      state: `${pool.ready}/${pool.size} ready`,
      work: `${pool.busy} busy · ${pool.queued} queued`,
      kills: pool.kills,
      memory: '—',
    });
  const live = ready.services['strategy-live-sandbox']?.info as
    { processes?: LiveProcessStats[] } | undefined;
  for (const p of live?.processes ?? [])
    rows.push({
      name: p.quarantine ? 'live quarantine' : `live ${p.index}`,
      state: p.ready
        ? `ready · pid ${p.pid} · gen ${p.generation}`
        : p.generation === 0
          ? 'not started'
          : 'starting',
      work: `${p.runs} ${p.runs === 1 ? "run" : "runs"}`,
      kills: p.kills,
      memory: p.residentMb === undefined ? '—' : `${p.residentMb} MB`,
    });
  return rows;
}

export function SandboxPanel({ ready }: { ready: PolledReadiness }): ReactNode {
  const rows = ready.data ? rowsOf(ready.data) : [];
  return (
    <section className="card stack" aria-labelledby="sandbox-title">
      <h2 id="sandbox-title">Sandbox processes</h2>
      <p className="muted small">
        Where strategy code runs on this node; each is killed and replaced when it overruns a limit.
      </p>
      {!ready.data ? (
        <Loading label="Reading…" />
      ) : rows.length === 0 ? (
        <Empty title="No sandbox processes on this node">
          Strategy code runs on the strategy role's processes.
        </Empty>
      ) : (
        <table data-testid="sandbox-processes">
          <thead>
            <tr>
              <th scope="col">Process</th>
              <th scope="col">State</th>
              <th scope="col">Work</th>
              <th scope="col">Kills</th>
              <th scope="col">Resident</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.state}</td>
                <td>{r.work}</td>
                <td className={killText(r.kills) === 'none' ? 'muted' : 'bad'}>{killText(r.kills)}</td>
                <td>{r.memory}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

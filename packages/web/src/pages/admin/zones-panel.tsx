/**
 * @module Zones: CCU and tick latency (p50/p99) per zone with their trend since the page opened,
 * health, and the zone operations — drain and restart — plus the zone's snapshots.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { Sparkline } from '../../components/sparkline.tsx';
import { Empty, ErrorState, Loading, errorMessage } from '../../components/states.tsx';
import { useLive } from '../../components/use-live.ts';
import type { ZoneStatus } from '@tickline/protocol';
import { ADMIN, AdminChannel } from './admin-api.ts';
import { SnapshotsPanel } from './snapshots-panel.tsx';
import { zoneConfirmText } from './zone-confirm.ts';

/** Samples kept per zone for the trend lines (two minutes at the refresh rate). */
const HISTORY_SAMPLES = 60;

export function ZonesPanel(): ReactNode {
  const { client } = useSession();
  const zones = useLive(
    async () =>
      (await client.request<{ zones: ZoneStatus[] }>({ method: 'GET', path: `${ADMIN}/zones` })).zones,
    [client],
    { ...AdminChannel.Zones, pick: (data: { zones: ZoneStatus[] }) => data.zones },
  );
  const history = useRef(new Map<string, { ccu: number[]; p99: number[] }>());
  const [selected, setSelected] = useState<string>();
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    for (const zone of zones.data ?? []) {
      const h = history.current.get(zone.zoneId) ?? { ccu: [], p99: [] };
      h.ccu = [...h.ccu, zone.ccu].slice(-HISTORY_SAMPLES);
      h.p99 = [...h.p99, zone.tickP99Ms ?? 0].slice(-HISTORY_SAMPLES);
      history.current.set(zone.zoneId, h);
    }
  }, [zones.data]);

  async function operate(zoneId: string, action: 'drain' | 'restart') {
    if (!window.confirm(zoneConfirmText(zones.data ?? [], zoneId, action))) return;
    try {
      const answer = await client.request<{ playersTold?: number } | null>({
        method: 'POST',
        path: `${ADMIN}/zones/${encodeURIComponent(zoneId)}/${action}`,
        body: {},
      });
      setMessage(
        action === 'drain'
          ? `${zoneId} draining; ${answer?.playersTold ?? 0} players told.`
          : `${zoneId} restarted.`,
      );
      zones.reload();
    } catch (error) {
      setMessage(errorMessage(error));
    }
  }

  const shown = selected ?? zones.data?.[0]?.zoneId;
  return (
    <section className="card stack" aria-labelledby="zones-title">
      <h2 id="zones-title">Zones</h2>
      {message ? (
        <p className="muted" role="status">
          {message}
        </p>
      ) : null}
      {zones.status === 'error' && !zones.data ? (
        <ErrorState error={zones.error} onRetry={zones.reload} />
      ) : !zones.data ? (
        <Loading label="Loading zones…" />
      ) : zones.data.length === 0 ? (
        <Empty title="No zones run in this process" />
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Zone</th>
                <th scope="col" className="num">
                  CCU
                </th>
                <th scope="col">CCU trend</th>
                <th scope="col" className="num">
                  Tick p50 / p99
                </th>
                <th scope="col">Tick p99 trend</th>
                <th scope="col">Health</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {zones.data.map((zone) => {
                const h = history.current.get(zone.zoneId);
                return (
                  <tr key={zone.zoneId} data-zone={zone.zoneId} aria-selected={zone.zoneId === shown}>
                    <th scope="row">
                      <button type="button" className="link-button" onClick={() => setSelected(zone.zoneId)}>
                        {zone.zoneId}
                      </button>
                      <div className="muted small">tick {zone.tick}</div>
                    </th>
                    <td className="num" data-testid="zone-ccu">
                      {zone.ccu}
                    </td>
                    <td>
                      <Sparkline values={h?.ccu ?? []} label={`${zone.zoneId} players over time`} />
                    </td>
                    <td className="num">
                      {fmtMs(zone.tickP50Ms)} / {fmtMs(zone.tickP99Ms)}
                      {zone.overruns > 0 ? <div className="down small">{zone.overruns} overruns</div> : null}
                    </td>
                    <td>
                      <Sparkline
                        values={h?.p99 ?? []}
                        label={`${zone.zoneId} tick p99 over time`}
                        color="var(--warn)"
                      />
                    </td>
                    <td>
                      <span className={zone.health === 'ok' ? 'pill pill-good' : 'pill pill-warn'}>
                        {zone.health}
                      </span>
                    </td>
                    <td>
                      <div className="row">
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => void operate(zone.zoneId, 'drain')}
                        >
                          Drain
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => void operate(zone.zoneId, 'restart')}
                        >
                          Restart
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {shown ? <SnapshotsPanel key={shown} zoneId={shown} /> : null}
    </section>
  );
}

function fmtMs(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)} ms`;
}

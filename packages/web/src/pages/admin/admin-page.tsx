/**
 * @module Operations (admins only): zones with CCU and tick latency, snapshots, server health,
 * broadcast, sandbox processes (where strategy code runs), live strategies per strategy process,
 * a portfolio's kill switch (the admin hand), player lookup, rules rooms (moderation and replay),
 * event streams and dead letters. Zones
 * and streams update live from `admin:zones` and `admin:streams`; the other views re-read every
 * few seconds.
 */
import { useState, type ReactNode } from 'react';
import { useUser } from '../../app/session.tsx';
import { Empty } from '../../components/states.tsx';
import { BroadcastForm } from './broadcast-form.tsx';
import { DeliveriesPanel } from './deliveries-panel.tsx';
import { NoticeForm } from './notice-form.tsx';
import { HealthPanel } from './health-panel.tsx';
import { HaltScopeCard } from './halt-scope-card.tsx';
import { KillSwitchCard, type KillSwitchTarget } from './kill-switch-card.tsx';
import { SandboxPanel } from './sandbox-panel.tsx';
import { useReadiness } from './use-readiness.ts';
import { LiveStrategiesPanel } from './live-strategies-panel.tsx';
import { PlayersPanel } from './players-panel.tsx';
import { RoomsPanel } from './rooms-panel.tsx';
import { StreamsPanel } from './streams-panel.tsx';
import { ZonesPanel } from './zones-panel.tsx';

export function AdminPage(): ReactNode {
  const user = useUser();
  const ready = useReadiness();
  // The portfolio the kill switch card shows: typed there, or picked from a live strategy's row.
  const [killTarget, setKillTarget] = useState<KillSwitchTarget>();
  const pickPortfolio = (portfolioId: string) =>
    setKillTarget((previous) => ({ portfolioId, pick: (previous?.pick ?? 0) + 1 }));
  return (
    <main id="main" className="page">
      <header className="page-header">
        <h1>Operations</h1>
        <p className="muted">Live zone load, tick latency and health; every action here is audited.</p>
      </header>
      {user.role !== 'admin' ? (
        <Empty title="Administrators only">Your account cannot use the operations API.</Empty>
      ) : (
        <div className="stack">
          <ZonesPanel />
          <div className="grid grid-2">
            <HealthPanel ready={ready} />
            <BroadcastForm />
          </div>
          <SandboxPanel ready={ready} />
          <LiveStrategiesPanel onPickPortfolio={pickPortfolio} />
          <KillSwitchCard target={killTarget} onTarget={pickPortfolio} />
          <HaltScopeCard />
          <RoomsPanel />
          <div className="grid grid-2">
            <PlayersPanel />
            <StreamsPanel />
          </div>
          <DeliveriesPanel />
          <NoticeForm />
        </div>
      )}
    </main>
  );
}

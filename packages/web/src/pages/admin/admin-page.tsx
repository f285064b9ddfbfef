/**
 * @module Operations (admins only), in sections an operator reaches directly at `/admin/<section>`
 * (`/admin` opens the first): zones (CCU, tick latency, snapshots, drain, health, broadcast),
 * strategies and risk (sandbox processes, live strategies per strategy process, a portfolio's kill
 * switch and the kill switch over scopes), rooms and players (moderation and replay, player lookup),
 * event streams and dead letters, notifications (notices and deliveries), and data (scheduled
 * backups and the market archive tier). One long page was 5,500 px: an operator scrolled past
 * every panel to reach the one in hand. Zones and streams update live from `admin:zones` and
 * `admin:streams`; the other views re-read every few seconds (data, which moves daily, each minute).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../app/router.tsx';
import { useUser } from '../../app/session.tsx';
import { Empty } from '../../components/states.tsx';
import { ArchiveCard } from './archive-card.tsx';
import { BackupsCard } from './backups-card.tsx';
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

/** The sections, in menu order; the first is where `/admin` lands. */
const OPERATIONS_SECTIONS = [
  { id: 'zones', label: 'Zones', render: () => <ZonesSection /> },
  { id: 'risk', label: 'Strategies & risk', render: () => <RiskSection /> },
  { id: 'rooms', label: 'Rooms & players', render: () => <RoomsSection /> },
  { id: 'streams', label: 'Streams', render: () => <StreamsPanel /> },
  { id: 'notifications', label: 'Notifications', render: () => <NotificationsSection /> },
  { id: 'data', label: 'Data', render: () => <DataSection /> },
] as const;

export function AdminPage({ section }: { section?: string }): ReactNode {
  const user = useUser();
  const { navigate } = useRouter();
  const shown = OPERATIONS_SECTIONS.find((candidate) => candidate.id === section);
  // `/admin` (the menu's link, and every bookmark from before the split) opens the first section.
  useEffect(() => {
    if (section === undefined) navigate(`/admin/${OPERATIONS_SECTIONS[0].id}`, { replace: true });
  }, [section, navigate]);
  return (
    <main id="main" className="page" data-section={shown?.id}>
      <header className="page-header">
        <h1>Operations</h1>
        <p className="muted">Live zone load, tick latency and health; every action here is audited.</p>
      </header>
      {user.role !== 'admin' ? (
        <Empty title="Administrators only">Your account cannot use the operations API.</Empty>
      ) : (
        <>
          <nav aria-label="Operations sections" className="subnav">
            {OPERATIONS_SECTIONS.map((candidate) => (
              <Link key={candidate.id} to={`/admin/${candidate.id}`} nav className="nav-link">
                {candidate.label}
              </Link>
            ))}
          </nav>
          {shown ? (
            <div className="stack">{shown.render()}</div>
          ) : section === undefined ? null : (
            <Empty title={`No section “${section}”`}>Pick one of the sections above.</Empty>
          )}
        </>
      )}
    </main>
  );
}

function ZonesSection(): ReactNode {
  const ready = useReadiness();
  return (
    <>
      <ZonesPanel />
      <div className="grid grid-2">
        <HealthPanel ready={ready} />
        <BroadcastForm />
      </div>
    </>
  );
}

function RiskSection(): ReactNode {
  const ready = useReadiness();
  // The portfolio the kill switch card shows: typed there, or picked from a live strategy's row.
  const [killTarget, setKillTarget] = useState<KillSwitchTarget>();
  const pickPortfolio = (portfolioId: string) =>
    setKillTarget((previous) => ({ portfolioId, pick: (previous?.pick ?? 0) + 1 }));
  return (
    <>
      <SandboxPanel ready={ready} />
      <LiveStrategiesPanel onPickPortfolio={pickPortfolio} />
      <KillSwitchCard target={killTarget} onTarget={pickPortfolio} />
      <HaltScopeCard />
    </>
  );
}

function RoomsSection(): ReactNode {
  return (
    <>
      <RoomsPanel />
      <PlayersPanel />
    </>
  );
}

function NotificationsSection(): ReactNode {
  return (
    <>
      <NoticeForm />
      <DeliveriesPanel />
    </>
  );
}

function DataSection(): ReactNode {
  return (
    <>
      <BackupsCard />
      <ArchiveCard />
    </>
  );
}

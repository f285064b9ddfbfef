/** @module Shapes of the operations API (`/api/v1/admin/...`, admin only) as the dashboard reads them. */

export interface ZoneStatus {
  zoneId: string;
  ccu: number;
  tick: number;
  tickP50Ms: number | null;
  tickP99Ms: number | null;
  overruns: number;
  health: string;
}

export interface Snapshot {
  id: string;
  zoneId: string;
  kind: string;
  tick: number;
  players: number;
  takenAt: number;
  size: number;
}

export interface Streams {
  log: {
    name: string;
    head: { first: number; last: number };
    health: { connected: boolean; detail?: string };
  };
  rates: {
    windowMs: number;
    total: number;
    perSecond: number;
    byType: Array<{ type: string; count: number; perSecond: number }>;
  };
  consumers: Array<{ name: string; acked: number; lag: number }>;
}

export interface DeadLetter {
  offset: number;
  consumer: string;
  record: { type: string; id: string; time: number };
  error: { code: string; message: string };
  attempts: number;
  failedAt: number;
  status: 'open' | 'retried' | 'discarded';
}

export interface Player {
  playerId: string;
  profile: { email: string; role: string; tier: string } | null;
  online: boolean;
  zoneId: string | null;
  position: { x: number; y: number } | null;
  lastSeenAt: string | null;
}

export interface PlayerDetail {
  player: Player;
  sessions: Array<{
    sessionId: string;
    zoneId: string;
    joinedAt: string | null;
    leftAt: string | null;
    leftReason: string | null;
  }>;
  live: { zoneId: string; x: number; y: number; tick: number } | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: string; kind: string };
  action: string;
  target?: string;
  outcome: 'ok' | 'failed';
}

export const ADMIN = '/api/v1/admin';
/** How often the views without a live channel (snapshots, dead letters, players, health) re-read. */
export const ADMIN_REFRESH_MS = 2_000;

/** Live operations channels (admins only), published about once a second while watched. */
export const AdminChannel = {
  Zones: { channel: 'admin:zones', type: 'admin.zones' },
  Streams: { channel: 'admin:streams', type: 'admin.streams' },
} as const;

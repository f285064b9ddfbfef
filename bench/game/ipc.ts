/** @module What the load generator and a server child say to each other over IPC. */

export const SERVERS = ['tickline', 'colyseus'] as const;
export type ServerKind = (typeof SERVERS)[number];
/** A measured peer: a server, or Tickline's arena as a rules room (`rules`, BENCH_ONLY=arena-rules). */
export type PeerKind = ServerKind | 'rules';

export type ToServer = { type: 'mem' } | { type: 'window-start' } | { type: 'window-end' } | { type: 'stop' };

/** Server-side figures over one measured window. */
export interface ServerWindow {
  elapsedMs: number;
  /** User + system CPU of the whole server process. */
  cpuUs: number;
  /** The kernel's part of `cpuUs` (system time): socket reads and writes, loopback TCP included. */
  sysUs: number;
  /** Bytes the process handed to write(2)-family calls (sockets): /proc/self/io wchar. */
  bytesOut: number;
  /** Work per tick (simulation + encode + socket writes), across all zones. */
  tickP50Ms: number;
  tickP99Ms: number;
  tickMaxMs: number;
  /** Time between consecutive ticks of one zone (the lateness a player feels). */
  intervalP99Ms: number;
  ticks: number;
  /** Moves the server accepted / rejected in the window. */
  accepted: number;
  rejected: number;
}

export type FromServer =
  | { type: 'ready'; port: number; extra: Record<string, unknown> }
  | { type: 'mem'; rss: number; heapUsed: number; external: number }
  | { type: 'window-started' }
  | ({ type: 'window' } & ServerWindow);

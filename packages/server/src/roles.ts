/**
 * @module Roles: which services a `tickline` process runs. One table, read by the wiring and by
 * `tickline start --help`. Domain components arrive in later issues; until then every role
 * starts the shared services and `pending` says what it will add.
 */
import { RoleName } from './config/schema.ts';

export { RoleName };

/** The services every role is built from, in start order (stopped in reverse). */
export const SharedService = {
  EventLog: 'eventlog',
  DeadLetterLog: 'eventlog-dlq',
  Publisher: 'publisher',
  Http: 'http',
} as const;
export type SharedService = (typeof SharedService)[keyof typeof SharedService];

const START_ORDER: readonly SharedService[] = Object.values(SharedService);

/** What one role runs. */
export interface RoleSpec {
  summary: string;
  services: readonly SharedService[];
  /** Domain components this role will run once they exist. */
  pending: readonly string[];
}

const ALL_SHARED = START_ORDER;
// The dead-letter log is for consumers; a role that only produces does not open one.
const PRODUCER_ONLY = [SharedService.EventLog, SharedService.Publisher, SharedService.Http] as const;

export const ROLES: Readonly<Record<RoleName, RoleSpec>> = {
  all: {
    summary: 'everything in one process (the embedded default)',
    services: ALL_SHARED,
    pending: [
      'gateway routes',
      'market collectors',
      'game zones',
      'platform consumers',
      'strategy runtime',
      'dashboard',
    ],
  },
  gateway: {
    summary: 'HTTP API, SSE and WebSocket delivery; fans out through the log',
    services: ALL_SHARED,
    pending: ['identity and API routes', 'SSE / WebSocket delivery', 'rate limits'],
  },
  collector: {
    summary: 'market data sources: normalize, validate, publish',
    services: PRODUCER_ONLY,
    pending: ['market sources', 'candle aggregation'],
  },
  game: {
    summary: 'game zones: fixed-tick loop, TCP and WebSocket transports',
    services: ALL_SHARED,
    pending: ['zones', 'game transports', 'snapshots'],
  },
  platform: {
    summary: 'event consumers projecting into SQL; operations API',
    services: ALL_SHARED,
    pending: ['projections', 'notifications', 'operations API'],
  },
  strategy: {
    summary: 'sandboxed strategies, backtests and live signals',
    services: ALL_SHARED,
    pending: ['strategy runtime', 'backtests', 'live signals'],
  },
};

/** The services of `role`, in start order. */
export function servicesFor(role: RoleName): SharedService[] {
  const wanted = new Set(ROLES[role].services);
  return START_ORDER.filter((service) => wanted.has(service));
}

/** The roles section of `tickline start --help`. */
export function describeRoles(): string {
  const width = Math.max(...Object.keys(ROLES).map((name) => name.length));
  return Object.entries(ROLES)
    .map(([name, spec]) => {
      const pending = spec.pending.length
        ? `\n  ${' '.repeat(width)}  later: ${spec.pending.join(', ')}`
        : '';
      return `  ${name.padEnd(width)}  ${spec.summary}\n  ${' '.repeat(width)}  runs now: ${spec.services.join(', ')}${pending}`;
    })
    .join('\n');
}

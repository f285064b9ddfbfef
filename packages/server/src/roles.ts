/**
 * @module Roles: which services a `tickline` process runs. One table, read by the wiring and by
 * `tickline start --help`: the shared services, the domain components built so far, and
 * `pending`, what a role will add as later packages land.
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

/**
 * Domain components (wiring/domain.ts), started after the publisher and before HTTP, in this
 * order: the database, identity and the rate limiter, real-time delivery, then the consumers.
 */
export const DomainComponent = {
  Sql: 'sql',
  Identity: 'identity',
  RateLimit: 'rate-limit',
  Realtime: 'realtime',
  AccountSnapshots: 'account-snapshots',
  RealtimeDelivery: 'realtime-delivery',
  /** Game zones: the tick loops, sessions, TCP and WebSocket transports, the coordinator (game/game-component.ts). */
  Game: 'game',
  /** Market data: collector, projections and jobs, live channels — the parts of the role (market-component.ts). */
  Market: 'market',
  /** The platform: game-event projection, movement partitions, the operations API (platform/platform-component.ts). */
  Platform: 'platform',
} as const;
export type DomainComponent = (typeof DomainComponent)[keyof typeof DomainComponent];

// Gateways authenticate and stream; platform processes project. Both need the database.
const GATEWAY_COMPONENTS = [
  DomainComponent.Sql,
  DomainComponent.Identity,
  DomainComponent.RateLimit,
  DomainComponent.Realtime,
  DomainComponent.RealtimeDelivery,
  DomainComponent.Market,
] as const;
// Identity on platform processes authenticates the operations API's admins.
const PLATFORM_COMPONENTS = [
  DomainComponent.Sql,
  DomainComponent.Identity,
  DomainComponent.AccountSnapshots,
  DomainComponent.Market,
  DomainComponent.Platform,
] as const;

/** What one role runs. */
export interface RoleSpec {
  summary: string;
  services: readonly SharedService[];
  /** Domain components, in start order. */
  components: readonly DomainComponent[];
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
    components: Object.values(DomainComponent),
    pending: ['notifications', 'strategy runtime'],
  },
  gateway: {
    summary: 'HTTP API, SSE and WebSocket delivery; fans out through the log',
    services: ALL_SHARED,
    components: GATEWAY_COMPONENTS,
    pending: [],
  },
  collector: {
    summary: 'market data sources: normalize, validate, publish',
    services: PRODUCER_ONLY,
    // The database only for the quarantine of rejected messages.
    components: [DomainComponent.Sql, DomainComponent.Market],
    pending: [],
  },
  game: {
    summary: 'game zones: fixed-tick loop, TCP and WebSocket transports',
    services: ALL_SHARED,
    components: [DomainComponent.Game],
    pending: [],
  },
  platform: {
    summary: 'event consumers projecting into SQL; operations API',
    services: ALL_SHARED,
    components: PLATFORM_COMPONENTS,
    pending: ['notifications'],
  },
  strategy: {
    summary: 'reserved for sandboxed strategies; starts no strategy code yet',
    services: ALL_SHARED,
    components: [],
    pending: ['strategy runtime', 'backtests', 'live signals'],
  },
};

/** The services of `role`, in start order. */
export function servicesFor(role: RoleName): SharedService[] {
  const wanted = new Set(ROLES[role].services);
  return START_ORDER.filter((service) => wanted.has(service));
}

/** The domain components of `role`, in start order. */
export function componentsFor(role: RoleName): DomainComponent[] {
  const wanted = new Set(ROLES[role].components);
  return Object.values(DomainComponent).filter((component) => wanted.has(component));
}

/** The roles section of `tickline start --help`. */
export function describeRoles(): string {
  const width = Math.max(...Object.keys(ROLES).map((name) => name.length));
  return Object.entries(ROLES)
    .map(([name, spec]) => {
      const pending = spec.pending.length
        ? `\n  ${' '.repeat(width)}  later: ${spec.pending.join(', ')}`
        : '';
      // In start order: HTTP comes last, after the components.
      const shared = spec.services.filter((service) => service !== SharedService.Http);
      const http = spec.services.includes(SharedService.Http) ? [SharedService.Http] : [];
      const runs = [...shared, ...componentsFor(name as RoleName), ...http].join(', ');
      return `  ${name.padEnd(width)}  ${spec.summary}\n  ${' '.repeat(width)}  runs now: ${runs}${pending}`;
    })
    .join('\n');
}

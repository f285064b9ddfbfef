/**
 * @module Roles: which services and domain modules a `tickline` process runs. One table, read by
 * the bootstrap and by `tickline start --help`: the shared services, the modules (started in the
 * order of domains.ts), the modules whose `/api/v1` routes the role serves, and `pending`, what a
 * role will add as later packages land.
 */
import { RoleName } from './config/schema.ts';
import { DOMAINS, type DomainName } from './domains.ts';

export { RoleName };

/** The services every role is built from, in start order (stopped in reverse). */
export const SharedService = {
  EventLog: 'eventlog',
  DeadLetterLog: 'eventlog-dlq',
  Publisher: 'publisher',
  Sql: 'sql',
  Http: 'http',
} as const;
export type SharedService = (typeof SharedService)[keyof typeof SharedService];

const START_ORDER: readonly SharedService[] = Object.values(SharedService);

/** What one role runs. */
export interface RoleSpec {
  summary: string;
  services: readonly SharedService[];
  /** Domain modules (started in the order of domains.ts). */
  modules: readonly DomainName[];
  /** Modules whose `/api/v1` routes this role serves. */
  api: readonly DomainName[];
  /**
   * Modules whose `/api/v1` routes this role serves by forwarding each request to the role that
   * owns the domain's state (module name → owning role; see realtime/src/forwarding/route-forwarding.ts).
   */
  forward: Readonly<Partial<Record<DomainName, RoleName>>>;
  /** Serve the dashboard on the HTTP port. */
  web: boolean;
  /**
   * Runs the channel relay in scaled mode (NATS): every domain's channel delivery, once, onto the
   * real-time delivery log that gateways take their clients' channels from (one active relay
   * per durable; others are standbys).
   */
  relay: boolean;
  /** What this role will run once it exists. */
  pending: readonly string[];
}

const ALL_MODULES = DOMAINS.map((domain) => domain.name);

/**
 * Modules about the one process of the embedded default itself, run by role `all` only and not
 * served through a gateway: `backup`, the process's scheduled backups of its own data directory
 * (at scale a CronJob takes PostgreSQL base backups: docs/operations.md).
 */
export const ALL_ROLE_ONLY: readonly DomainName[] = ['backup'];
// The dead-letter log is for consumers; a role that only produces does not open one.
const CONSUMER = [SharedService.EventLog, SharedService.DeadLetterLog, SharedService.Publisher] as const;
const PRODUCER = [SharedService.EventLog, SharedService.Publisher] as const;
const WITH_SQL = [SharedService.Sql, SharedService.Http] as const;

export const ROLES: Readonly<Record<RoleName, RoleSpec>> = {
  all: {
    summary: 'everything in one process (the embedded default)',
    services: [...CONSUMER, ...WITH_SQL],
    modules: ALL_MODULES,
    api: ALL_MODULES,
    forward: {},
    web: true,
    relay: true,
    pending: [],
  },
  gateway: {
    summary: 'HTTP API, SSE and WebSocket delivery; fans out through the log',
    services: [...CONSUMER, ...WITH_SQL],
    // Game here is the coordinator that sends players to zone processes (with Redis); platform
    // serves the operations API, reaching zones on their processes by request/reply.
    modules: ['identity', 'realtime', 'accounts', 'market', 'game', 'platform', 'graphql'],
    api: ['identity', 'realtime', 'accounts', 'market', 'game', 'platform', 'graphql'],
    // Strategy runs untrusted code in sandboxes, trading owns live runs beside it; notify owns the
    // delivery queue: their routes go to those roles (docs/architecture.md, "Routes through a gateway").
    forward: { strategy: 'strategy', trading: 'strategy', notify: 'platform' },
    web: true,
    relay: false,
    pending: [],
  },
  collector: {
    summary: 'market data sources: normalize, validate, publish',
    // The database only for the quarantine of rejected messages.
    services: [...PRODUCER, ...WITH_SQL],
    modules: ['market'],
    api: [],
    forward: {},
    web: false,
    relay: false,
    pending: [],
  },
  game: {
    summary: 'game zones: fixed-tick loop, TCP and WebSocket transports',
    services: [...CONSUMER, ...WITH_SQL],
    modules: ['game'],
    api: [],
    forward: {},
    web: false,
    relay: false,
    pending: [],
  },
  platform: {
    summary: 'event consumers projecting into SQL; operations API',
    services: [...CONSUMER, ...WITH_SQL],
    // Identity authenticates the operations API's admins.
    // Notifications: the matcher, queue and dispatcher consumers, and their routes. GraphQL
    // answers gateways' calls to notify's port (it serves no route here).
    modules: ['identity', 'accounts', 'market', 'notify', 'platform', 'graphql'],
    api: ['notify', 'platform'],
    forward: {},
    web: false,
    relay: true,
    pending: [],
  },
  strategy: {
    summary: 'strategies, backtests and live runs in the isolated-vm sandbox; paper portfolios and orders',
    // Identity authenticates the strategy and trading APIs; backtests read the candle tables from
    // SQL. GraphQL answers gateways' calls to the strategy and trading ports (no route here).
    services: [...CONSUMER, ...WITH_SQL],
    modules: ['identity', 'strategy', 'trading', 'graphql'],
    api: ['strategy', 'trading'],
    forward: {},
    web: false,
    relay: false,
    pending: [],
  },
};

/** The shared services of `role`, in start order. */
export function servicesFor(role: RoleName): SharedService[] {
  const wanted = new Set(ROLES[role].services);
  return START_ORDER.filter((service) => wanted.has(service));
}

/** The domains `role` runs, in start order. */
export function modulesFor(role: RoleName): (typeof DOMAINS)[number][] {
  const wanted = new Set<string>(ROLES[role].modules);
  return DOMAINS.filter((domain) => wanted.has(domain.name));
}

/** The modules `role` serves whose requests other roles forward to it. */
export function forwardedTo(role: RoleName): DomainName[] {
  const forwarded = new Set(
    Object.values(ROLES).flatMap((spec) =>
      Object.entries(spec.forward)
        .filter(([, owner]) => owner === role)
        .map(([domain]) => domain),
    ),
  );
  return ROLES[role].api.filter((domain) => forwarded.has(domain));
}

/** The roles section of `tickline start --help`. */
export function describeRoles(): string {
  const width = Math.max(...Object.keys(ROLES).map((name) => name.length));
  return Object.entries(ROLES)
    .map(([name, spec]) => {
      const pending = spec.pending.length
        ? `\n  ${' '.repeat(width)}  later: ${spec.pending.join(', ')}`
        : '';
      // In start order: HTTP comes last, after the modules.
      const shared = servicesFor(name as RoleName).filter((service) => service !== SharedService.Http);
      const http = spec.services.includes(SharedService.Http) ? [SharedService.Http] : [];
      const runs = [...shared, ...modulesFor(name as RoleName).map((m) => m.name), ...http].join(', ');
      return `  ${name.padEnd(width)}  ${spec.summary}\n  ${' '.repeat(width)}  runs now: ${runs}${pending}`;
    })
    .join('\n');
}

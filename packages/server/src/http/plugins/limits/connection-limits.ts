/**
 * @module Caps on the connections the HTTP server holds, applied as each is accepted, before a
 * byte is parsed or anyone authenticated: per client address (an IPv6 /64 counts as one) and in
 * all, so that file descriptors stay for the process's own work (event log segments, database,
 * sandbox pipes). Sockets parked from many addresses used to take every descriptor: `/healthz`
 * was refused and the event log hit EMFILE. A refused connection gets a short answer in the one
 * error shape and is closed; it never reaches the HTTP parser (or the TLS handshake).
 */
import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import {
  clientAddressKey,
  ConnectionBudget,
  Counter,
  Gauge,
  getOrCreateMetric,
  type Logger,
  type Registry,
} from '@tickline/kernel';
import { ServerErrorCodes, type ServerErrorCode } from '../../../errors.ts';

/**
 * A browser holds ≤ 6 connections per host plus its WebSockets, so this leaves room for many
 * people behind one NAT (carrier-grade NAT puts whole neighbourhoods on one address) and for a
 * few hundred game bots on one machine (the failover tests run 300). It stops one host from
 * taking the whole descriptor budget; many hosts together meet the budget itself.
 */
export const DEFAULT_CONNECTIONS_PER_ADDRESS = 512;
/** Descriptors never given to HTTP connections (the soft RLIMIT_NOFILE minus these is the cap). */
export const DEFAULT_RESERVED_FDS = 1024;
// A refused client may have sent its request already: unread bytes at close() make the kernel
// send a reset that can eat our answer, so the socket drains briefly before it is destroyed.
const REFUSED_LINGER_MS = 1_000;
// Refused sockets answered at once; past this many a flood's next ones are closed unanswered.
const MAX_LINGERING = 256;
const REFUSED_RETRY_AFTER_S = 5;

/** Connection caps (`http.connections`). */
export interface ConnectionLimits {
  /** Open connections per client address (IPv6: per /64); 0 turns the cap off. @default 512 */
  perAddress: number;
  /** Descriptors kept from HTTP connections for the process's own work. @default 1024 */
  reservedFds: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  perAddress: DEFAULT_CONNECTIONS_PER_ADDRESS,
  reservedFds: DEFAULT_RESERVED_FDS,
});

/** The soft limit on open files from `/proc/self/limits` (Node raises it to the hard limit). */
export function openFilesLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  try {
    const line = read()
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.slice('Max open files'.length).trim().split(/\s+/)[0]);
    return Number.isSafeInteger(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connections the server may hold in all: the descriptor limit less the reserve, the reserve
 * taken at most half of the limit (a small limit still serves). Undefined when the limit is unknown.
 */
export function maxConnections(
  limits: Pick<ConnectionLimits, 'reservedFds'>,
  fdLimit: number | undefined,
): number | undefined {
  if (fdLimit === undefined) return undefined;
  return fdLimit - Math.min(limits.reservedFds, Math.floor(fdLimit / 2));
}

function refusal(code: ServerErrorCode, message: string, reason: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return (
    `HTTP/1.1 ${ServerErrorCodes[code].httpStatus} ${reason}\r\nConnection: close\r\n` +
    `Retry-After: ${REFUSED_RETRY_AFTER_S}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

const PER_ADDRESS = refusal(
  'HTTP_TOO_MANY_CONNECTIONS',
  'too many open connections from this address',
  'Too Many Requests',
);
const EXHAUSTED = refusal(
  'HTTP_CONNECTIONS_EXHAUSTED',
  'the server holds all the connections it may',
  'Service Unavailable',
);

/** The address key a socket was counted under (its 'close' listener is shared, issue 50). */
const kAddress = Symbol('tickline.http.addressKey');

/** Answers and closes refused sockets; `lingering` counts those still draining. */
function createRefusal(tls: boolean): (socket: Socket, answer: string) => void {
  let lingering = 0;
  return function refuse(socket, answer) {
    socket.on('error', () => socket.destroy());
    // Before its handshake a TLS client cannot read plain text: it only sees the close.
    if (tls || lingering >= MAX_LINGERING) {
      socket.destroy();
      return;
    }
    lingering += 1;
    socket.once('close', () => (lingering -= 1));
    socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
    socket.resume();
    socket.end(answer);
  };
}

/** Options for {@link guardConnections}. */
export interface GuardConnectionsOptions {
  limits: ConnectionLimits;
  /** Behind trusted proxies every connection comes from one of them: the per-address cap is off. */
  behindProxy: boolean;
  tls: boolean;
  logger: Logger;
  /** Where the open and refused counts are exported. @default none */
  metrics?: Registry | undefined;
  /** @default the soft RLIMIT_NOFILE read from /proc/self/limits */
  fdLimit?: number | undefined;
  /**
   * The process's budget of connections across its listeners (the game's TCP port takes from it
   * too). @default one of this server's own, sized from `limits` and `fdLimit`
   */
  budget?: ConnectionBudget | undefined;
}

/** Counts of what {@link guardConnections} holds and refused, for tests and metrics. */
export interface ConnectionGuard {
  /** HTTP connections held. */
  readonly open: number;
  /** Connections in all, on every listener of the budget. */
  readonly max: number | undefined;
  readonly refused: { perAddress: number; exhausted: number };
}

/** `tickline_http_connections_open` (read when scraped) and the refusals by reason. */
function connectionMetrics(registry: Registry, state: { open: number }): Counter<'reason'> {
  getOrCreateMetric(
    registry,
    'tickline_http_connections_open',
    () =>
      new Gauge({
        name: 'tickline_http_connections_open',
        help: 'HTTP connections (WebSockets and streams included) the server holds.',
        registers: [registry],
        collect() {
          this.set(state.open);
        },
      }),
  );
  return getOrCreateMetric(
    registry,
    'tickline_http_connections_refused_total',
    () =>
      new Counter({
        name: 'tickline_http_connections_refused_total',
        help: 'Connections refused as they were accepted: per_address (429) or exhausted (503).',
        labelNames: ['reason'] as const,
        registers: [registry],
      }),
  );
}

/**
 * Wraps the server's `connection` listeners (Node's HTTP or TLS one, added when the server was
 * made) so that a connection over a cap never reaches them. Call right after creating the server.
 */
export function guardConnections(server: Server, options: GuardConnectionsOptions): ConnectionGuard {
  const budget =
    options.budget ?? new ConnectionBudget(maxConnections(options.limits, options.fdLimit ?? openFilesLimit()));
  const max = budget.max;
  const perAddress = options.behindProxy ? 0 : options.limits.perAddress;
  if (max === undefined)
    options.logger.warn('open-files limit unknown: HTTP connections are capped per address only');
  const byAddress = new Map<string, number>();
  const refuse = createRefusal(options.tls);
  const state = { open: 0, max, refused: { perAddress: 0, exhausted: 0 } };
  const refusals = options.metrics ? connectionMetrics(options.metrics, state) : undefined;
  const accept = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  // The socket's one 'close' listener of ours, for the budget too (a third listener grows the array).
  function release(this: Socket & { [kAddress]: string }): void {
    budget.letGo();
    state.open -= 1;
    const left = (byAddress.get(this[kAddress]) ?? 1) - 1;
    if (left > 0) byAddress.set(this[kAddress], left);
    else byAddress.delete(this[kAddress]);
  }
  server.on('connection', function admitConnection(this: Server, socket: Socket) {
    if (budget.spent) {
      state.refused.exhausted += 1;
      refusals?.inc({ reason: 'exhausted' });
      refuse(socket, EXHAUSTED);
      return;
    }
    const key = clientAddressKey(socket.remoteAddress);
    const held = byAddress.get(key) ?? 0;
    if (perAddress > 0 && held >= perAddress) {
      state.refused.perAddress += 1;
      refusals?.inc({ reason: 'per_address' });
      refuse(socket, PER_ADDRESS);
      return;
    }
    byAddress.set(key, held + 1);
    budget.hold();
    state.open += 1;
    (socket as Socket & { [kAddress]: string })[kAddress] = key;
    socket.on('close', release); // one function for every socket: `once` wraps one per socket
    for (const listener of accept) listener.call(this, socket);
  });
  return state;
}

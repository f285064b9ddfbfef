/**
 * @module What the process opens before any domain: an open event log and the database, each
 * wrapped as a service that reports health and closes on stop.
 */
import type { EventLog, RequestReply } from '@tickline/eventlog';
import { createBeatService, ServiceStatus, type Service, type ServiceHealth } from '@tickline/kernel';
import type { ReadSql, Sql, SqlHealth } from '@tickline/store';
import type { DatabaseLocation } from '../wiring/database.ts';

/** How often the database is pinged for `/readyz`. */
export const SQL_HEALTH_INTERVAL_MS = 5_000;

/** `log`, already open, as the service named `name`: healthy while connected, closed on stop. */
export function eventLogService(name: string, log: EventLog): Service {
  let stopped = false;
  return {
    name,
    async start() {},
    async stop() {
      stopped = true;
      await log.close();
    },
    health(): ServiceHealth {
      if (stopped) return { status: ServiceStatus.Stopped };
      const health = log.health();
      // Disconnected is degraded, not down: the publisher buffers and the process keeps serving.
      return health.connected
        ? { status: ServiceStatus.Up }
        : { status: ServiceStatus.Degraded, detail: health.detail ?? 'event log disconnected' };
    },
  };
}

/** The open database as the service `sql`: pinged every few seconds, health read without waiting. */
export function sqlService(sql: Sql, location: DatabaseLocation, first: SqlHealth): Service {
  let last = first;
  let stopped = false;
  const ping = createBeatService({
    name: 'sql',
    intervalMs: SQL_HEALTH_INTERVAL_MS,
    beat: async () => void (last = await sql.health()),
  });
  return {
    name: 'sql',
    start: (context) => ping.start(context),
    async stop() {
      stopped = true;
      await ping.stop();
      await sql.close();
    },
    health(): ServiceHealth {
      if (stopped) return { status: ServiceStatus.Stopped };
      // Degraded, not down: live streams and the publisher keep working without the database.
      if (!last.connected)
        return { status: ServiceStatus.Degraded, detail: last.detail ?? 'database unreachable' };
      return {
        status: ServiceStatus.Up,
        info: {
          engine: location.engine,
          ...(last.latencyMs === undefined ? {} : { latencyMs: last.latencyMs }),
        },
      };
    },
  };
}

/** How often the read replica's lag is measured (and a replica found down is tried again). */
export const READ_REPLICA_PROBE_INTERVAL_MS = 2_000;

/**
 * The read/write split as the service `sql-replica`: probes the replica's lag every few seconds,
 * shows it on `/readyz`, closes the replica's connections on stop (before `sql` closes the primary).
 */
export function readReplicaService(
  reads: ReadSql,
  probeIntervalMs = READ_REPLICA_PROBE_INTERVAL_MS,
): Service {
  let stopped = false;
  const probe = createBeatService({
    name: 'sql-replica',
    intervalMs: probeIntervalMs,
    beatAtStart: true,
    beat: async () => void (await reads.probe()),
  });
  return {
    name: 'sql-replica',
    start: (context) => probe.start(context),
    async stop() {
      stopped = true;
      await probe.stop();
      await reads.close();
    },
    health(): ServiceHealth {
      if (stopped) return { status: ServiceStatus.Stopped };
      const status = reads.status();
      const info = {
        ...(status.lagSeconds === undefined ? {} : { lagSeconds: status.lagSeconds }),
        ...(status.lagBytes === undefined ? {} : { lagBytes: status.lagBytes }),
      };
      // Degraded, not down: the primary answers the reads meanwhile.
      if (!status.up)
        return {
          status: ServiceStatus.Degraded,
          detail: `${status.detail ?? 'read replica unreachable'}; reads go to the primary`,
        };
      return {
        status: ServiceStatus.Up,
        info: { ...info, ...(status.detail ? { note: status.detail } : {}) },
      };
    },
  };
}

/** The request/reply port, already open, as the service `rpc`: closed on stop. */
export function requestReplyService(rpc: RequestReply): Service {
  let stopped = false;
  return {
    name: 'rpc',
    async start() {},
    async stop() {
      stopped = true;
      await rpc.close();
    },
    health: (): ServiceHealth => ({ status: stopped ? ServiceStatus.Stopped : ServiceStatus.Up }),
  };
}

/**
 * Answers the requests gateways forward for the domains this role owns, through `app` once it
 * listens; stops answering first on the way down so a gateway's retry finds another process.
 */
export function forwardedRoutesService(
  serve: () => Promise<readonly { close(): Promise<void> }[]>,
  domains: readonly string[],
): Service {
  let responders: readonly { close(): Promise<void> }[] = [];
  let state: ServiceStatus = ServiceStatus.Starting;
  return {
    name: 'http-forwarded',
    async start() {
      responders = await serve();
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopped;
      await Promise.all(responders.map((responder) => responder.close()));
    },
    health: (): ServiceHealth => ({ status: state, detail: `answers ${domains.join(', ')}` }),
  };
}

/**
 * @module The database as a service: opened on start and brought to the current schema — the
 * embedded database migrates itself; PostgreSQL migrates only with `database.migrateOnStart`, and
 * otherwise refuses to start on pending migrations (`tickline migrate up` is the operator's step).
 * Health is a ping every few seconds, read without waiting.
 */
import {
  ServiceStatus,
  TicklineError,
  type Registry,
  type Service,
  type ServiceHealth,
} from '@tickline/kernel';
import { migrate, migrationStatus, type Sql, type SqlHealth } from '@tickline/store';
import type { ResolvedConfig } from '../config/load.ts';
import { ServerError } from '../errors.ts';
import { databaseLocation, openDatabase } from './database.ts';

/** How often the database is pinged for `/readyz`. */
export const SQL_HEALTH_INTERVAL_MS = 5_000;

/** A service owning the process's {@link Sql}. */
export interface SqlService extends Service {
  /** The open database. @throws before start. */
  readonly sql: Sql;
}

export function createSqlService(config: ResolvedConfig, metrics: Registry): SqlService {
  let sql: Sql | undefined;
  let last: SqlHealth | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const location = databaseLocation(config);
  return {
    name: 'sql',
    get sql(): Sql {
      if (sql === undefined) throw new TicklineError('KERNEL_SERVICE_FAILED', 'the database is not open');
      return sql;
    },
    async start(context) {
      sql = await openDatabase(config, { logger: context.logger, metrics });
      if (location.engine === 'pglite' || config.database.migrateOnStart) {
        const { applied } = await migrate(sql);
        if (applied.length > 0)
          context.logger.info({ applied, database: location.text }, 'database migrated');
      } else {
        const status = await migrationStatus(sql);
        if (status.pending.length > 0 || status.changed.length > 0) {
          throw new ServerError(
            'SERVER_MIGRATIONS_PENDING',
            `database ${location.url} needs migrations (pending: ${status.pending.join(', ') || 'none'}; changed: ${status.changed.join(', ') || 'none'}); run \`tickline migrate up\``,
            { details: { pending: status.pending, changed: status.changed } },
          );
        }
      }
      last = await sql.health();
      timer = setInterval(() => {
        void sql?.health().then((health) => (last = health));
      }, SQL_HEALTH_INTERVAL_MS).unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sql?.close();
    },
    health(): ServiceHealth {
      if (stopped) return { status: ServiceStatus.Stopped };
      if (last === undefined) return { status: ServiceStatus.Starting };
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

/**
 * @module Opening the database for a process and bringing it to the current schema: the embedded
 * database migrates itself; PostgreSQL migrates only with `database.migrateOnStart`, and otherwise
 * refuses to start on pending migrations (`tickline migrate up` is the operator's step).
 */
import type { Logger, Registry } from '@tickline/kernel';
import { migrate, migrationStatus, type Sql } from '@tickline/store';
import type { ResolvedConfig } from '../config/load.ts';
import { ServerError } from '../errors.ts';
import { databaseLocation, openDatabase } from '../wiring/database.ts';
import { loadAllMigrations } from '../wiring/migrations.ts';

/** Opens and migrates (or checks) the configured database; closes it again when that fails. */
export async function openMigratedSql(
  config: ResolvedConfig,
  options: { logger: Logger; metrics: Registry },
): Promise<Sql> {
  const location = databaseLocation(config);
  const migrations = await loadAllMigrations();
  const sql = await openDatabase(config, options);
  try {
    if (location.engine === 'pglite' || config.database.migrateOnStart) {
      const { applied } = await migrate(sql, { migrations });
      if (applied.length > 0) options.logger.info({ applied, database: location.text }, 'database migrated');
    } else {
      const status = await migrationStatus(sql, { migrations });
      if (status.pending.length > 0 || status.changed.length > 0) {
        throw new ServerError(
          'SERVER_MIGRATIONS_PENDING',
          `database ${location.url} needs migrations (pending: ${status.pending.join(', ') || 'none'}; changed: ${status.changed.join(', ') || 'none'}); run \`tickline migrate up\``,
          { details: { pending: status.pending, changed: status.changed } },
        );
      }
    }
    return sql;
  } catch (error) {
    await sql.close();
    throw error;
  }
}

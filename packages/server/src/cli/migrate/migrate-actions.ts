/** @module What `tickline migrate up` and `tickline migrate status` do and print. */
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { migrate, migrationStatus, type MigrationStatus, type Sql } from '@tickline/store';
import { loadAllMigrations } from '../../wiring/migrations.ts';
import { loadTicklineConfig } from '../../config/load.ts';
import { databaseLocation, openDatabase } from '../../wiring/database.ts';
import type { CliIo, MigrateCommandOptions } from '@tickline/cli';

async function withDatabase<T>(
  io: CliIo,
  options: MigrateCommandOptions,
  body: (sql: Sql, where: string) => Promise<T>,
): Promise<T> {
  const config = loadTicklineConfig({ env: io.env, ...(options.config ? { file: options.config } : {}) });
  const sql = await openDatabase(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
  });
  try {
    return await body(sql, databaseLocation(config).text);
  } finally {
    await sql.close();
  }
}

/** `migrate up`: applies what is pending, then prints the status. */
export async function runMigrateUp(io: CliIo, options: MigrateCommandOptions): Promise<void> {
  await withDatabase(io, options, async (sql, where) => {
    const migrations = await loadAllMigrations();
    const { applied } = await migrate(sql, { migrations });
    const status = await migrationStatus(sql, { migrations });
    if (options.json) {
      io.out(`${JSON.stringify({ database: where, applied, status }, null, 2)}\n`);
      return;
    }
    io.out(
      applied.length === 0
        ? `database    ${where}\nup to date  ${status.applied.length} migrations applied\n`
        : `database    ${where}\napplied now ${applied.join(', ')}\n`,
    );
  });
}

/** `migrate status`. */
export async function runMigrateStatus(io: CliIo, options: MigrateCommandOptions): Promise<void> {
  await withDatabase(io, options, async (sql, where) => {
    const status = await migrationStatus(sql, { migrations: await loadAllMigrations() });
    io.out(
      options.json
        ? `${JSON.stringify({ database: where, ...status }, null, 2)}\n`
        : formatStatus(where, status),
    );
  });
}

/** The human-readable status: one line per migration, grouped. */
export function formatStatus(where: string, status: MigrationStatus): string {
  const lines = [`database    ${where}`];
  const changed = new Set(status.changed);
  const group = (label: string, items: string[]) => {
    if (items.length === 0) lines.push(`${label.padEnd(12)}none`);
    else items.forEach((item, i) => lines.push(`${(i === 0 ? label : '').padEnd(12)}${item}`));
  };
  const width = Math.max(0, ...status.applied.map((m) => m.id.length));
  group(
    'applied',
    status.applied.map(
      (m) =>
        `${m.id.padEnd(width)}  ${m.appliedAt.toISOString()}  ${m.durationMs} ms${changed.has(m.id) ? '  CHANGED since applied' : ''}`,
    ),
  );
  group('pending', status.pending);
  group('changed', status.changed);
  if (status.unknown.length > 0) group('unknown', status.unknown);
  return `${lines.join('\n')}\n`;
}

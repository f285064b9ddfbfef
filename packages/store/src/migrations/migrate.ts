/**
 * @module Applying the migration set: each pending migration in its own transaction, recorded in
 * `schema_migrations` with its checksum. An applied migration whose file changed stops everything
 * (STORE_MIGRATION_CHANGED) before anything else runs. Every transaction first takes an advisory
 * lock, so several processes migrating one PostgreSQL database at once apply each migration once.
 */
import { StoreError } from '../errors.ts';
import type { Sql, SqlTx } from '../port/sql.ts';
import { loadMigrations, type Migration } from './load-migrations.ts';

/** Options for {@link migrate} and {@link migrationStatus}. */
export interface MigrateOptions {
  /** @default the package's `migrations/` folder */
  migrations?: readonly Migration[];
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Ids applied by this call, in order (empty when up to date). */
  applied: string[];
}

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  id: string;
  checksum: string;
  appliedAt: Date;
  durationMs: number;
}

/** Where the database stands against the migration set. */
export interface MigrationStatus {
  applied: AppliedMigration[];
  /** In the set, not applied yet, in order. */
  pending: string[];
  /** Applied, but the file's checksum differs now. */
  changed: string[];
  /** Applied, but not in the set (the database was migrated by a newer version). */
  unknown: string[];
}

/** Any constant works; it only has to be the same in every Tickline process. */
const MIGRATION_LOCK_KEY = 7_140_131_001;

const CREATE_TABLE = `create table if not exists schema_migrations (
  id text primary key,
  checksum text not null,
  applied_at timestamptz not null default now(),
  duration_ms integer not null
)`;

interface Row {
  id: string;
  checksum: string;
  applied_at: Date;
  duration_ms: number;
}

async function lockedRows(tx: SqlTx): Promise<Row[]> {
  await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  await tx.query(CREATE_TABLE);
  return (
    await tx.query<Row>('select id, checksum, applied_at, duration_ms from schema_migrations order by id')
  ).rows;
}

function assertUnchanged(rows: readonly Row[], migrations: readonly Migration[]): void {
  const changed = compare(rows, migrations).changed;
  if (changed.length === 0) return;
  throw new StoreError(
    'STORE_MIGRATION_CHANGED',
    `applied migration${changed.length > 1 ? 's' : ''} ${changed.join(', ')} changed since ${changed.length > 1 ? 'they were' : 'it was'} applied`,
    { details: { changed } },
  );
}

function compare(rows: readonly Row[], migrations: readonly Migration[]): Omit<MigrationStatus, 'applied'> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const known = new Set(migrations.map((m) => m.id));
  return {
    pending: migrations.filter((m) => !byId.has(m.id)).map((m) => m.id),
    changed: migrations
      .filter((m) => byId.has(m.id) && byId.get(m.id)!.checksum !== m.checksum)
      .map((m) => m.id),
    unknown: rows.filter((r) => !known.has(r.id)).map((r) => r.id),
  };
}

/**
 * Applies the pending migrations in order.
 * @throws StoreError STORE_MIGRATION_CHANGED (nothing applied) or STORE_MIGRATION_FAILED (that
 * migration rolled back; the ones before it stay applied).
 * @example
 * const { applied } = await migrate(sql);
 */
export async function migrate(sql: Sql, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? (await loadMigrations());
  const pending = await sql.transaction(async (tx) => {
    const rows = await lockedRows(tx);
    assertUnchanged(rows, migrations);
    return compare(rows, migrations).pending;
  });
  const applied: string[] = [];
  for (const migration of migrations.filter((m) => pending.includes(m.id))) {
    // Checked again under the lock: another process may have applied it in the meantime.
    const ran = await sql.transaction(async (tx) => {
      const rows = await lockedRows(tx);
      assertUnchanged(rows, migrations);
      if (rows.some((r) => r.id === migration.id)) return false;
      await applyOne(tx, migration);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return { applied };
}

async function applyOne(tx: SqlTx, migration: Migration): Promise<void> {
  const started = performance.now();
  try {
    await tx.exec(migration.sql);
  } catch (cause) {
    const sqlState = (cause as StoreError).details?.sqlState;
    throw new StoreError(
      'STORE_MIGRATION_FAILED',
      `migration ${migration.id} failed: ${(cause as Error).message}`,
      {
        cause,
        details: { migration: migration.id, ...(sqlState === undefined ? {} : { sqlState }) },
      },
    );
  }
  await tx.query('insert into schema_migrations (id, checksum, duration_ms) values ($1, $2, $3)', [
    migration.id,
    migration.checksum,
    Math.round(performance.now() - started),
  ]);
}

/** Compares the database with the migration set without changing anything. */
export async function migrationStatus(sql: Sql, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const migrations = options.migrations ?? (await loadMigrations());
  const exists = await sql.query<{ name: string | null }>(
    "select to_regclass('schema_migrations')::text as name",
  );
  const rows = exists.rows[0]?.name
    ? (
        await sql.query<Row>(
          'select id, checksum, applied_at, duration_ms from schema_migrations order by id',
        )
      ).rows
    : [];
  return {
    applied: rows.map((r) => ({
      id: r.id,
      checksum: r.checksum,
      appliedAt: r.applied_at,
      durationMs: r.duration_ms,
    })),
    ...compare(rows, migrations),
  };
}

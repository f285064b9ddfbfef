/**
 * @module SQL for notify's integration tests: a fresh PostgreSQL database from the provided test
 * server, with the store's migrations and notify's (0008, 0012, 0023) applied (the way the module loader will).
 */
import { createPostgresSql, loadMigrations, migrate, type Sql } from '@tickline/store';
import { createDatabase, type ProvidedPostgres } from '@tickline/testing';
import { NOTIFY_MIGRATIONS_DIR } from '../module.ts';

export async function openNotifySql(postgres: ProvidedPostgres, name: string): Promise<Sql> {
  const sql = await createPostgresSql({ url: await createDatabase(postgres.url!, name) });
  await migrate(sql, {
    migrations: [...(await loadMigrations()), ...(await loadMigrations(NOTIFY_MIGRATIONS_DIR))],
  });
  return sql;
}

/** Polls `check` until it returns a truthy value (generous: CI machines are busy). */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

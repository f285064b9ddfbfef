/**
 * @module The migration set of a Tickline database: store's (the event infrastructure) and every
 * domain module's, composed by version. Every role migrates to the whole set, so processes of
 * different roles share one schema.
 */
import { loadMigrationSets, MIGRATIONS_DIR, type Migration } from '@tickline/store';
import { DOMAINS } from '../domains.ts';

/** Every migration of the domains in domains.ts, with store's. */
export async function loadAllMigrations(): Promise<Migration[]> {
  const modules = await Promise.all(DOMAINS.map((domain) => domain.load()));
  return loadMigrationSets([MIGRATIONS_DIR, ...modules.flatMap((module) => module.migrations ?? [])]);
}

/**
 * @module Vitest `globalSetup` for integration and end-to-end tests: one PostgreSQL server per run
 * (Debian's binaries, see `startPostgres`), or the server at `TICKLINE_TEST_DATABASE_URL` when set.
 * Each test file then creates a database of its own with `createDatabase`.
 */
import type { TestProject } from 'vitest/node';
import { requirePostgresBinaries } from './postgres-binaries.ts';
import { startPostgres } from './postgres-server.ts';
import { PROVIDED_POSTGRES_KEY, RUN_POSTGRES_URL_ENV } from './provided-postgres.ts';

/** Environment variable naming an existing server to use instead of starting one. */
export const TEST_DATABASE_URL_ENV = 'TICKLINE_TEST_DATABASE_URL';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env[TEST_DATABASE_URL_ENV] ?? process.env[RUN_POSTGRES_URL_ENV];
  if (existing) {
    project.provide(PROVIDED_POSTGRES_KEY, { url: existing });
    return async () => {};
  }
  // Throws under CI=true when the binaries are missing: CI must not skip these tests.
  const binaries = requirePostgresBinaries();
  if (!binaries.available) {
    project.provide(PROVIDED_POSTGRES_KEY, { skipReason: binaries.reason! });
    return async () => {};
  }
  const server = await startPostgres();
  process.env[RUN_POSTGRES_URL_ENV] = server.url;
  project.provide(PROVIDED_POSTGRES_KEY, { url: server.url });
  return async () => {
    delete process.env[RUN_POSTGRES_URL_ENV];
    await server.cleanup();
  };
}

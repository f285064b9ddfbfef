/**
 * @module Vitest setup of `npm run release:queries`: wraps both SQL adapters' factories with
 * `recordingSql`, keeps the statements that production code sends (not the ones a test file or a
 * test harness sends itself), and appends them to a file per worker in
 * `TICKLINE_RELEASE_QUERIES_DIR` after each test file.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { createPgliteSql, createPostgresSql } from '@tickline/store';
import { afterAll, vi } from 'vitest';
import { isTestCaller } from './callers.ts';

const seen = vi.hoisted(() => new Set<string>());

// Mocked by file, so every importer (the package entry, sibling files) gets the recording one.
vi.mock('../../packages/store/src/pglite/pglite-sql.ts', async (importOriginal) => {
  const original = await importOriginal<{ createPgliteSql: typeof createPgliteSql }>();
  const { recordingSql } = await import('../../packages/store/src/release-queries/recording-sql.ts');
  return {
    ...original,
    createPgliteSql: async (options: Parameters<typeof original.createPgliteSql>[0]) =>
      recordingSql(await original.createPgliteSql(options), record),
  };
});
vi.mock('../../packages/store/src/postgres/postgres-sql.ts', async (importOriginal) => {
  const original = await importOriginal<{ createPostgresSql: typeof createPostgresSql }>();
  const { recordingSql } = await import('../../packages/store/src/release-queries/recording-sql.ts');
  return {
    ...original,
    createPostgresSql: async (options: Parameters<typeof original.createPostgresSql>[0]) =>
      recordingSql(await original.createPostgresSql(options), record),
  };
});

function record(text: string): void {
  if (!isTestCaller(new Error().stack ?? '')) seen.add(text);
}

afterAll(() => {
  const dir = process.env['TICKLINE_RELEASE_QUERIES_DIR'];
  if (dir === undefined || seen.size === 0) return;
  appendFileSync(join(dir, `${process.pid}.jsonl`), [...seen].map((s) => JSON.stringify(s) + '\n').join(''));
  seen.clear();
});

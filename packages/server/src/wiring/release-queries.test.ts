import { readdirSync, readFileSync } from 'node:fs';
import { createPgliteSql, migrate, migrationFromText, type Sql } from '@tickline/store';
import { checkCorpus, findDestructiveChanges, type ReleaseCorpus } from '@tickline/store/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllMigrations } from './migrations.ts';

/**
 * Blue/green (docs/deployment.md): the previous release keeps running its SQL while this release's
 * migrations are applied. Its statements were recorded when it was cut (`npm run release:queries`);
 * each must still PREPARE against this release's schema, and new migrations may only expand it.
 */
const CORPUS_DIR = new URL('../../test/release-queries/', import.meta.url);

function previousRelease(): ReleaseCorpus {
  const newer = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const latest = readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort(newer)
    .at(-1)!;
  return JSON.parse(readFileSync(new URL(latest, CORPUS_DIR), 'utf8')) as ReleaseCorpus;
}

describe('release queries - the previous release against this release schema', () => {
  const corpus = previousRelease();
  let sql: Sql;
  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadAllMigrations() });
  });
  afterAll(() => sql.close());

  it('release queries - the recorded corpus covers the repositories of every domain', () => {
    // One table per module that owns migrations: store, identity, market, notify, platform,
    // strategy, trading, game. A recording that missed a domain's tests would check nothing of it.
    expect(corpus.statements.length).toBeGreaterThan(200);
    const tables = ['consumer_checkpoints', 'auth_sessions', 'market_candles', 'notify_deliveries'];
    for (const table of [...tables, 'platform_players', 'live_strategies', 'game_snapshots']) {
      const used = corpus.statements.some((statement) => new RegExp(`\\b${table}\\b`).test(statement));
      expect(used, table).toBe(true);
    }
  });

  it('release queries - every statement of the previous release still prepares', async () => {
    expect(await checkCorpus(sql, corpus.statements)).toEqual([]);
  });

  it('release queries - migrations after the previous release only expand the schema', async () => {
    const migrations = await loadAllMigrations();
    const last = migrations.findIndex((m) => m.id === corpus.lastMigration);
    expect(last, `${corpus.lastMigration} is in the set`).toBeGreaterThanOrEqual(0);
    expect(findDestructiveChanges(migrations.slice(last + 1))).toEqual([]);
  });

  it('release queries - a migration renaming a column the previous release reads is caught twice', async () => {
    const rename = migrationFromText(
      '9999_rename_for_test.sql',
      'alter table auth_sessions rename column revoked_at to revoked_on;',
    );
    expect(findDestructiveChanges([rename]).map((change) => change.kind)).toEqual(['rename']);

    await migrate(sql, { migrations: [...(await loadAllMigrations()), rename] });
    const failures = await checkCorpus(sql, corpus.statements);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure.statement).toMatch(/\brevoked_at\b/);
      expect(failure).toMatchObject({
        sqlState: '42703',
        message: expect.stringContaining('revoked_at') as string,
      });
    }
  });
});

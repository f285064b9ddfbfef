import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations, loadMigrationSets, migrationFromText, MIGRATIONS_DIR } from './load-migrations.ts';

// The frozen checksums of every released migration (store's and the domains') are checked where
// the whole set is composed: packages/server/src/wiring/migrations.test.ts.

describe('migrations', () => {
  it('migrations - store holds the event infrastructure, 0001', async () => {
    expect((await loadMigrations()).map((m) => m.id)).toEqual(['0001_event_infrastructure']);
  });

  it('migrations - sets of several folders compose by version and refuse a shared version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickline-migrations-'));
    try {
      writeFileSync(join(dir, '0002_second.sql'), 'create table b (y int);');
      expect((await loadMigrationSets([dir, MIGRATIONS_DIR])).map((m) => m.version)).toEqual([1, 2]);
      writeFileSync(join(dir, '0001_clash.sql'), 'create table c (z int);');
      await expect(loadMigrationSets([MIGRATIONS_DIR, dir])).rejects.toMatchObject({
        code: 'STORE_INVALID_ARGUMENT',
        details: { ids: ['0001_event_infrastructure', '0001_clash'] },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrations - names must be NNNN_snake_name.sql; checksums ignore line endings', () => {
    for (const name of ['1_x.sql', '0001-x.sql', '0001_X.sql', '0001_x.txt']) {
      expect(() => migrationFromText(name, ''), name).toThrow(
        expect.objectContaining({ code: 'STORE_INVALID_ARGUMENT' }),
      );
    }
    expect(migrationFromText('0007_x.sql', 'a;\r\nb;\r\n')).toMatchObject({
      id: '0007_x',
      version: 7,
      checksum: migrationFromText('0007_x.sql', 'a;\nb;\n').checksum,
    });
  });
});

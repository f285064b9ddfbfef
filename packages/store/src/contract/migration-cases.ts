/** @module Contract cases: migrations apply once, in order, detect a changed file, roll back a failing one. */
import { expect, it } from 'vitest';
import { isMigrationChangedError, isMigrationFailedError } from '../errors.ts';
import { loadMigrations, migrationFromText } from '../migrations/load-migrations.ts';
import { migrate, migrationStatus } from '../migrations/migrate.ts';
import type { SqlSubject } from './sql-subject.ts';

const first = migrationFromText('0001_first.sql', 'create table a (x int);\ninsert into a values (1);\n');
const second = migrationFromText('0002_second.sql', 'create table b (y int);');
const third = migrationFromText('0003_third.sql', 'alter table b add column z text;');

export function migrationCases(subject: SqlSubject): void {
  const tableExists = async (name: string): Promise<boolean> =>
    (await subject().query<{ t: string | null }>('select to_regclass($1)::text as t', [name])).rows[0]!.t !==
    null;

  it('migrate - applies the package migrations once and creates the event tables', async () => {
    const sql = subject();
    const ids = (await loadMigrations()).map((m) => m.id);
    expect(ids[0]).toBe('0001_event_infrastructure');
    expect(await migrate(sql)).toEqual({ applied: ids });
    expect(await migrate(sql)).toEqual({ applied: [] });
    expect(await tableExists('processed_events')).toBe(true);
    expect(await tableExists('consumer_checkpoints')).toBe(true);
    const status = await migrationStatus(sql);
    expect(status).toMatchObject({ pending: [], changed: [], unknown: [] });
    expect(status.applied.map((m) => m.id)).toEqual(ids);
    expect(status.applied[0]!.appliedAt).toBeInstanceOf(Date);
  });

  it('migrate - applies only what is pending, in order, each recorded with its checksum', async () => {
    const sql = subject();
    expect(await migrationStatus(sql, { migrations: [first, second] })).toMatchObject({
      applied: [],
      pending: ['0001_first', '0002_second'],
    });
    expect(await migrate(sql, { migrations: [first, second] })).toEqual({
      applied: ['0001_first', '0002_second'],
    });
    expect(await migrate(sql, { migrations: [first, second, third] })).toEqual({ applied: ['0003_third'] });
    const status = await migrationStatus(sql, { migrations: [first, second, third] });
    expect(status.applied.map((m) => [m.id, m.checksum])).toEqual([
      ['0001_first', first.checksum],
      ['0002_second', second.checksum],
      ['0003_third', third.checksum],
    ]);
    expect((await sql.query('select x from a')).rows).toEqual([{ x: 1 }]);
  });

  it('migrate - a changed applied migration is STORE_MIGRATION_CHANGED and nothing else runs', async () => {
    const sql = subject();
    await migrate(sql, { migrations: [first] });
    const edited = migrationFromText('0001_first.sql', 'create table a (x bigint);\n');
    const set = [edited, second];
    await expect(migrate(sql, { migrations: set })).rejects.toSatisfy(isMigrationChangedError);
    expect(await tableExists('b')).toBe(false);
    expect(await migrationStatus(sql, { migrations: set })).toMatchObject({
      changed: ['0001_first'],
      pending: ['0002_second'],
    });
    // Line endings alone are not a change.
    const crlf = migrationFromText('0001_first.sql', first.sql.replaceAll('\n', '\r\n'));
    expect(await migrate(sql, { migrations: [crlf] })).toEqual({ applied: [] });
  });

  it('migrate - a failing migration rolls back alone and is reported as STORE_MIGRATION_FAILED', async () => {
    const sql = subject();
    const failing = migrationFromText('0002_failing.sql', 'create table b (y int);\nselect 1 / 0;');
    const error = await migrate(sql, { migrations: [first, failing, third] }).catch((e: unknown) => e);
    expect(error).toSatisfy(isMigrationFailedError);
    expect((error as { details: unknown }).details).toEqual({ migration: '0002_failing', sqlState: '22012' });
    expect(await tableExists('a')).toBe(true);
    expect(await tableExists('b')).toBe(false);
    expect((await migrationStatus(sql, { migrations: [first, failing, third] })).pending).toEqual([
      '0002_failing',
      '0003_third',
    ]);
  });

  it('migrate - concurrent runs apply each migration once; unknown applied ids are reported', async () => {
    const sql = subject();
    const set = [first, second, third];
    const runs = await Promise.all([migrate(sql, { migrations: set }), migrate(sql, { migrations: set })]);
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(['0001_first', '0002_second', '0003_third']);
    expect((await migrationStatus(sql, { migrations: [first] })).unknown).toEqual([
      '0002_second',
      '0003_third',
    ]);
  });
}

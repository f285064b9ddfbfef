import { describe, expect, it } from 'vitest';
import { assertCompatible, BACKUP_FORMAT_VERSION, parseManifest, type BackupManifest } from './manifest.ts';

const manifest: BackupManifest = {
  format: 'tickline-backup',
  formatVersion: BACKUP_FORMAT_VERSION,
  createdAt: '2026-11-22T09:00:00.000Z',
  versions: { tickline: '0.1.0', node: 'v24.21.0' },
  sql: { engine: 'pglite', migrations: ['0001_event_infrastructure', '0002_identity'] },
  components: ['db', 'eventlog'],
  files: [{ path: 'eventlog/00000000000000000001.log', bytes: 12, sha256: 'a'.repeat(64) }],
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('backup manifest - reading', () => {
  it('parse - a manifest round-trips through its JSON', () => {
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('parse - not JSON, or not a backup manifest, is ARCHIVE_INVALID', () => {
    expect(codeOf(() => parseManifest('{'))).toBe('SERVER_BACKUP_ARCHIVE_INVALID');
    expect(codeOf(() => parseManifest(JSON.stringify({ format: 'zip' })))).toBe(
      'SERVER_BACKUP_ARCHIVE_INVALID',
    );
    expect(
      codeOf(() =>
        parseManifest(JSON.stringify({ ...manifest, files: [{ path: 'x', bytes: 1, sha256: 'nope' }] })),
      ),
    ).toBe('SERVER_BACKUP_ARCHIVE_INVALID');
  });

  it('parse - another format version is ARCHIVE_INCOMPATIBLE, whatever else it holds', () => {
    expect(codeOf(() => parseManifest(JSON.stringify({ format: 'tickline-backup', formatVersion: 2 })))).toBe(
      'SERVER_BACKUP_ARCHIVE_INCOMPATIBLE',
    );
  });
});

describe('backup manifest - does it fit this installation', () => {
  const known = ['0001_event_infrastructure', '0002_identity', '0003_account_snapshots'];

  it('same engine, migrations this version knows (fewer is fine: start migrates on) - accepted', () => {
    expect(() => assertCompatible(manifest, { engine: 'pglite', knownMigrations: known })).not.toThrow();
  });

  it('another engine - refused, naming both', () => {
    expect(() => assertCompatible(manifest, { engine: 'postgres', knownMigrations: known })).toThrow(
      /holds a pglite database but this configuration uses PostgreSQL/,
    );
  });

  it('a migration this version does not know (a newer tickline made it) - refused, naming it', () => {
    const newer = {
      ...manifest,
      sql: { ...manifest.sql, migrations: [...manifest.sql.migrations, '0099_future'] },
    };
    expect(codeOf(() => assertCompatible(newer, { engine: 'pglite', knownMigrations: known }))).toBe(
      'SERVER_BACKUP_ARCHIVE_INCOMPATIBLE',
    );
    expect(() => assertCompatible(newer, { engine: 'pglite', knownMigrations: known })).toThrow(
      /0099_future/,
    );
  });
});

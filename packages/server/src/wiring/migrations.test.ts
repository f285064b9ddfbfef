import { migrationFromText } from '@tickline/store';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllMigrations } from './migrations.ts';

/**
 * Released migrations are frozen: editing one breaks every database that applied it
 * (STORE_MIGRATION_CHANGED). Moving one to its module's folder keeps its id, version and checksum,
 * so databases migrated before the move see nothing pending. A new migration adds its checksum.
 */
const FROZEN: Record<string, string> = {
  '0001_event_infrastructure': '9a326651d187883ea7ca37a9ac961a3c8d7b03d3829ffb868dc69db8332a5287',
  '0002_identity': '55cc411c36ed6fb8a2b64b18fddee3db981a79fabbc5e469dcbaf01a28f8504b',
  '0003_account_snapshots': '6d0f08a003641627fec4003e0808e7878d4763f69e3b5c5825e776b2c01949e2',
  '0004_market': 'f2c414ca8c6d2636486c26b87a95cf3899317ae8c406f4768793c2609d56a04e',
  '0005_game': '5cc3341b4a65f0441d9491efb9748394b7583861c027de9cf6b5157d9d4faf3b',
  '0006_platform': '5824b0911a69228623822714a5b47df179cd3ad766e77e946af7959445457ab9',
};

describe('migrations - the composed set', () => {
  it('migrations - released files are unchanged, numbered uniquely, ordered across modules', async () => {
    const migrations = await loadAllMigrations();
    for (const [id, checksum] of Object.entries(FROZEN)) {
      expect(migrations.find((m) => m.id === id)?.checksum, id).toBe(checksum);
    }
    // Numbers are handed out per piece of work in flight (0013–0015 are reserved elsewhere), so
    // a gap may stand until those land; order and uniqueness are what migrate relies on.
    const versions = migrations.map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('migrations - each lives in the folder of the module that owns its tables', async () => {
    const where = (pkg: string, id: string) =>
      migrationFromText(
        `${id}.sql`,
        readFileSync(new URL(`../../../${pkg}/migrations/${id}.sql`, import.meta.url), 'utf8'),
      );
    expect(where('identity', '0002_identity').checksum).toBe(FROZEN['0002_identity']);
    expect(where('trading', '0003_account_snapshots').checksum).toBe(FROZEN['0003_account_snapshots']);
    expect(where('market', '0004_market').checksum).toBe(FROZEN['0004_market']);
    expect(where('game', '0005_game').checksum).toBe(FROZEN['0005_game']);
    expect(where('platform', '0006_platform').checksum).toBe(FROZEN['0006_platform']);
  });
});

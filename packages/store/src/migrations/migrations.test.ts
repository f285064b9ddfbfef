import { describe, expect, it } from 'vitest';
import { loadMigrations, migrationFromText } from './load-migrations.ts';

/**
 * Released migrations are frozen: editing one breaks every database that applied it
 * (STORE_MIGRATION_CHANGED). A new migration adds its checksum here.
 */
const FROZEN: Record<string, string> = {
  '0001_event_infrastructure': '9a326651d187883ea7ca37a9ac961a3c8d7b03d3829ffb868dc69db8332a5287',
  '0002_identity': '55cc411c36ed6fb8a2b64b18fddee3db981a79fabbc5e469dcbaf01a28f8504b',
  '0003_account_snapshots': '6d0f08a003641627fec4003e0808e7878d4763f69e3b5c5825e776b2c01949e2',
  '0004_market': 'f2c414ca8c6d2636486c26b87a95cf3899317ae8c406f4768793c2609d56a04e',
  '0005_game': '5cc3341b4a65f0441d9491efb9748394b7583861c027de9cf6b5157d9d4faf3b',
};

describe('migrations', () => {
  it('migrations - released files are unchanged, numbered without gaps, and ordered', async () => {
    const migrations = await loadMigrations();
    for (const [id, checksum] of Object.entries(FROZEN)) {
      expect(migrations.find((m) => m.id === id)?.checksum, id).toBe(checksum);
    }
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
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

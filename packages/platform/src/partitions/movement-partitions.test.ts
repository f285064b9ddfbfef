import { createPgliteSql, migrate, type Sql, loadMigrationSets, MIGRATIONS_DIR } from '@tickline/store';
import { PLATFORM_MIGRATIONS_DIR } from '../config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformProjection } from '../projection/platform-projection.ts';
import { gameStream, STREAM_START_MS } from '../projection/testing/game-stream.ts';
import { maintainMovementPartitions } from './movement-partitions.ts';

const DAY_MS = 86_400_000;
let sql: Sql;
beforeAll(async () => {
  sql = await createPgliteSql({ memory: true });
  await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, PLATFORM_MIGRATIONS_DIR]) });
}, 60_000);
afterAll(() => sql.close());

const rowsIn = async (table: string) =>
  Number((await sql.query<{ n: number }>(`select count(*) as n from ${table}`)).rows[0]!.n);

describe('movement partitions', () => {
  it('partitions - rows already in the default move into the new day partition; old days are dropped', async () => {
    const stream = gameStream(1);
    await createPlatformProjection({ sql, consumerGroup: 'p' }).apply(stream);
    const movements = await rowsIn('platform_movements');
    expect(await rowsIn('platform_movements_default')).toBe(movements);
    const first = await maintainMovementPartitions(sql, { nowMs: STREAM_START_MS, retentionDays: 30 });
    expect(first.created).toContain('platform_movements_p20261122');
    expect(first.created).toHaveLength(5); // yesterday, today and three days ahead
    expect(await rowsIn('platform_movements_default')).toBe(0);
    expect(await rowsIn('platform_movements_p20261122')).toBe(movements);
    // 31 days later the stream's day is past the retention.
    const later = await maintainMovementPartitions(sql, {
      nowMs: STREAM_START_MS + 31 * DAY_MS,
      retentionDays: 30,
    });
    expect(later.dropped).toContain('platform_movements_p20261122');
    expect(await rowsIn('platform_movements')).toBe(0);
    expect((await maintainMovementPartitions(sql, { nowMs: STREAM_START_MS + 31 * DAY_MS })).created).toEqual(
      [],
    );
  });
});

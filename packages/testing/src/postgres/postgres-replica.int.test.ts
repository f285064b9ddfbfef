import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { until } from '../until.ts';
import { requirePostgresBinaries } from './postgres-binaries.ts';
import { startPostgresPrimary, startPostgresReplica } from './postgres-replica.ts';

const binaries = requirePostgresBinaries();

async function rows(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe.skipIf(!binaries.available)(`postgres replica harness ${binaries.reason ?? ''}`, () => {
  it('replica - streams the primary’s writes and refuses its own', async () => {
    const primary = await startPostgresPrimary();
    try {
      const replica = await startPostgresReplica(primary);
      try {
        expect(replica.port).not.toBe(primary.port);
        expect(await rows(replica.url, 'select pg_is_in_recovery() as standby')).toEqual([{ standby: true }]);
        await rows(primary.url, 'create table streamed (x int); insert into streamed values (42)');
        await until(
          async () => (await rows(replica.url, "select to_regclass('streamed') as t"))[0]?.t !== null,
        );
        expect(await rows(replica.url, 'select x from streamed')).toEqual([{ x: 42 }]);
        await expect(rows(replica.url, 'insert into streamed values (1)')).rejects.toThrow(/read-only/);
        const senders = await rows(primary.url, 'select state from pg_stat_replication');
        expect(senders).toEqual([{ state: 'streaming' }]);
      } finally {
        await replica.cleanup();
      }
    } finally {
      await primary.cleanup();
    }
  });
});

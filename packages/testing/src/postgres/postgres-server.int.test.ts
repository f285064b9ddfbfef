import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDatabase } from './create-database.ts';
import { requirePostgresBinaries } from './postgres-binaries.ts';
import { startPostgres } from './postgres-server.ts';

const binaries = requirePostgresBinaries();

async function scalar(url: string, text: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ v: unknown }>(text)).rows[0]?.v;
  } finally {
    await client.end();
  }
}

describe.skipIf(!binaries.available)(`postgres harness ${binaries.reason ?? ''}`, () => {
  it('server - starts on a free port, creates isolated databases, stops and starts again', async () => {
    const server = await startPostgres();
    try {
      expect(await scalar(server.url, 'select 1 as v')).toBe(1);
      const a = await createDatabase(server.url, 'harness');
      const b = await createDatabase(server.url, 'harness');
      expect(a).not.toBe(b);
      await scalar(a, 'create table only_here (x int)');
      expect(await scalar(a, "select to_regclass('only_here')::text as v")).toBe('only_here');
      expect(await scalar(b, "select to_regclass('only_here')::text as v")).toBeNull();
      await server.stop();
      await expect(scalar(server.url, 'select 1 as v')).rejects.toThrow();
      await server.start();
      expect(await scalar(a, "select to_regclass('only_here')::text as v")).toBe('only_here');
    } finally {
      await server.cleanup();
    }
  });
});

/** @module Contract cases: bulk inserts through unnest, idempotent by default, with upserts. */
import { expect, it } from 'vitest';
import { insertRows } from '../bulk/insert-rows.ts';
import type { SqlSubject } from './sql-subject.ts';

const COLUMNS = {
  id: 'int8',
  name: 'text',
  price: 'numeric(20, 8)',
  at: 'timestamptz',
  tags: 'jsonb',
  raw: 'bytea',
} as const;

export function bulkCases(subject: SqlSubject): void {
  const create = () =>
    subject().exec(`create table items (id bigint primary key, name text not null, price numeric(20, 8),
      at timestamptz, tags jsonb, raw bytea)`);

  it('insertRows - writes every type in chunks and skips existing rows on a re-run', async () => {
    const sql = subject();
    await create();
    const at = new Date('2024-05-01T00:00:00.000Z');
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      id: i + 1,
      name: `item "${i}", {x}`,
      price: `${i}.12345678`,
      at,
      tags: i % 2 ? ['a', i] : { i },
      raw: i % 3 ? new Uint8Array([i & 255]) : null,
    }));
    expect(await insertRows(sql, { table: 'items', columns: COLUMNS, rows })).toBe(12_000);
    expect(await insertRows(sql, { table: 'items', columns: COLUMNS, rows: rows.slice(0, 100) })).toBe(0);
    const { rows: back } = await sql.query('select * from items where id in (1, 2, 12000) order by id');
    expect(back).toEqual([
      { id: 1, name: 'item "0", {x}', price: '0.12345678', at, tags: { i: 0 }, raw: null },
      { id: 2, name: 'item "1", {x}', price: '1.12345678', at, tags: ['a', 1], raw: new Uint8Array([1]) },
      {
        id: 12000,
        name: 'item "11999", {x}',
        price: '11999.12345678',
        at,
        tags: ['a', 11999],
        raw: new Uint8Array([11999 & 255]),
      },
    ]);
  });

  it('insertRows - an upsert updates the named columns of conflicting rows', async () => {
    const sql = subject();
    await create();
    await insertRows(sql, {
      table: 'items',
      columns: { id: 'int8', name: 'text' },
      rows: [{ id: 1, name: 'old' }],
    });
    const written = await insertRows(sql, {
      table: 'items',
      columns: { id: 'int8', name: 'text' },
      rows: [
        { id: 1, name: 'new' },
        { id: 2, name: 'two' },
      ],
      onConflict: { target: ['id'], update: ['name'] },
    });
    expect(written).toBe(2);
    expect((await sql.query('select id, name from items order by id')).rows).toEqual([
      { id: 1, name: 'new' },
      { id: 2, name: 'two' },
    ]);
  });

  it('insertRows - refuses identifiers and type names that are not plain', async () => {
    const sql = subject();
    await create();
    const bad = [
      { table: 'items; drop table items', columns: { id: 'int8' } },
      { table: 'items', columns: { 'id"': 'int8' } },
      { table: 'items', columns: { id: 'int8[]); drop table items; --' } },
    ];
    for (const options of bad) {
      await expect(insertRows(sql, { ...options, rows: [{ id: 1 }] })).rejects.toMatchObject({
        code: 'STORE_INVALID_ARGUMENT',
      });
    }
    expect((await sql.query("select to_regclass('items')::text as t")).rows).toEqual([{ t: 'items' }]);
  });
}

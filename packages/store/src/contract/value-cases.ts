/** @module Contract cases: values round-trip with the same types, rowCount, scripts, error codes, health. */
import { expect, it } from 'vitest';
import type { StoreError } from '../errors.ts';
import type { SqlSubject } from './sql-subject.ts';

const JSON_VALUE = { a: 1, nested: { list: [1, 'two', null, true] }, quote: `it's "quoted" \\ ü` };

export function valueCases(subject: SqlSubject): void {
  it('values - parameters and results round-trip with the same JavaScript types', async () => {
    const instant = new Date('2024-02-29T12:34:56.789Z');
    const { rows } = await subject().query(
      `select $1::int4 as i4, $2::int8 as i8, $3::int8 as big, $4::numeric as num, $5::float8 as f8,
        $6::bool as yes, $7::text as txt, $8::uuid as id, $9::timestamptz as ts, $10::date as day,
        $11::timestamp as local, $12::interval as span, $13::jsonb as jb, $14::json as js,
        $15::bytea as bytes, $16::text[] as texts, $17::int8[] as longs, $18::jsonb as jarr,
        $19::text as nothing, $20::int4 as undef, count(*) as n`,
      [
        ...[-7, 42n, 9007199254740993n, '12345678901234567890.123456789', 1.5, true, 'tickline'],
        ...['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', instant, '2024-02-29', '2024-02-29 12:34:56.789'],
        ...['1 day 02:03:04', JSON_VALUE, JSON_VALUE, new Uint8Array([0, 1, 255])],
        ...[['a', null], [1, 2n, '3'], JSON.stringify([1, { x: 2 }]), null, undefined],
      ],
    );
    const row = rows[0]!;
    expect(row).toEqual({
      i4: -7,
      i8: 42,
      big: 9007199254740993n,
      num: '12345678901234567890.123456789',
      f8: 1.5,
      yes: true,
      txt: 'tickline',
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      ts: instant,
      day: '2024-02-29',
      local: '2024-02-29 12:34:56.789',
      span: '1 day 02:03:04',
      jb: JSON_VALUE,
      js: JSON_VALUE,
      bytes: new Uint8Array([0, 1, 255]),
      texts: ['a', null],
      longs: [1, 2, 3],
      jarr: [1, { x: 2 }],
      nothing: null,
      undef: null,
      n: 1,
    });
    // A Buffer would pass toEqual; the contract promises plain Uint8Array on both.
    expect(Object.getPrototypeOf(row.bytes)).toBe(Uint8Array.prototype);
    expect(row.ts).toBeInstanceOf(Date);
  });

  it('values - text arrays keep nulls, quotes, separators and unicode through unnest, in order', async () => {
    const values = ['a', null, 'b"c', 'd,e', '{}', 'NULL', '', 'ü🙂', 'back\\slash'];
    const { rows } = await subject().query<{ v: string | null }>(
      'select v from unnest($1::text[]) with ordinality as t(v, i) order by i',
      [values],
    );
    expect(rows.map((r) => r.v)).toEqual(values);
  });

  it('values - timestamptz keeps the instant whatever the offset it was given in', async () => {
    const { rows } = await subject().query<{ a: Date; b: Date }>(
      'select $1::timestamptz as a, $2::timestamptz as b',
      ['2024-01-01T09:00:00.123+09:00', new Date('2024-01-01T00:00:00.123Z')],
    );
    expect(rows[0]!.a.getTime()).toBe(Date.parse('2024-01-01T00:00:00.123Z'));
    expect(rows[0]!.b.getTime()).toBe(rows[0]!.a.getTime());
  });

  it('rowCount - writes count affected rows, reads count returned rows, DDL counts 0', async () => {
    const sql = subject();
    expect((await sql.query('create table t (id int primary key, v text)')).rowCount).toBe(0);
    expect((await sql.query("insert into t values (1, 'a'), (2, 'b'), (3, 'c')")).rowCount).toBe(3);
    expect((await sql.query("insert into t values (3, 'c'), (4, 'd') on conflict do nothing")).rowCount).toBe(
      1,
    );
    expect((await sql.query("update t set v = 'x' where id > 1 returning id")).rowCount).toBe(3);
    expect((await sql.query('select * from t where id < 3')).rowCount).toBe(2);
    expect((await sql.query('delete from t')).rowCount).toBe(4);
  });

  it('exec - runs a script of several statements', async () => {
    const sql = subject();
    await sql.exec('create table s (x int); insert into s values (1); insert into s values (2);');
    expect((await sql.query('select sum(x) as total from s')).rows).toEqual([{ total: 3 }]);
  });

  it('errors - carry stable codes and the SQLSTATE, never the row values', async () => {
    const sql = subject();
    await sql.exec(`create table parent (id int primary key);
      create table child (id int primary key, parent int references parent(id), name text not null,
        qty int check (qty > 0), email text unique);
      insert into parent values (1);
      insert into child values (1, 1, 'a', 1, 'secret@example.com');`);
    const secret = ['secret@example.com'];
    const cases: Array<[string, string[], string, string, string | undefined]> = [
      ['selec 1', [], 'STORE_QUERY_FAILED', '42601', undefined],
      ['select * from missing_table', [], 'STORE_QUERY_FAILED', '42P01', undefined],
      ['select 1 / 0', [], 'STORE_QUERY_FAILED', '22012', undefined],
      [
        "insert into child values (2, 1, 'b', 1, $1)",
        secret,
        'STORE_UNIQUE_VIOLATION',
        '23505',
        'child_email_key',
      ],
      [
        "insert into child values (1, 1, 'b', 1, 'other')",
        [],
        'STORE_UNIQUE_VIOLATION',
        '23505',
        'child_pkey',
      ],
      [
        'insert into child values (3, 1, null, 1, null)',
        [],
        'STORE_CONSTRAINT_VIOLATION',
        '23502',
        undefined,
      ],
      [
        "insert into child values (4, 1, 'd', 0, null)",
        [],
        'STORE_CONSTRAINT_VIOLATION',
        '23514',
        'child_qty_check',
      ],
      [
        "insert into child values (5, 9, 'e', 1, null)",
        [],
        'STORE_CONSTRAINT_VIOLATION',
        '23503',
        'child_parent_fkey',
      ],
    ];
    for (const [statement, params, code, sqlState, constraint] of cases) {
      const error = (await sql.query(statement, params).catch((e: unknown) => e)) as StoreError;
      expect(error, statement).toMatchObject({ name: 'StoreError', code });
      expect(error.details, statement).toMatchObject({ sqlState, statement });
      if (constraint) expect(error.details?.constraint, statement).toBe(constraint);
      // The server's detail line quotes the row ("Key (email)=(secret@…)"); it must not leak.
      expect(JSON.stringify({ ...error.toJSON(), message: error.message })).not.toContain('secret@');
    }
  });

  it('health - reports connected with a round-trip time', async () => {
    const health = await subject().health();
    expect(health.connected).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteSql } from '../pglite/pglite-sql.ts';
import type { Sql } from '../port/sql.ts';
import { recordingSql } from './recording-sql.ts';

describe('release queries - recording', () => {
  let inner: Sql;
  beforeAll(async () => {
    inner = await createPgliteSql({ memory: true });
  });
  afterAll(() => inner.close());

  it('release queries - records query texts on the handle and in transactions, not exec scripts', async () => {
    const seen: string[] = [];
    const sql = recordingSql(inner, (text) => seen.push(text));
    await sql.exec('create table t (a int)');
    await sql.query('insert into t values ($1)', [1]);
    const inTx = await sql.transaction(async (tx) => (await tx.query<{ a: number }>('select a from t')).rows);
    expect(inTx).toEqual([{ a: 1 }]);
    expect(seen).toEqual(['insert into t values ($1)', 'select a from t']);
    expect(sql.dialect).toBe(inner.dialect);
    expect((await sql.health()).connected).toBe(true);
  });
});
